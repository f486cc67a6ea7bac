"""The raise dialog's command states, driven through its port: sending, a loud failure with
Retry (same key), sent, and done when the mission appears. No network: the port's outbox and
mission list are the plain observable maps the services use."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest
from missions_for_tests import mission
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_theme import dark_palette
from ui_harness import pause, wait_until

from console.api.commands import Command
from console.cache.outbox import OutboxEntry, OutboxState
from console.domain.model import AgeGroup, LatLon, Mission, Runner
from console.domain.service_area import ServiceArea
from console.services.observable import ObservableMap
from console.services.runners import AlertPreview
from console.services.tasks import TaskKeeper
from console.ui.coverage import AedLocator, Coverage, coverage
from console.ui.raise_dialog import RaiseDialog, RaisePort
from console.ui.theme import Tone, tone_colour

NOW = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


class Port:
    """What the window would hand the dialog, with the outbox's states set by the test."""

    def __init__(self) -> None:
        self.commands: ObservableMap[str, OutboxEntry] = ObservableMap("outbox")
        self.open_missions: ObservableMap[str, Mission] = ObservableMap("missions")
        self.tasks = TaskKeeper()
        self.submitted: list[Command] = []
        self.retried: list[str] = []
        self.previews: list[LatLon] = []

    async def preview(self, at: LatLon) -> tuple[Coverage, Sequence[Runner]]:
        self.previews.append(at)
        return coverage(AlertPreview(at, 5000.0, ()), AedLocator([]), NOW), []

    async def submit(self, at: LatLon, address: str, age: AgeGroup, note: str) -> OutboxEntry:
        command = Command.raise_mission(at, address, age, note)
        self.submitted.append(command)
        entry = OutboxEntry("key-1", command, OutboxState.SENDING, None, NOW, NOW, 1, None)
        self.commands.put(entry.key, entry)
        return entry

    async def retry(self, key: str) -> OutboxEntry:
        self.retried.append(key)
        entry = dataclasses.replace(
            self.commands[key], state=OutboxState.SENDING, reason=None, attempts=2
        )
        self.commands.put(key, entry)
        return entry

    def set_state(
        self, state: OutboxState, reason: str | None = None, result: dict | None = None
    ) -> None:  # type: ignore[type-arg]
        entry = dataclasses.replace(
            self.commands["key-1"], state=state, reason=reason, result=result
        )
        self.commands.put("key-1", entry)

    def as_port(self) -> RaisePort:
        return RaisePort(
            server_now=lambda: NOW,
            preview=self.preview,
            submit=self.submit,
            retry=self.retry,
            commands=self.commands,
            open_missions=self.open_missions,
            tasks=self.tasks,
            service_area=ServiceArea.denmark,
            show_preview=lambda at, runners: None,
            clear_preview=lambda: None,
        )


@pytest.fixture
def port(loop: object) -> Iterator[Port]:
    made = Port()
    yield made
    from ui_harness import run

    run(made.tasks.aclose())


def test_failure_is_loud_retry_keeps_the_key_and_the_mission_closes_it(
    port: Port, qtbot: QtBot, qapp: QApplication
) -> None:
    dialog = RaiseDialog(port.as_port())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.location, "55.6761, 12.5683")
    qtbot.keyClicks(dialog.address, "Vesterbrogade 1")
    qtbot.mouseClick(dialog.child, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    wait_until(lambda: port.submitted, 5, "the submit")
    assert port.submitted[0].body["patient"] == {"age_group": "child"}
    wait_until(lambda: dialog.command_state.text() == "Sending…", 5)
    assert not dialog.raise_button.isEnabled()  # no second alert while one is on its way

    port.set_state(OutboxState.FAILED, "no confirmation from the dispatch server within 30 s")
    assert dialog.command_state.text().startswith("NOT SENT — the alert failed: no confirmation")
    assert "background: #c62828" in dialog.command_state.styleSheet()
    assert dialog.retry_button.isVisible()

    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: port.retried == ["key-1"], 5, "the retry")
    assert dialog.command_state.text() == "Sending… (attempt 2)"
    assert len(port.submitted) == 1  # a retry resends the same command, not a new one

    heard: list[str] = []
    dialog.raised.connect(heard.append)
    port.set_state(OutboxState.SENT, result={"id": "m1"})
    assert dialog.command_state.text() == "Sent. Waiting for the mission to appear…"
    assert dialog.isVisible()
    port.open_missions.put("m1", mission(mission_id="m1"))
    assert heard == ["m1"]
    pause(0.1)
    assert not dialog.isVisible()


def test_a_failure_dismissed_from_its_band_offers_no_retry_but_a_new_alert(
    port: Port, qtbot: QtBot
) -> None:
    dialog = RaiseDialog(port.as_port())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.location, "55.6761, 12.5683")
    qtbot.keyClick(dialog.location, Qt.Key.Key_Return)
    wait_until(lambda: port.submitted, 5, "the submit")
    wait_until(lambda: dialog.command_state.text() == "Sending…", 5)
    port.set_state(OutboxState.SENT)
    assert not dialog.raise_button.isEnabled()  # sent: waiting for the mission, no second alert
    port.set_state(OutboxState.FAILED, "refused")
    assert dialog.retry_button.isVisible()
    assert dialog.raise_button.isEnabled()

    port.set_state(OutboxState.DISMISSED, "refused")  # the dispatcher dismissed its red band
    assert dialog.command_state.text() == "NOT SENT — the alert failed: refused"
    assert not dialog.retry_button.isVisible()
    assert dialog.raise_button.isEnabled()


def test_not_live_disables_raising_with_the_reason(port: Port, qtbot: QtBot) -> None:
    dialog = RaiseDialog(port.as_port())
    qtbot.addWidget(dialog)
    dialog.set_live(False, "Offline: connection refused")
    assert not dialog.raise_button.isEnabled()
    assert dialog.raise_button.toolTip() == "Not live: Offline: connection refused"
    dialog.send()
    assert port.submitted == []


def test_status_texts_follow_a_switch_to_a_dark_theme(
    port: Port, qtbot: QtBot, qapp: QApplication
) -> None:
    """The desktop goes dark while the dialog is open: its error texts recolour at once."""
    dialog = RaiseDialog(port.as_port())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.location, "57.5 11.5")  # at sea: an error under the location
    wait_until(lambda: "Outside the service area" in dialog.location_status.text(), 5)
    light_red = tone_colour(Tone.ALERT, qapp.palette()).name()
    assert light_red in dialog.location_status.styleSheet()
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    try:
        dark_red = tone_colour(Tone.ALERT, qapp.palette()).name()
        assert dark_red != light_red
        wait_until(lambda: dark_red in dialog.location_status.styleSheet(), 5, "recoloured")
        dialog.location.clear()
        qtbot.keyClicks(dialog.location, "55.6761 12.5683")
        wait_until(lambda: dialog.location_status.styleSheet() == "", 5, "no error colour")
    finally:
        qapp.setPalette(before)
