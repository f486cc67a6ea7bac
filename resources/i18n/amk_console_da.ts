<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
    <context>
        <name>AlertMoreDialog</name>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="147" />
            <source>Alert more responders</source>
            <translation>Alarmér flere hjerteløbere</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="147" />
            <source>Alert more</source>
            <translation>Alarmér flere</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="148" />
            <source>How many more to alert</source>
            <translation>Hvor mange flere der skal alarmeres</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="149" />
            <source>Alert radius in metres</source>
            <translation>Alarmradius i meter</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="152" />
            <source>Alerts the next nearest active runners who were not alerted yet, within the radius. A wider radius (up to 10 km) reaches more but farther runners.</source>
            <translation>Alarmerer de næste nærmeste aktive hjerteløbere, som ikke er alarmeret endnu, inden for radius. En større radius (op til 10 km) når flere, men længere væk.</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="156" />
            <source>&amp;How many more:</source>
            <translation>&amp;Hvor mange flere:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="157" />
            <source>&amp;Radius:</source>
            <translation>&amp;Radius:</translation>
        </message>
    </context>
    <context>
        <name>CancelDialog</name>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="258" />
            <source>Cancel the alert</source>
            <translation>Annullér alarmen</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="258" />
            <source>Cancel alert</source>
            <translation>Annullér alarm</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="259" />
            <source>Reason for cancelling</source>
            <translation>Årsag til annullering</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="250" />
            <source>Not a cardiac arrest</source>
            <translation>Ikke hjertestop</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="251" />
            <source>Patient is conscious and breathing</source>
            <translation>Patienten er vågen og trækker vejret</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="252" />
            <source>EMS already on scene</source>
            <translation>Ambulancen er allerede på stedet</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="253" />
            <source>Wrong address</source>
            <translation>Forkert adresse</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="254" />
            <source>Raised by mistake</source>
            <translation>Udløst ved en fejl</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="270" />
            <source>Required: why is the alert cancelled?</source>
            <translation>Skal udfyldes: hvorfor annulleres alarmen?</translation>
        </message>
        <message numerus="yes">
            <location filename="../../console/ui/steer_dialogs.py" line="272" />
            <source>Yes, cancel: %n responder(s) still out will be stood down</source>
            <translation>
                <numerusform>Ja, annullér: %n hjerteløber, der stadig er ude, bliver kaldt hjem</numerusform>
                <numerusform>Ja, annullér: %n hjerteløbere, der stadig er ude, bliver kaldt hjem</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="274" />
            <source>&amp;Reason:</source>
            <translation>Å&amp;rsag:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="285" />
            <source>A reason is required.</source>
            <translation>Der skal angives en årsag.</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="287" />
            <source>The reason is {n} characters long; the limit is {limit}.</source>
            <translation>Årsagen er {n} tegn lang; grænsen er {limit}.</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="291" />
            <source>Tick the box to confirm.</source>
            <translation>Sæt flueben for at bekræfte.</translation>
        </message>
    </context>
    <context>
        <name>ClockOffsetLabel</name>
        <message>
            <location filename="../../console/ui/status_bar.py" line="79" />
            <source>Server clock: not measured yet</source>
            <translation>Serverur: ikke målt endnu</translation>
        </message>
        <message>
            <location filename="../../console/ui/status_bar.py" line="89" />
            <source>⚠ Server clock {offset} off this PC: times shown are the server's</source>
            <translation>⚠ Serverens ur går {offset} forkert i forhold til denne pc: viste tider er serverens</translation>
        </message>
        <message>
            <location filename="../../console/ui/status_bar.py" line="94" />
            <source>Server clock {offset}</source>
            <translation>Serverur {offset}</translation>
        </message>
        <message>
            <location filename="../../console/ui/status_bar.py" line="98" />
            <source>Server time minus this computer's time, measured with a {rtt} ms round trip. Over {limit} s is a warning.</source>
            <translation>Serverens tid minus denne computers tid, målt med {rtt} ms svartid. Over {limit} s giver en advarsel.</translation>
        </message>
    </context>
    <context>
        <name>CloseDialog</name>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="315" />
            <source>Close the mission</source>
            <translation>Afslut opgaven</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="315" />
            <source>Close mission</source>
            <translation>Afslut opgave</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="316" />
            <source>Outcome</source>
            <translation>Udfald</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="319" />
            <source>Other outcome</source>
            <translation>Andet udfald</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="320" />
            <source>Describe the outcome</source>
            <translation>Beskriv udfaldet</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="321" />
            <source>&amp;Outcome:</source>
            <translation>&amp;Udfald:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="322" />
            <source>O&amp;ther:</source>
            <translation>&amp;Andet:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="333" />
            <source>Describe the outcome.</source>
            <translation>Beskriv udfaldet.</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="335" />
            <source>The outcome is {n} characters long; the limit is {limit}.</source>
            <translation>Udfaldet er {n} tegn langt; grænsen er {limit}.</translation>
        </message>
    </context>
    <context>
        <name>Composition</name>
        <message>
            <location filename="../../console/ui/composition.py" line="169" />
            <source>Account locked: {reason}</source>
            <extracomment>Seconds after the window is up when the service area is built in the background. With ``--username``, the password may come from this environment variable instead of the dialog (unattended consoles, the start-up benchmark); never from the command line, which ``ps`` shows to every user of the machine.</extracomment>
            <translation>Kontoen er låst: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/composition.py" line="175" />
            <source>Wrong user name or password.</source>
            <translation>Forkert brugernavn eller adgangskode.</translation>
        </message>
        <message>
            <location filename="../../console/ui/composition.py" line="179" />
            <source>The dispatch service cannot be reached: {reason}</source>
            <translation>Alarmeringstjenesten kan ikke nås: {reason}</translation>
        </message>
    </context>
    <context>
        <name>FailedCommandBanner</name>
        <message>
            <location filename="../../console/ui/banners.py" line="160" />
            <source>Retry</source>
            <translation>Prøv igen</translation>
        </message>
        <message>
            <location filename="../../console/ui/banners.py" line="161" />
            <source>Dismiss</source>
            <translation>Luk</translation>
        </message>
        <message>
            <location filename="../../console/ui/banners.py" line="167" />
            <source>FAILED: {command} — {reason}</source>
            <translation>MISLYKKEDES: {command} — {reason}</translation>
        </message>
    </context>
    <context>
        <name>LinkIndicator</name>
        <message>
            <location filename="../../console/ui/status_bar.py" line="48" />
            <source>{state} (retry in {s} s)</source>
            <translation>{state} (nyt forsøg om {s} s)</translation>
        </message>
        <message>
            <location filename="../../console/ui/status_bar.py" line="52" />
            <source> · {n} bad events</source>
            <translation> · {n} fejlbehæftede hændelser</translation>
        </message>
        <message>
            <location filename="../../console/ui/status_bar.py" line="56" />
            <source>Link: {state}</source>
            <translation>Forbindelse: {state}</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="73" />
            <source>Log in — AMK Hjerteløber console</source>
            <translation>Log ind — AMK Hjerteløber-konsol</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="74" />
            <source>User name</source>
            <translation>Brugernavn</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="75" />
            <source>Password</source>
            <translation>Adgangskode</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="76" />
            <source>Dispatch service:</source>
            <translation>Alarmeringstjeneste:</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="77" />
            <source>&amp;User name:</source>
            <translation>&amp;Brugernavn:</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="78" />
            <source>&amp;Password:</source>
            <translation>&amp;Adgangskode:</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="79" />
            <source>Log in</source>
            <translation>Log ind</translation>
        </message>
        <message>
            <location filename="../../console/ui/login_dialog.py" line="94" />
            <source>Give both a user name and a password.</source>
            <translation>Angiv både brugernavn og adgangskode.</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../console/ui/main_window.py" line="345" />
            <source>AMK Hjerteløber — dispatcher console</source>
            <extracomment>Zoom of the map while previewing an alert: the whole 5 km circle in a map of ~500 px. More AED changes than this in one pass are sent to the map as a whole new register. The installed language, swapped when the setting changes (None: no translators to swap). The window was closed by the dispatcher (the composition root then shuts down). The responder table and the map show the latest changes (for the bench and tests). The selected mission after it ended (kept in view until another is selected).</extracomment>
            <translation>AMK Hjerteløber — disponentkonsol</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="347" />
            <source>TRAINING</source>
            <translation>TRÆNING</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="349" />
            <location filename="../../console/ui/main_window.py" line="353" />
            <source>Open missions</source>
            <translation>Åbne opgaver</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="350" />
            <source>Mission timeline</source>
            <translation>Opgavens tidslinje</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="354" />
            <source>Timeline</source>
            <translation>Tidslinje</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="351" />
            <source>Responders of the selected mission</source>
            <translation>Hjerteløbere på den valgte opgave</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="352" />
            <source>Map of missions, responders and AEDs</source>
            <translation>Kort over opgaver, hjerteløbere og hjertestartere</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="355" />
            <source>&amp;Mission</source>
            <translation>&amp;Opgave</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="356" />
            <source>&amp;View</source>
            <translation>&amp;Vis</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="357" />
            <source>&amp;Settings</source>
            <translation>&amp;Indstillinger</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="358" />
            <source>&amp;Help</source>
            <translation>&amp;Hjælp</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="359" />
            <source>Mission</source>
            <translation>Opgave</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="702" />
            <source>⚠ Only {n} accepted after {s} s — consider Alert more (F3)</source>
            <translation>⚠ Kun {n} har accepteret efter {s} s — overvej Alarmér flere (F3)</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="709" />
            <source>CANCELLED: {reason}</source>
            <translation>ANNULLERET: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="711" />
            <source>CLOSED: {reason}</source>
            <translation>AFSLUTTET: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="746" />
            <source>The dispatch service refused the login: {reason}</source>
            <translation>Alarmeringstjenesten afviste login: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="747" />
            <source>no reason given</source>
            <translation>ingen årsag oplyst</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="759" />
            <source>Logged in again</source>
            <translation>Logget ind igen</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="846" />
            <source>Done: {command}</source>
            <translation>Udført: {command}</translation>
        </message>
        <message numerus="yes">
            <location filename="../../console/ui/main_window.py" line="854" />
            <source>Sending %n command(s)…</source>
            <translation>
                <numerusform>Sender %n kommando…</numerusform>
                <numerusform>Sender %n kommandoer…</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="889" />
            <source>Alert raised</source>
            <translation>Alarm udløst</translation>
        </message>
        <message>
            <location filename="../../console/ui/main_window.py" line="1027" />
            <source>Keyboard shortcuts</source>
            <translation>Tastaturgenveje</translation>
        </message>
    </context>
    <context>
        <name>MapControls</name>
        <message>
            <location filename="../../console/maps/texts.py" line="38" />
            <source>Incident</source>
            <translation>Opgave</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="39" />
            <source>Zoom to the incident(s)</source>
            <translation>Zoom ind på opgaven (eller alle opgaver)</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="40" />
            <source>All</source>
            <translation>Alt</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="41" />
            <source>Show everything on the map</source>
            <translation>Vis alt på kortet</translation>
        </message>
    </context>
    <context>
        <name>MapItems</name>
        <message>
            <location filename="../../console/maps/payload.py" line="52" />
            <source>Alerted</source>
            <translation>Alarmeret</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="53" />
            <source>Accepted</source>
            <translation>Accepteret</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="54" />
            <source>Declined</source>
            <translation>Afvist</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="55" />
            <source>Too far away</source>
            <translation>For langt væk</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="56" />
            <source>AED collected</source>
            <translation>Hjertestarter hentet</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="57" />
            <source>Arrived</source>
            <translation>Fremme</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="58" />
            <source>Abandoned</source>
            <translation>Opgivet</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="59" />
            <source>Released</source>
            <translation>Frigivet</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="64" />
            <source>Available 24/7</source>
            <translation>Tilgængelig døgnet rundt</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="65" />
            <source>Open now</source>
            <translation>Åben nu</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="66" />
            <source>Closed now</source>
            <translation>Lukket nu</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="67" />
            <source>Taken by a responder</source>
            <translation>I brug hos en hjerteløber</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="68" />
            <source>Out of service</source>
            <translation>Ude af drift</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="72" />
            <source>24/7</source>
            <translation>Døgnåben</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="73" />
            <source>Limited hours</source>
            <translation>Begrænset åbningstid</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="77" />
            <source>On foot</source>
            <translation>Til fods</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="78" />
            <source>By bike</source>
            <translation>På cykel</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="79" />
            <source>By car</source>
            <translation>I bil</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="197" />
            <source>Fetch AED at {address}, then go to patient</source>
            <translation>Hent hjertestarter ved {address}, derefter til patienten</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="200" />
            <source>Fetch AED {aed}, then go to patient</source>
            <translation>Hent hjertestarter {aed}, derefter til patienten</translation>
        </message>
        <message>
            <location filename="../../console/maps/payload.py" line="203" />
            <source>Go straight to patient</source>
            <translation>Direkte til patienten</translation>
        </message>
    </context>
    <context>
        <name>MapLayers</name>
        <message>
            <location filename="../../console/maps/texts.py" line="68" />
            <source>Land</source>
            <translation>Land</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="69" />
            <source>Map tiles</source>
            <translation>Kortbaggrund</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="70" />
            <source>Town names</source>
            <translation>Bynavne</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="71" />
            <source>Routes</source>
            <translation>Ruter</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="72" />
            <source>AEDs</source>
            <translation>Hjertestartere</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="73" />
            <source>Runner preview</source>
            <translation>Forhåndsvisning af hjerteløbere</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="74" />
            <source>Incidents</source>
            <translation>Opgaver</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="75" />
            <source>Responders</source>
            <translation>Hjerteløbere</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="76" />
            <source>Selection</source>
            <translation>Markering</translation>
        </message>
    </context>
    <context>
        <name>MapLegend</name>
        <message>
            <location filename="../../console/maps/style.py" line="111" />
            <source>Alerted, no answer yet</source>
            <translation>Alarmeret, intet svar endnu</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="114" />
            <source>Accepted → fetching AED</source>
            <translation>Accepteret → henter hjertestarter</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="119" />
            <source>Accepted → going to patient</source>
            <translation>Accepteret → på vej til patienten</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="124" />
            <source>AED collected, on the way</source>
            <translation>Hjertestarter hentet, på vej</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="127" />
            <source>Arrived</source>
            <translation>Fremme</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="132" />
            <source>Declined, too far, abandoned or released</source>
            <translation>Afvist, for langt væk, opgivet eller frigivet</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="142" />
            <source>AED available 24/7</source>
            <translation>Hjertestarter tilgængelig døgnet rundt</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="148" />
            <source>AED open now (limited hours)</source>
            <translation>Hjertestarter åben nu (begrænset åbningstid)</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="154" />
            <source>AED closed now</source>
            <translation>Hjertestarter lukket nu</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="161" />
            <source>AED taken</source>
            <translation>Hjertestarter i brug</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="168" />
            <source>AED out of service</source>
            <translation>Hjertestarter ude af drift</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="175" />
            <source>Patient, alert radius</source>
            <translation>Patient, alarmradius</translation>
        </message>
        <message>
            <location filename="../../console/maps/style.py" line="178" />
            <source>Active runner (preview)</source>
            <translation>Aktiv hjerteløber (forhåndsvisning)</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="30" />
            <source>Legend</source>
            <translation>Signaturforklaring</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="31" />
            <source>Responders (number = rank)</source>
            <translation>Hjerteløbere (tal = rækkefølge)</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="32" />
            <source>AEDs now</source>
            <translation>Hjertestartere lige nu</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="33" />
            <source>Mission</source>
            <translation>Opgave</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="34" />
            <source>AED group: green share usable now</source>
            <translation>Gruppe af hjertestartere: den grønne del kan bruges nu</translation>
        </message>
    </context>
    <context>
        <name>MapPopup</name>
        <message>
            <location filename="../../console/maps/texts.py" line="43" />
            <source>Patient</source>
            <translation>Patient</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="44" />
            <source>AED</source>
            <translation>Hjertestarter</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="45" />
            <source>AED {id}</source>
            <translation>Hjertestarter {id}</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="46" />
            <source>Address</source>
            <translation>Adresse</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="47" />
            <source>Note</source>
            <translation>Note</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="48" />
            <source>Alert radius</source>
            <translation>Alarmradius</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="49" />
            <source>Mission</source>
            <translation>Opgave</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="50" />
            <source>Rank</source>
            <translation>Rækkefølge</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="51" />
            <source>State</source>
            <translation>Status</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="52" />
            <source>Task</source>
            <translation>Opgave</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="53" />
            <source>Distance</source>
            <translation>Afstand</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="54" />
            <source>ETA</source>
            <translation>ETA</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="55" />
            <source>Now</source>
            <translation>Nu</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="56" />
            <source>Access</source>
            <translation>Adgang</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="57" />
            <source>Hours</source>
            <translation>Åbningstid</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="58" />
            <source>Id</source>
            <translation>Id</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="59" />
            <source>No longer known</source>
            <translation>Ikke længere kendt</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="60" />
            <source>Travels by</source>
            <translation>Transport</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="61" />
            <source>Alert</source>
            <translation>Alarm</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="62" />
            <source>Among the nearest — would be alerted</source>
            <translation>Blandt de nærmeste — ville blive alarmeret</translation>
        </message>
        <message>
            <location filename="../../console/maps/texts.py" line="65" />
            <source>Not among the nearest</source>
            <translation>Ikke blandt de nærmeste</translation>
        </message>
    </context>
    <context>
        <name>MessageDialog</name>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="189" />
            <source>Message responders</source>
            <translation>Besked til hjerteløbere</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="189" />
            <source>Send</source>
            <translation>Send</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="190" />
            <source>Recipient</source>
            <translation>Modtager</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="191" />
            <source>Everyone who accepted (also later ones)</source>
            <translation>Alle der har accepteret (også senere)</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="196" />
            <source>Message text</source>
            <translation>Beskedtekst</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="197" />
            <source>e.g. Door code 1234, 3rd floor</source>
            <translation>fx Dørkode 1234, 3. sal</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="198" />
            <source>&amp;To:</source>
            <translation>&amp;Til:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="199" />
            <source>&amp;Message:</source>
            <translation>&amp;Besked:</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="214" />
            <source>Write a message first.</source>
            <translation>Skriv en besked først.</translation>
        </message>
        <message>
            <location filename="../../console/ui/steer_dialogs.py" line="216" />
            <source>The message is {n} characters long; the limit is {limit}.</source>
            <translation>Beskeden er {n} tegn lang; grænsen er {limit}.</translation>
        </message>
    </context>
    <context>
        <name>MissionListModel</name>
        <message>
            <location filename="../../console/ui/mission_list.py" line="121" />
            <source>Address</source>
            <extracomment>A mission has just started to need attention (too few accepted in time).</extracomment>
            <translation>Adresse</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="122" />
            <source>Patient</source>
            <translation>Patient</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="123" />
            <source>Elapsed</source>
            <translation>Forløbet</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="124" />
            <source>Accepted</source>
            <translation>Accepteret</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="137" />
            <source>No mark</source>
            <translation>Ingen markering</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="177" />
            <source>Fewer than {n} accepted after {s} s: consider Alert more</source>
            <translation>Færre end {n} har accepteret efter {s} s: overvej Alarmér flere</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_list.py" line="182" />
            <source>New events since you last looked</source>
            <translation>Nye hændelser siden du sidst kiggede</translation>
        </message>
    </context>
    <context>
        <name>MissionPanel</name>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="183" />
            <source>No mission selected</source>
            <translation>Ingen opgave valgt</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="148" />
            <source>Alerted</source>
            <translation>Alarmeret</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="149" />
            <source>Accepted</source>
            <translation>Accepteret</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="150" />
            <source>Declined</source>
            <translation>Afvist</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="151" />
            <source>Too far</source>
            <translation>For langt væk</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="152" />
            <source>En route to AED</source>
            <translation>Henter hjertestarter</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="153" />
            <source>AED collected</source>
            <translation>Hjertestarter hentet</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="154" />
            <source>Arrived</source>
            <translation>Fremme</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="155" />
            <source>Abandoned</source>
            <translation>Opgivet</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="184" />
            <source>Raise an alert with F2, or pick a mission in the list.</source>
            <translation>Udløs en alarm med F2, eller vælg en opgave på listen.</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="177" />
            <source>Note: {note}</source>
            <translation>Note: {note}</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="196" />
            <source>{age} · raised {time} · {elapsed} ago · radius {radius}</source>
            <translation>{age} · udløst {time} · for {elapsed} siden · radius {radius}</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="211" />
            <source>First responder on scene at {time}</source>
            <translation>Første hjerteløber fremme kl. {time}</translation>
        </message>
        <message>
            <location filename="../../console/ui/mission_panel.py" line="215" />
            <source>First responder expected at the patient {eta}</source>
            <translation>Første hjerteløber ventes hos patienten {eta}</translation>
        </message>
    </context>
    <context>
        <name>NotLiveBanner</name>
        <message>
            <location filename="../../console/ui/banners.py" line="102" />
            <source>NOT LIVE — {state} since {since}</source>
            <translation>IKKE LIVE — {state} siden {since}</translation>
        </message>
        <message>
            <location filename="../../console/ui/banners.py" line="107" />
            <source>What you see was current at {time}</source>
            <translation>Det viste var aktuelt kl. {time}</translation>
        </message>
        <message>
            <location filename="../../console/ui/banners.py" line="112" />
            <source>Log in again to continue</source>
            <translation>Log ind igen for at fortsætte</translation>
        </message>
        <message>
            <location filename="../../console/ui/banners.py" line="114" />
            <source>Raising and steering are disabled until the link is back</source>
            <translation>Alarmering og styring er slået fra, indtil forbindelsen er tilbage</translation>
        </message>
    </context>
    <context>
        <name>RaiseDialog</name>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="214" />
            <location filename="../../console/ui/raise_dialog.py" line="232" />
            <source>Raise alert</source>
            <translation>Udløs alarm</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="215" />
            <source>Location</source>
            <translation>Sted</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="216" />
            <source>Click the map, paste coordinates or type a town</source>
            <translation>Klik på kortet, indsæt koordinater eller skriv en by</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="217" />
            <source>Address</source>
            <translation>Adresse</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="218" />
            <source>Street and number, floor (free text)</source>
            <translation>Gade og nummer, etage (fritekst)</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="219" />
            <source>&amp;Adult</source>
            <translation>&amp;Voksen</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="220" />
            <source>C&amp;hild</source>
            <translation>&amp;Barn</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="221" />
            <source>&amp;Unknown</source>
            <translation>&amp;Ukendt</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="222" />
            <source>Note for the responders</source>
            <translation>Note til hjerteløberne</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="223" />
            <source>Shown to responders after they accept</source>
            <translation>Vises for hjerteløberne, når de har accepteret</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="224" />
            <source>&amp;Location:</source>
            <translation>&amp;Sted:</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="225" />
            <source>A&amp;ddress:</source>
            <translation>A&amp;dresse:</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="226" />
            <source>Patient:</source>
            <translation>Patient:</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="227" />
            <source>&amp;Note:</source>
            <translation>&amp;Note:</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="228" />
            <source>Coverage if raised now</source>
            <translation>Dækning hvis alarmen udløses nu</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="205" />
            <location filename="../../console/ui/raise_dialog.py" line="302" />
            <source>Set a location to see who would come.</source>
            <extracomment>The alert's mission appeared in the list (its id).</extracomment>
            <translation>Angiv et sted for at se, hvem der ville komme.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="229" />
            <source>Coverage preview</source>
            <translation>Forhåndsvisning af dækning</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="230" />
            <source>Problem</source>
            <translation>Problem</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="231" />
            <source>Command state</source>
            <translation>Kommandoens status</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="366" />
            <source>Send the alert (Enter)</source>
            <translation>Send alarmen (Enter)</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="233" />
            <source>&amp;Retry</source>
            <translation>&amp;Prøv igen</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="235" />
            <source>Send the same alert again; the server carries it out at most once</source>
            <translation>Send den samme alarm igen; serveren udfører den højst én gang</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="237" />
            <source>Close</source>
            <translation>Luk</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="238" />
            <source>Close without sending (Esc)</source>
            <translation>Luk uden at sende (Esc)</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="310" />
            <source>No preview: the place is outside the service area.</source>
            <translation>Ingen forhåndsvisning: stedet ligger uden for dækningsområdet.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="319" />
            <source>Looking for runners and AEDs…</source>
            <translation>Finder hjerteløbere og hjertestartere…</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="357" />
            <source>Outside the service area: about {distance} from land, beyond the {margin} margin (at sea or abroad). Nothing can be sent there.</source>
            <translation>Uden for dækningsområdet: ca. {distance} fra land, ud over margenen på {margin} (til søs eller i udlandet). Der kan ikke sendes alarm dertil.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="341" />
            <source>No town matches “{text}”: click the map or paste coordinates.</source>
            <translation>Ingen by hedder “{text}”: klik på kortet eller indsæt koordinater.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="344" />
            <source>The coordinates cannot be read: {detail}</source>
            <translation>Koordinaterne kan ikke læses: {detail}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="363" />
            <source>Not live: {reason}</source>
            <translation>Ikke live: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="383" />
            <source>Coverage preview unavailable: {reason}</source>
            <translation>Forhåndsvisning af dækning er ikke mulig: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="395" />
            <source>Active runners within 5 km: {n} (1 km: {one} · 2 km: {two})</source>
            <translation>Aktive hjerteløbere inden for 5 km: {n} (1 km: {one} · 2 km: {two})</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="398" />
            <source>Would be alerted: {n}</source>
            <translation>Ville blive alarmeret: {n}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="400" />
            <source> ({busy} busy on other missions)</source>
            <translation> ({busy} optaget på andre opgaver)</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="407" />
            <source>AEDs usable now within 5 km: {n} · nearest {distance}</source>
            <translation>Hjertestartere tilgængelige nu inden for 5 km: {n} · nærmeste {distance}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="412" />
            <source>No AED usable now within 5 km</source>
            <translation>Ingen hjertestarter tilgængelig nu inden for 5 km</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="414" />
            <source>Nobody would be alerted: no active runner within 5 km</source>
            <translation>Ingen ville blive alarmeret: ingen aktiv hjerteløber inden for 5 km</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="416" />
            <source>Expected first arrival: {t} after the alert</source>
            <translation>Forventet første ankomst: {t} efter alarmen</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="420" />
            <source>; with an AED {t}</source>
            <translation>; med hjertestarter {t}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="434" />
            <source>Give a location: click the map, paste coordinates or type a town.</source>
            <translation>Angiv et sted: klik på kortet, indsæt koordinater eller skriv en by.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="437" />
            <source>The location cannot be read.</source>
            <translation>Stedet kan ikke læses.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="445" />
            <source>The address is {n} characters long; the limit is {limit}.</source>
            <translation>Adressen er {n} tegn lang; grænsen er {limit}.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="452" />
            <source>The note is {n} characters long; the limit is {limit}.</source>
            <translation>Noten er {n} tegn lang; grænsen er {limit}.</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="513" />
            <source> (attempt {n})</source>
            <translation> (forsøg {n})</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="511" />
            <source>Sending…</source>
            <translation>Sender…</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="523" />
            <source>Sent. Waiting for the mission to appear…</source>
            <translation>Sendt. Venter på, at opgaven vises…</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="533" />
            <source>NOT SENT — the alert failed: {reason}</source>
            <translation>IKKE SENDT — alarmen mislykkedes: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/raise_dialog.py" line="534" />
            <source>unknown reason</source>
            <translation>ukendt årsag</translation>
        </message>
    </context>
    <context>
        <name>RaiseFlow</name>
        <message>
            <location filename="../../console/ui/raise_flow.py" line="101" />
            <source>Raise alert here (F2)</source>
            <translation>Udløs alarm her (F2)</translation>
        </message>
    </context>
    <context>
        <name>ReadOnlyBanner</name>
        <message>
            <location filename="../../console/ui/banners.py" line="70" />
            <source>READ-ONLY SESSION (supervisor): alerts cannot be raised or changed</source>
            <translation>KUN LÆSEADGANG (supervisor): alarmer kan ikke udløses eller ændres</translation>
        </message>
    </context>
    <context>
        <name>ResponderTableModel</name>
        <message>
            <location filename="../../console/ui/responder_table.py" line="110" />
            <source>#</source>
            <extracomment>Time since the alert and since the acceptance, in one column: "2:10 / 1:40".</extracomment>
            <translation>#</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="111" />
            <source>Responder</source>
            <translation>Hjerteløber</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="112" />
            <source>Distance</source>
            <translation>Afstand</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="113" />
            <source>State</source>
            <translation>Status</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="114" />
            <source>Task / AED</source>
            <translation>Opgave / hjertestarter</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="115" />
            <source>Since alert / accept</source>
            <translation>Siden alarm / accept</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="116" />
            <source>ETA AED</source>
            <translation>ETA hjertestarter</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="117" />
            <source>ETA patient</source>
            <translation>ETA patient</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="121" />
            <source>Rank: 1 is the nearest when alerted</source>
            <translation>Rækkefølge: 1 var nærmest ved alarmering</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="122" />
            <source>Time since the alert / since the acceptance</source>
            <translation>Tid siden alarmen / siden accepten</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="123" />
            <source>Straight-line distance to the patient when alerted</source>
            <translation>Afstand i luftlinje til patienten ved alarmering</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="124" />
            <source>Expected arrival at the AED (estimate)</source>
            <translation>Forventet ankomst til hjertestarteren (skøn)</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="125" />
            <source>Expected arrival at the patient (estimate)</source>
            <translation>Forventet ankomst til patienten (skøn)</translation>
        </message>
        <message>
            <location filename="../../console/ui/responder_table.py" line="173" />
            <source>Arrived {time}</source>
            <translation>Fremme {time}</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="77" />
            <source>Settings</source>
            <translation>Indstillinger</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="78" />
            <source>Language</source>
            <translation>Sprog</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="79" />
            <source>Follow the system</source>
            <translation>Følg systemet</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="80" />
            <source>Play a sound on new acceptances and missing acceptances</source>
            <translation>Afspil en lyd ved nye accepter og manglende accepter</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="81" />
            <source>Seconds before a mission is marked</source>
            <translation>Sekunder før en opgave markeres</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="82" />
            <source>Acceptances wanted</source>
            <translation>Ønsket antal accepter</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="83" />
            <source>Alert more proposes</source>
            <translation>Alarmér flere foreslår</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="85" />
            <source>&amp;Language:</source>
            <translation>&amp;Sprog:</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="86" />
            <source>&amp;Sound cue:</source>
            <translation>&amp;Lydsignal:</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="87" />
            <source>Mark a mission when fewer than</source>
            <translation>Markér en opgave, når færre end</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="88" />
            <source>have accepted after</source>
            <translation>har accepteret efter</translation>
        </message>
        <message>
            <location filename="../../console/ui/settings_dialog.py" line="89" />
            <source>Alert &amp;more proposes</source>
            <translation>Alarmér &amp;flere foreslår</translation>
        </message>
    </context>
    <context>
        <name>Texts</name>
        <message>
            <location filename="../../console/ui/texts.py" line="47" />
            <source>Alerted</source>
            <extracomment>The language numbers are written in (``da``: ``1,2 km``); set by :func:`console.ui.i18n.install`. Kept as a code, not a QLocale: the console never changes Qt's process-wide default locale, which PySide cannot release cleanly at exit.</extracomment>
            <translation>Alarmeret</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="48" />
            <source>Accepted</source>
            <translation>Accepteret</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="49" />
            <source>Declined</source>
            <translation>Afvist</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="50" />
            <source>Too far away</source>
            <translation>For langt væk</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="51" />
            <source>AED collected</source>
            <translation>Hjertestarter hentet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="52" />
            <source>Arrived</source>
            <translation>Fremme</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="53" />
            <source>Abandoned</source>
            <translation>Opgivet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="54" />
            <source>Released</source>
            <translation>Frigivet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="68" />
            <source>Fetch AED at {address}</source>
            <translation>Hent hjertestarter ved {address}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="190" />
            <source>{who} accepted: fetch AED at {address}</source>
            <translation>{who} accepterede: henter hjertestarter ved {address}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="190" />
            <source>{who} collected the AED at {address}</source>
            <translation>{who} hentede hjertestarteren ved {address}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>mission {id}</source>
            <translation>opgave {id}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>Raise alert: {where}</source>
            <translation>Udløs alarm: {where}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>Alert more responders: {where}</source>
            <translation>Alarmér flere hjerteløbere: {where}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>Message responders: {where}</source>
            <translation>Besked til hjerteløbere: {where}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>Cancel the alert: {where}</source>
            <translation>Annullér alarmen: {where}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="112" />
            <source>Close the mission: {where}</source>
            <translation>Afslut opgaven: {where}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="71" />
            <source>Fetch AED {aed}</source>
            <translation>Hent hjertestarter {aed}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="72" />
            <source>Straight to patient</source>
            <translation>Direkte til patienten</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="77" />
            <source>Adult</source>
            <translation>Voksen</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="78" />
            <source>Child</source>
            <translation>Barn</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="79" />
            <source>Age unknown</source>
            <translation>Alder ukendt</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="86" />
            <source>Live</source>
            <translation>Live</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="87" />
            <source>Catching up</source>
            <translation>Henter det manglende</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="88" />
            <source>Stale</source>
            <translation>Gået i stå</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="89" />
            <source>Offline</source>
            <translation>Offline</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="90" />
            <source>Not logged in</source>
            <translation>Ikke logget ind</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="101" />
            <source>EMS on scene</source>
            <extracomment>Close outcomes the dialog offers; the value is what the server stores (``end_reason``).</extracomment>
            <translation>Ambulance på stedet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="102" />
            <source>Patient transported</source>
            <translation>Patienten kørt på hospitalet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="103" />
            <source>Not a cardiac arrest</source>
            <translation>Ikke hjertestop</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="104" />
            <source>Other</source>
            <translation>Andet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="144" />
            <source>≈ {time} (due)</source>
            <translation>≈ {time} (nu)</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="151" />
            <source>(no address)</source>
            <translation>(ingen adresse)</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="159" />
            <source>Alert raised: {address}</source>
            <translation>Alarm udløst: {address}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="163" />
            <source>{who} alerted ({distance})</source>
            <translation>{who} alarmeret ({distance})</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="169" />
            <source>{who} accepted: fetch AED {aed}</source>
            <translation>{who} accepterede: henter hjertestarter {aed}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="172" />
            <source>{who} accepted: straight to patient</source>
            <translation>{who} accepterede: direkte til patienten</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="176" />
            <source>{who} declined</source>
            <translation>{who} afviste</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="178" />
            <source>{who} too far away ({distance})</source>
            <translation>{who} for langt væk ({distance})</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="182" />
            <source>{who} collected AED {aed}</source>
            <translation>{who} hentede hjertestarter {aed}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="186" />
            <source>{who} arrived</source>
            <translation>{who} er fremme</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="188" />
            <source>{who} abandoned</source>
            <translation>{who} opgav</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="190" />
            <source>{who} released</source>
            <translation>{who} frigivet</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="192" />
            <source>Alert more: {count} more within {radius}</source>
            <translation>Alarmér flere: {count} mere inden for {radius}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="197" />
            <source>Message to {who}: {text}</source>
            <translation>Besked til {who}: {text}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="200" />
            <source>Message to all who accepted: {text}</source>
            <translation>Besked til alle der har accepteret: {text}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="204" />
            <source>Cancelled: {reason}</source>
            <translation>Annulleret: {reason}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="208" />
            <source>Closed: {outcome}</source>
            <translation>Afsluttet: {outcome}</translation>
        </message>
        <message>
            <location filename="../../console/ui/texts.py" line="212" />
            <source>{who} moved</source>
            <translation>{who} flyttede sig</translation>
        </message>
    </context>
    <context>
        <name>TimelineModel</name>
        <message>
            <location filename="../../console/ui/timeline.py" line="85" />
            <source>Time</source>
            <translation>Tid</translation>
        </message>
        <message>
            <location filename="../../console/ui/timeline.py" line="85" />
            <source>Event</source>
            <translation>Hændelse</translation>
        </message>
    </context>
    <context>
        <name>TrainingBanner</name>
        <message>
            <location filename="../../console/ui/banners.py" line="50" />
            <source>TRAINING — SIMULATED · no real responders are alerted · simulated service</source>
            <translation>TRÆNING — SIMULERET · ingen rigtige hjerteløbere alarmeres · simuleret tjeneste</translation>
        </message>
    </context>
    <context>
        <name>WindowActions</name>
        <message>
            <location filename="../../console/ui/actions.py" line="44" />
            <source>&amp;Raise alert…</source>
            <extracomment>The link must be live (the command goes to the server now). A dispatcher session (not read-only). An open mission is selected.</extracomment>
            <translation>&amp;Udløs alarm…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="47" />
            <source>Raise a new alert at a location</source>
            <translation>Udløs en ny alarm på et sted</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="51" />
            <source>Alert &amp;more…</source>
            <translation>Alarmér &amp;flere…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="54" />
            <source>Alert the next nearest responders, optionally in a wider radius</source>
            <translation>Alarmér de næste nærmeste hjerteløbere, eventuelt i en større radius</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="61" />
            <source>&amp;Message…</source>
            <translation>&amp;Besked…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="64" />
            <source>Send a message to one responder or to all who accepted</source>
            <translation>Send en besked til én hjerteløber eller til alle der har accepteret</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="70" />
            <source>C&amp;lose mission…</source>
            <translation>Afsl&amp;ut opgave…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="73" />
            <source>End the mission with an outcome (e.g. EMS on scene)</source>
            <translation>Afslut opgaven med et udfald (fx ambulance på stedet)</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="79" />
            <source>&amp;Cancel alert…</source>
            <translation>&amp;Annullér alarm…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="82" />
            <source>Cancel the alert: every responder still out is stood down</source>
            <translation>Annullér alarmen: alle hjerteløbere, der stadig er ude, kaldes hjem</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="88" />
            <source>&amp;Fit map to mission</source>
            <translation>&amp;Tilpas kortet til opgaven</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="91" />
            <source>Zoom the map to the selected mission</source>
            <translation>Zoom kortet ind på den valgte opgave</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="95" />
            <source>Show &amp;all on map</source>
            <translation>Vis &amp;alt på kortet</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="98" />
            <source>Zoom out to every mission</source>
            <translation>Zoom ud til alle opgaver</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="102" />
            <source>Go to mission &amp;list</source>
            <translation>Gå til opgave&amp;listen</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="109" />
            <source>Go to &amp;responders</source>
            <translation>Gå til &amp;hjerteløbere</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="116" />
            <source>Go to &amp;timeline</source>
            <translation>Gå til &amp;tidslinjen</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="123" />
            <source>Go to m&amp;ap</source>
            <translation>Gå til &amp;kortet</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="130" />
            <source>&amp;Sound cue</source>
            <translation>&amp;Lydsignal</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="133" />
            <source>Sound cue on or off</source>
            <translation>Lydsignal til eller fra</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="137" />
            <source>&amp;Settings…</source>
            <translation>&amp;Indstillinger…</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="144" />
            <source>&amp;Keyboard shortcuts</source>
            <translation>&amp;Tastaturgenveje</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="151" />
            <source>&amp;Quit</source>
            <translation>A&amp;fslut</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="213" />
            <source>read-only session</source>
            <translation>kun læseadgang</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="215" />
            <source>no open mission selected</source>
            <translation>ingen åben opgave valgt</translation>
        </message>
        <message>
            <location filename="../../console/ui/actions.py" line="217" />
            <source>not live: {why}</source>
            <translation>ikke live: {why}</translation>
        </message>
    </context>
</TS>
