"""The dispatch service dies mid-mission: the window says so within 21 s, refuses to act, and
catches up with everything that happened once the service is back.

The service is a real ``amk-dispatchd`` the test starts on a fixed port, logs in to through the
console's login dialog, kills with SIGKILL and starts again on the same database and port.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from ui_harness import ExternalServer, Sim, console_running, run, wait_until

from console.domain.model import AgeGroup, LatLon, ResponderState
from console.services.link import LinkState
from console.ui.composition import Console
from console.ui.login_dialog import LoginDialog
from console.ui.responder_table import Column

PATIENT = LatLon(55.4038, 10.4024)  # Odense


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ExternalServer]:
    made = ExternalServer(f"sqlite:///{tmp_path / 'dispatch.sqlite3'}", tmp_path / "server.log")
    made.start()
    yield made
    made.stop()


@pytest.fixture
def console(
    loop: object, qapp: QApplication, server: ExternalServer, tmp_path: Path
) -> Iterator[Console]:
    args = ["--server", server.base_url, "--data-dir", str(tmp_path / "console")]
    with console_running(args, qapp, login=("demo-dispatcher", server.password)) as running:
        wait_until(running.window.is_live, 30, "a live link")
        yield running


def test_login_dialog_and_read_write_session(console: Console) -> None:
    assert console.session.username == "demo-dispatcher"
    assert console.window.actions_["raise_alert"].isEnabled()
    assert console.window.user_label.text().startswith("demo-dispatcher (dispatcher)")


def test_offline_within_21_s_disabled_and_catching_up(
    console: Console, server: ExternalServer
) -> None:
    window = console.window
    sim = Sim(server.base_url, server.password)
    try:
        runners = sim.add_runners(
            [
                {
                    "id": f"off-r{i}",
                    "lat": PATIENT.lat + 0.002 * math.cos(i),
                    "lon": PATIENT.lon + 0.003 * math.sin(i),
                    "mode": "bike",
                }
                for i in range(6)
            ]
        )
        entry = run(
            console.services.missions.raise_alert(PATIENT, "Kongensgade 1, Odense", AgeGroup.ADULT)
        )
        mission_id = wait_until(
            lambda: console.services.missions.commands[entry.key].mission_id, 20, "the mission"
        )
        wait_until(lambda: window.selected_mission_id == mission_id, 20, "the mission selected")
        first, second, third = (r["id"] for r in runners[:3])
        sim.accept(mission_id, first, PATIENT.lat, PATIENT.lon + 0.003)
        wait_until(lambda: window.panel.counter_values()["accepted"] == 1, 20, "an acceptance")
        assert window.actions_["alert_more"].isEnabled()

        # ---- the service dies: offline within 21 s, said in words, actions disabled
        server.kill()
        killed = time.monotonic()
        wait_until(lambda: not window.is_live(), 21, "the link to drop")
        assert time.monotonic() - killed <= 21
        assert window.not_live_banner.isVisible()
        assert window.not_live_banner.text().startswith("NOT LIVE")
        assert "disabled" in window.not_live_banner.text()
        assert console.services.sync.status.value.state in (LinkState.OFFLINE, LinkState.STALE)
        for name in ("raise_alert", "alert_more", "message", "cancel_mission", "close_mission"):
            action = window.actions_[name]
            assert not action.isEnabled(), name
            assert "not live" in action.toolTip()
        assert window.link_indicator.state is not LinkState.LIVE
        assert run(window.alert_more()) is None  # nothing is sent while not live

        # ---- back, and things happened while the console could not see them
        server.start()
        sim.close()
        sim = Sim(server.base_url, server.password)
        sim.accept(mission_id, second, PATIENT.lat, PATIENT.lon)
        sim.accept(mission_id, third, PATIENT.lat, PATIENT.lon)
        sim.status(mission_id, first, "arrived", PATIENT.lat, PATIENT.lon)
        wait_until(window.is_live, 40, "the link to come back")
        wait_until(lambda: window.panel.counter_values()["arrived"] == 1, 20, "the catch-up")
        assert window.panel.counter_values()["accepted"] == 3
        assert not window.not_live_banner.isVisible()
        assert window.actions_["alert_more"].isEnabled()
        model = window.responder_model
        states = {
            model.runner_id(row): model.data(model.index(row, Column.STATE))
            for row in range(model.rowCount())
        }
        assert states[first] == "Arrived"
        assert states[second] == states[third] == "Accepted"
        mission = console.services.missions.open_missions[mission_id]
        assert mission.responder(first).state is ResponderState.ARRIVED  # type: ignore[union-attr]
        assert console.services.sync.stats.catch_ups >= 2
    finally:
        sim.close()


@pytest.mark.allow_log_warnings
def test_a_refused_login_mid_shift_asks_again_in_the_window(
    console: Console, server: ExternalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    window = console.window
    server.kill()
    # The service comes back with a new database and another password: the console's token
    # and its stored password are both refused now.
    server.db_url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    server.password = "a-new-password"
    server.start()
    dialog = wait_until(
        lambda: isinstance(window.active_dialog, LoginDialog) and window.active_dialog,
        40,
        "the login dialog",
    )
    assert console.services.sync.status.value.state is LinkState.UNAUTHORISED
    assert "Log in again" in window.not_live_banner.text()
    assert dialog.error.text().startswith("The dispatch service refused the login")
    assert dialog.username.text() == "demo-dispatcher"
    dialog.password.setText("a-new-password")
    dialog.accept()
    wait_until(window.is_live, 30, "the link back after the new login")
    assert window.active_dialog is None
    assert any("refused the console's login" in r.getMessage() for r in caplog.records)
