"""Raise an alert: where, what address, which patient, a note, and who would come. Enter sends.

The dialog is not modal: while it is open, a click on the map sets the location. Before anything
is sent the coverage preview answers "who would come, and how soon?"; a place outside the
service area (at sea, abroad) is refused here and nothing is sent. After Enter the command's
state (sending, sent, failed) stays in view until the mission appears in the list; a failure is
shown in red with the server's reason and a Retry button that resends with the same
idempotency key, so a retry can never raise the alert twice.

The words are set in ``_retranslate``, again on a change of language; the texts built from state
(where the place is, the coverage, the command's state, a problem) are kept as the functions
that build them (:meth:`_say`), so they are built again in the new language.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from console.api.commands import InvalidCommand
from console.api.problems import ApiError
from console.cache.outbox import OutboxEntry, OutboxState
from console.domain.constants import MAX_ADDRESS_CHARS, MAX_NOTE_CHARS
from console.domain.model import AgeGroup, LatLon, Mission, Runner
from console.domain.outside_area import OutsideServiceArea
from console.services.observable import Change, ObservableMap, Unsubscribe
from console.services.tasks import TaskKeeper
from console.ui import texts
from console.ui.coverage import Coverage
from console.ui.location_input import (
    LocationInputError,
    ResolvedLocation,
    coordinates_text,
    resolve,
    town_suggestions,
)
from console.ui.theme import Tone, tone_css

if TYPE_CHECKING:
    from console.domain.service_area import ServiceArea

log = logging.getLogger("console.ui.raise")


@dataclass(frozen=True, slots=True)
class RaisePort:
    """What the dialog needs from the rest of the console (the window builds it)."""

    server_now: Callable[[], datetime]
    preview: Callable[[LatLon], Awaitable[tuple[Coverage, Sequence[Runner]]]]
    submit: Callable[[LatLon, str, AgeGroup, str], Awaitable[OutboxEntry]]
    retry: Callable[[str], Awaitable[OutboxEntry]]
    commands: ObservableMap[str, OutboxEntry]
    open_missions: ObservableMap[str, Mission]
    tasks: TaskKeeper
    service_area: Callable[[], ServiceArea]
    show_preview: Callable[[LatLon, Sequence[Runner]], None]
    clear_preview: Callable[[], None]


class RaiseDialog(QDialog):
    #: The alert's mission appeared in the list (its id).
    raised = Signal(str)

    def __init__(self, port: RaisePort, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._port = port
        self._resolved: ResolvedLocation | None = None
        self._from_map = False
        self._entry: OutboxEntry | None = None
        self._coverage: Coverage | None = None
        self._live = True
        self._not_live_reason = ""
        self._unsubscribe: list[Unsubscribe] = []
        self._preview_task: asyncio.Task[None] | None = None
        # How each label showing state got its text, to build it again in a new language.
        self._said: dict[str, Callable[[], str]] = {}
        self.setObjectName("raiseDialog")
        self.setModal(False)
        self.setMinimumWidth(520)

        self.location = QLineEdit()
        self.location.setObjectName("location")
        self._suggestions = QStringListModel(self)
        completer = QCompleter(self._suggestions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.location.setCompleter(completer)
        self.location_status = QLabel()
        self.location_status.setObjectName("locationStatus")
        self.location_status.setTextFormat(Qt.TextFormat.PlainText)
        self.location_status.setWordWrap(True)

        self.address = QLineEdit()
        self.address.setObjectName("address")

        self.adult = QRadioButton()
        self.child = QRadioButton()
        self.unknown = QRadioButton()
        self._ages = QButtonGroup(self)
        for button, group in (
            (self.adult, AgeGroup.ADULT),
            (self.child, AgeGroup.CHILD),
            (self.unknown, AgeGroup.UNKNOWN),
        ):
            button.setObjectName(f"age_{group.value}")
            button.setProperty("age_group", group.value)
            self._ages.addButton(button)
        self.adult.setChecked(True)
        ages = QHBoxLayout()
        for button in (self.adult, self.child, self.unknown):
            ages.addWidget(button)
        ages.addStretch(1)

        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note_count = QLabel()
        self.note_count.setObjectName("noteCount")
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.note_count)

        self._location_label = QLabel()
        self._location_label.setBuddy(self.location)
        self._address_label = QLabel()
        self._address_label.setBuddy(self.address)
        self._patient_label = QLabel()
        self._note_label = QLabel()
        self._note_label.setBuddy(self.note)  # a row that is a layout gets no buddy by itself
        form = QFormLayout()
        form.addRow(self._location_label, self.location)
        form.addRow("", self.location_status)
        form.addRow(self._address_label, self.address)
        form.addRow(self._patient_label, ages)
        form.addRow(self._note_label, note_row)

        self.coverage_box = QGroupBox()
        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("coverage")
        self.coverage_label.setTextFormat(Qt.TextFormat.PlainText)
        self.coverage_label.setWordWrap(True)
        box_layout = QVBoxLayout(self.coverage_box)
        box_layout.addWidget(self.coverage_label)

        self.problem = QLabel()
        self.problem.setObjectName("raiseProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setProperty("tone", Tone.ALERT.value)
        self.problem.hide()
        self.command_state = QLabel()
        self.command_state.setObjectName("commandState")
        self.command_state.setTextFormat(Qt.TextFormat.PlainText)
        self.command_state.setWordWrap(True)
        self.command_state.hide()

        self.raise_button = QPushButton()
        self.raise_button.setObjectName("raiseButton")
        self.raise_button.setDefault(True)
        self.raise_button.setAutoDefault(True)
        self.raise_button.clicked.connect(self.send)
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self._retry)
        self.retry_button.hide()
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.raise_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.coverage_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.command_state)
        layout.addLayout(buttons)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self._start_preview)
        self.location.textEdited.connect(self._location_edited)
        self.location.textChanged.connect(self._location_changed)
        self.note.textChanged.connect(self._update_note_count)
        self._update_note_count()
        self._say("coverage_label", lambda: self.tr("Set a location to see who would come."))
        self._retranslate()
        self._unsubscribe.append(port.commands.subscribe(self._command_changed))
        self._unsubscribe.append(port.open_missions.subscribe(self._mission_changed))
        self.location.setFocus()

    # ------------------------------------------------------------------ words

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Raise alert"))
        self.location.setAccessibleName(self.tr("Location"))
        self.location.setPlaceholderText(self.tr("Click the map, paste coordinates or type a town"))
        self.address.setAccessibleName(self.tr("Address"))
        self.address.setPlaceholderText(self.tr("Street and number, floor (free text)"))
        self.adult.setText(self.tr("&Adult"))
        self.child.setText(self.tr("C&hild"))
        self.unknown.setText(self.tr("&Unknown"))
        self.note.setAccessibleName(self.tr("Note for the responders"))
        self.note.setPlaceholderText(self.tr("Shown to responders after they accept"))
        self._location_label.setText(self.tr("&Location:"))
        self._address_label.setText(self.tr("A&ddress:"))
        self._patient_label.setText(self.tr("Patient:"))
        self._note_label.setText(self.tr("&Note:"))
        self.coverage_box.setTitle(self.tr("Coverage if raised now"))
        self.coverage_label.setAccessibleName(self.tr("Coverage preview"))
        self.problem.setAccessibleName(self.tr("Problem"))
        self.command_state.setAccessibleName(self.tr("Command state"))
        self.raise_button.setText(self.tr("Raise alert"))
        self.retry_button.setText(self.tr("&Retry"))
        self.retry_button.setToolTip(
            self.tr("Send the same alert again; the server carries it out at most once")
        )
        self.close_button.setText(self.tr("Close"))
        self.close_button.setToolTip(self.tr("Close without sending (Esc)"))
        for name, render in self._said.items():
            label: QLabel = getattr(self, name)
            label.setText(render())
        self._update_raise_enabled()

    def _say(self, name: str, render: Callable[[], str]) -> None:
        """Set the label ``name`` to ``render()``, kept to be built again in a new language."""
        self._said[name] = render
        label: QLabel = getattr(self, name)
        label.setText(render())

    def _unsay(self, name: str) -> None:
        self._said.pop(name, None)
        label: QLabel = getattr(self, name)
        label.clear()

    # ------------------------------------------------------------------ inputs

    def set_location_from_map(self, lat: float, lon: float) -> None:
        """A map click (or right-click → Raise here) while the dialog is open."""
        self._from_map = True
        self.location.setText(coordinates_text(lat, lon))
        self._from_map = False
        self.address.setFocus()

    def set_live(self, live: bool, reason: str) -> None:
        self._live = live
        self._not_live_reason = reason
        self._update_raise_enabled()

    @property
    def resolved(self) -> ResolvedLocation | None:
        return self._resolved

    @property
    def coverage(self) -> Coverage | None:
        return self._coverage

    @property
    def entry(self) -> OutboxEntry | None:
        return self._entry

    def age_group(self) -> AgeGroup:
        checked = self._ages.checkedButton()
        return AgeGroup(str(checked.property("age_group"))) if checked else AgeGroup.UNKNOWN

    def _location_edited(self, text: str) -> None:
        self._suggestions.setStringList(town_suggestions(text))

    def _location_changed(self, text: str) -> None:
        self._coverage = None
        self._port.clear_preview()
        try:
            resolved = resolve(text, from_map=self._from_map)
        except LocationInputError as exc:
            self._resolved = None
            self._show_location(self._location_error(exc), error=True)
            self._update_raise_enabled()
            return
        self._resolved = resolved
        if resolved is None:
            self._unsay("location_status")
            self._say("coverage_label", lambda: self.tr("Set a location to see who would come."))
            self._update_raise_enabled()
            return
        location = resolved.location
        if self._outside(location) is not None:
            self._show_location(lambda: self._outside(location) or "", error=True)
            self._say(
                "coverage_label",
                lambda: self.tr("No preview: the place is outside the service area."),
            )
        else:
            where = resolved.describe()
            if resolved.town is not None:
                where = (
                    f"{where} · {coordinates_text(resolved.location.lat, resolved.location.lon)}"
                )
            self._show_location(lambda: "✓ " + where, error=False)
            self._say("coverage_label", lambda: self.tr("Looking for runners and AEDs…"))
            self._preview_timer.start()
        self._update_raise_enabled()

    def _location_error(self, exc: LocationInputError) -> Callable[[], str]:
        """The message for text that names no place, worded again on a change of language."""
        town = exc.town
        if town is not None:
            return lambda: self.tr(
                "No town matches “{text}”: click the map or paste coordinates."
            ).format(text=town)
        detail = str(exc)
        return lambda: self.tr("The coordinates cannot be read: {detail}").format(detail=detail)

    def _show_location(self, render: Callable[[], str], *, error: bool) -> None:
        self._say("location_status", render)
        self.location_status.setProperty("tone", Tone.ALERT.value if error else "")
        self._apply_tones()

    def _apply_tones(self) -> None:
        """Colour the status texts for the palette shown now (light or dark theme)."""
        for name in ("location_status", "note_count", "problem", "command_state"):
            label: QLabel | None = getattr(self, name, None)  # None while __init__ builds
            tone = None if label is None else label.property("tone")
            if label is not None and tone is not None:  # None: a band's own style, not a tone
                label.setStyleSheet(tone_css(Tone(tone), self.palette()) if tone else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_tones()
        elif event.type() == QEvent.Type.LanguageChange:
            self._retranslate()

    def _outside(self, location: LatLon) -> str | None:
        try:
            self._port.service_area().check(location.lat, location.lon)
        except OutsideServiceArea as exc:
            return self.tr(
                "Outside the service area: about {distance} from land, beyond the {margin} margin"
                " (at sea or abroad). Nothing can be sent there."
            ).format(
                distance=texts.distance_text(exc.distance_m),
                margin=texts.distance_text(exc.margin_m),
            )
        return None

    def _update_note_count(self) -> None:
        length = len(self.note.text())
        self.note_count.setText(f"{length}/{MAX_NOTE_CHARS}")
        self.note_count.setProperty("tone", Tone.ALERT.value if length > MAX_NOTE_CHARS else "")
        self._apply_tones()

    def _update_raise_enabled(self) -> None:
        sending = self._entry is not None and self._entry.state in (
            OutboxState.SENDING,
            OutboxState.SENT,  # waiting for its mission to appear
        )
        self.raise_button.setEnabled(self._live and not sending)
        if not self._live:
            self.raise_button.setToolTip(
                self.tr("Not live: {reason}").format(reason=self._not_live_reason)
            )
        else:
            self.raise_button.setToolTip(self.tr("Send the alert (Enter)"))

    # ------------------------------------------------------------------ preview

    def _start_preview(self) -> None:
        resolved = self._resolved
        if resolved is None or self._outside(resolved.location) is not None:
            return
        self._preview_task = self._port.tasks.spawn(
            self._preview(resolved.location), name="raise-preview", replace=True
        )

    async def _preview(self, location: LatLon) -> None:
        try:
            result, runners = await self._port.preview(location)
        except ApiError as exc:
            reason = str(exc)
            self._say(
                "coverage_label",
                lambda: self.tr("Coverage preview unavailable: {reason}").format(reason=reason),
            )
            return
        if self._resolved is None or self._resolved.location != location:
            return
        self._coverage = result
        self._port.show_preview(location, runners)
        self._say("coverage_label", lambda: self.coverage_text(result))

    def coverage_text(self, result: Coverage) -> str:
        one, two, five = result.within
        lines = [
            self.tr("Active runners within 5 km: {n} (1 km: {one} · 2 km: {two})").format(
                n=five, one=one, two=two
            ),
            self.tr("Would be alerted: {n}").format(n=result.would_alert)
            + (
                self.tr(" ({busy} busy on other missions)").format(busy=result.engaged)
                if result.engaged
                else ""
            ),
        ]
        if result.aeds:
            lines.append(
                self.tr("AEDs usable now within 5 km: {n} · nearest {distance}").format(
                    n=len(result.aeds), distance=texts.distance_text(result.nearest_aed_m)
                )
            )
        else:
            lines.append(self.tr("No AED usable now within 5 km"))
        if result.first_arrival_s is None:
            lines.append(self.tr("Nobody would be alerted: no active runner within 5 km"))
        else:
            first = self.tr("Expected first arrival: {t} after the alert").format(
                t=texts.duration_text(result.first_arrival_s)
            )
            if result.first_aed_arrival_s is not None:
                first += self.tr("; with an AED {t}").format(
                    t=texts.duration_text(result.first_aed_arrival_s)
                )
            lines.append(first)
        return "\n".join(lines)

    # ------------------------------------------------------------------ sending

    def problems(self) -> list[str]:
        """Why the alert cannot be sent as it stands (empty when it can)."""
        found: list[str] = []
        text = self.location.text().strip()
        if not text:
            found.append(
                self.tr("Give a location: click the map, paste coordinates or type a town.")
            )
        elif self._resolved is None:
            found.append(self.location_status.text() or self.tr("The location cannot be read."))
        else:
            outside = self._outside(self._resolved.location)
            if outside is not None:
                found.append(outside)
        address = self.address.text()
        if len(address) > MAX_ADDRESS_CHARS:
            found.append(
                self.tr("The address is {n} characters long; the limit is {limit}.").format(
                    n=len(address), limit=MAX_ADDRESS_CHARS
                )
            )
        note = self.note.text()
        if len(note) > MAX_NOTE_CHARS:
            found.append(
                self.tr("The note is {n} characters long; the limit is {limit}.").format(
                    n=len(note), limit=MAX_NOTE_CHARS
                )
            )
        return found

    def send(self) -> None:
        if not self.raise_button.isEnabled():
            return
        if self.problems():
            self._show_problem(lambda: "\n".join(self.problems()))
            return
        resolved = self._resolved
        assert resolved is not None
        address = self.address.text().strip() or resolved.describe()
        self._show_problem(None)
        self._port.tasks.spawn(
            self._submit(resolved.location, address, self.age_group(), self.note.text()),
            name="raise-submit",
            replace=True,
        )

    async def _submit(self, location: LatLon, address: str, age: AgeGroup, note: str) -> None:
        self.raise_button.setEnabled(False)
        try:
            entry = await self._port.submit(location, address, age, note)
        except InvalidCommand as exc:
            problem = str(exc)
            self._show_problem(lambda: problem)
            self._update_raise_enabled()
            return
        self._entry = entry
        self._show_entry(entry)

    def _retry(self) -> None:
        if self._entry is None:
            return
        key = self._entry.key
        self.retry_button.hide()
        self._port.tasks.spawn(self._resend(key), name="raise-retry", replace=True)

    async def _resend(self, key: str) -> None:
        self._show_entry(await self._port.retry(key))

    def _command_changed(self, change: Change[str, OutboxEntry]) -> None:
        if self._entry is not None and change.key == self._entry.key:
            self._show_entry(change.value)

    def _mission_changed(self, change: Change[str, Mission]) -> None:
        if self._entry is not None and self._entry.mission_id == change.key:
            self._done(change.key)

    def _show_entry(self, entry: OutboxEntry) -> None:
        self._entry = entry
        self.command_state.show()
        if entry.state is OutboxState.SENDING:
            self._say(
                "command_state",
                lambda: (
                    self.tr("Sending…")
                    + (
                        self.tr(" (attempt {n})").format(n=entry.attempts)
                        if entry.attempts > 1
                        else ""
                    )
                ),
            )
            self.command_state.setProperty("tone", None)
            self.command_state.setStyleSheet("font-weight: bold;")
            self.retry_button.hide()
        elif entry.state is OutboxState.SENT:
            self._say("command_state", lambda: self.tr("Sent. Waiting for the mission to appear…"))
            self.command_state.setProperty("tone", Tone.OK.value)
            self._apply_tones()
            self.retry_button.hide()
            mission_id = entry.mission_id
            if mission_id is not None and mission_id in self._port.open_missions:
                self._done(mission_id)
        else:
            self._say(
                "command_state",
                lambda: self.tr("NOT SENT — the alert failed: {reason}").format(
                    reason=entry.reason or self.tr("unknown reason")
                ),
            )
            self.command_state.setProperty("tone", None)
            self.command_state.setStyleSheet(
                "color: white; background: #c62828; font-weight: bold; padding: 6px;"
            )
            failed = entry.state is OutboxState.FAILED  # not dismissed from its band meanwhile
            self.retry_button.setVisible(failed)
            if failed:
                self.retry_button.setFocus()
        self._update_raise_enabled()

    def _show_problem(self, render: Callable[[], str] | None) -> None:
        if render is not None:
            self._say("problem", render)
            self.problem.show()
        else:
            self._unsay("problem")
            self.problem.hide()

    def _done(self, mission_id: str) -> None:
        if not self._unsubscribe:  # already finished
            return
        self.raised.emit(mission_id)
        self.accept()

    # ------------------------------------------------------------------ closing

    def done(self, result: int) -> None:
        self._detach()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._detach()
        super().closeEvent(event)

    def _detach(self) -> None:
        # A preview still on its way must not touch the widgets of a closed (deleted) dialog.
        if self._preview_task is not None:
            self._preview_task.cancel()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._preview_timer.stop()
        self._port.clear_preview()
