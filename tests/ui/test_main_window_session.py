"""Sessions and settings in the running window: a supervisor's read-only session, a command the
server refuses shown loudly with Retry, several missions with unseen marks, and settings that
are saved (sound off by default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from ui_harness import Sim, console_running, run, wait_until

from console.cache.outbox import OutboxState
from console.domain.model import AgeGroup, LatLon
from console.ui.banners import FailedCommandBanner
from console.ui.composition import Console
from console.ui.settings import SettingsStore

COPENHAGEN = LatLon(55.6761, 12.5683)
AARHUS = LatLon(56.1572, 10.2107)


def start(qapp: QApplication, folder: Path, *extra: str) -> Iterator[Console]:
    args = ["--simulate", "--world", "empty", "--data-dir", str(folder), *extra]
    with console_running(args, qapp) as running:
        wait_until(running.window.is_live, 30, "a live link")
        yield running


@pytest.fixture
def console(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    yield from start(qapp, tmp_path)


@pytest.fixture
def supervisor(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    yield from start(qapp, tmp_path, "--role", "supervisor")


def raise_at(console: Console, where: LatLon, address: str) -> str:
    entry = run(console.services.missions.raise_alert(where, address, AgeGroup.ADULT))
    return str(
        wait_until(
            lambda: (
                console.services.missions.commands[entry.key].mission_id
                in console.services.missions.open_missions
                and console.services.missions.commands[entry.key].mission_id
            ),
            20,
            "the mission",
        )
    )


def test_supervisor_session_is_read_only(supervisor: Console) -> None:
    window = supervisor.window
    assert supervisor.session.role == "supervisor"
    assert window.read_only_banner is not None
    assert window.read_only_banner.isVisible()
    assert window.training_banner is not None
    assert window.training_banner.text().startswith("TRAINING — SIMULATED")
    for name in ("raise_alert", "alert_more", "message", "cancel_mission", "close_mission"):
        action = window.actions_[name]
        assert not action.isEnabled(), name
        assert "read-only session" in action.toolTip()
    assert window.open_raise_dialog() is None
    assert window.actions_["show_all"].isEnabled()


@pytest.mark.allow_log_warnings
def test_two_missions_unseen_marks_and_a_refused_command(
    console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    window = console.window
    assert console.training is not None
    sim = Sim(console.base_url, console.training.password)
    try:
        sim.autopilot(False)
        sim.add_runners(
            [
                {
                    "id": "se-1",
                    "lat": COPENHAGEN.lat + 0.003,
                    "lon": COPENHAGEN.lon,
                    "mode": "foot",
                },
                {"id": "se-2", "lat": AARHUS.lat + 0.003, "lon": AARHUS.lon, "mode": "car"},
            ]
        )
        first = raise_at(console, COPENHAGEN, "Rådhuspladsen 1")
        wait_until(lambda: window.selected_mission_id == first, 10)
        second = raise_at(console, AARHUS, "Store Torv 1")
        assert window.selected_mission_id == first  # a new mission does not steal the view
        wait_until(lambda: window.list_model.is_unseen(second), 10, "the ● on the other mission")
        assert window.list_model.mission_ids() == [second, first]

        window.select_mission(first)  # look at the first: the second is seen...
        window.select_mission(second)
        window.select_mission(first)
        assert not window.list_model.is_unseen(second)
        sim.accept(second, "se-2", AARHUS.lat + 0.003, AARHUS.lon)  # ...until something happens
        wait_until(lambda: window.list_model.is_unseen(second), 10, "the ● for the acceptance")
        assert not window.list_model.is_unseen(first)
        window.select_mission(second)
        assert not window.list_model.is_unseen(second)
        assert window.panel.counter_values()["accepted"] == 1

        # The server refuses: the mission ended before the command arrived.
        run(console.services.missions.cancel(second, "test"))
        wait_until(lambda: second not in console.services.missions.open_missions, 10)
        entry = run(console.services.missions.alert_more(second, 3, 6000.0))
        failed = wait_until(
            lambda: (
                console.services.missions.commands[entry.key].state is OutboxState.FAILED
                and console.services.missions.commands[entry.key]
            ),
            10,
            "the refusal",
        )
        assert "ended" in (failed.reason or "")
        wait_until(lambda: entry.key in window.command_banners.failed_keys(), 5, "the red band")
        assert window.command_banners.isVisible()
        band = window.command_banners.findChild(FailedCommandBanner)
        assert band is not None
        # The mission has ended, so the console no longer has its address: the id stands in.
        assert band.label.text().startswith(f"FAILED: Alert more responders: mission {second} — ")
        loud = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert loud == [f"FAILED: alert more mission {second} (key {entry.key}): {failed.reason}"]
        window.command_banners.dismiss(entry.key)
        assert not window.command_banners.isVisible()
        # Set aside in the outbox too: a restart does not bring the band back.
        wait_until(
            lambda: console.services.missions.commands[entry.key].state is OutboxState.DISMISSED,
            5,
            "the dismissal on record",
        )
    finally:
        sim.close()


def test_settings_are_saved_and_sound_is_off_by_default(console: Console) -> None:
    window = console.window
    store = SettingsStore(console.dirs.settings_file)
    assert window.settings.sound is False
    assert not window.actions_["sound"].isChecked()
    assert window.sound.enabled is False
    window.actions_["sound"].trigger()
    assert window.sound.enabled is True
    assert store.load().sound is True
    window.actions_["sound"].trigger()
    assert store.load().sound is False
