<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
    <context>
        <name>CancelDialog</name>
        <message numerus="yes">
            <location filename="../../console/ui/steer_dialogs.py" line="272" />
            <source>Yes, cancel: %n responder(s) still out will be stood down</source>
            <translation>
                <numerusform>Yes, cancel: %n responder still out will be stood down</numerusform>
                <numerusform>Yes, cancel: %n responders still out will be stood down</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message numerus="yes">
            <location filename="../../console/ui/main_window.py" line="854" />
            <source>Sending %n command(s)…</source>
            <translation>
                <numerusform>Sending %n command…</numerusform>
                <numerusform>Sending %n commands…</numerusform>
            </translation>
        </message>
    </context>
</TS>
