"""End to end as a dispatcher, on the real simulated service the console starts itself.

Raise through the dialog with key presses, let the autopilot answer, then check that the table,
the counters and the map page show the acceptances, tasks and arrivals; alert more, message,
and cancel, after which every responder still out is released and shown so.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_harness import Sim, console_running, page_state, settle_map, wait_until

from console.domain.model import ResponderState, TaskKind
from console.services.link import LinkState
from console.ui.composition import Console
from console.ui.raise_dialog import RaiseDialog
from console.ui.responder_table import Column
from console.ui.steer_dialogs import AlertMoreDialog, CancelDialog, MessageDialog

PATIENT = (55.6761, 12.5683)


def ring(count: int, near_m: float, far_m: float, first: int = 0) -> list[dict[str, object]]:
    """Runners spread on a spiral around the patient, nearest first."""
    lat0, lon0 = PATIENT
    items: list[dict[str, object]] = []
    for i in range(count):
        distance = near_m + (far_m - near_m) * i / max(1, count - 1)
        bearing = math.radians(137.5 * (i + first))
        lat = lat0 + distance * math.cos(bearing) / 111_320
        lon = lon0 + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat0)))
        items.append({"id": f"ui-r{first + i:02d}", "lat": lat, "lon": lon, "mode": "foot"})
    return items


@pytest.fixture
def console(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    args = ["--simulate", "--world", "empty", "--autopilot", "10", "--data-dir", str(tmp_path)]
    with console_running(args, qapp) as running:
        wait_until(lambda: running.window.map.is_ready, 30, "the map")
        wait_until(running.window.is_live, 30, "a live link")
        yield running


def table_states(console: Console) -> list[str]:
    model = console.window.responder_model
    return [model.data(model.index(row, Column.STATE)) for row in range(model.rowCount())]


def test_raise_follow_steer_and_cancel(console: Console, qtbot: QtBot) -> None:
    window = console.window
    assert console.training is not None
    sim = Sim(console.base_url, console.training.password)
    try:
        sim.add_runners(ring(20, 60.0, 900.0))
        sim.add_aeds(
            [
                {
                    "id": "ui-aed-1",
                    "lat": PATIENT[0] + 0.0012,
                    "lon": PATIENT[1],
                    "address": "Rådhuspladsen 1",
                    "access": "24/7",
                    "opening_hours": None,
                },
                {
                    "id": "ui-aed-2",
                    "lat": PATIENT[0],
                    "lon": PATIENT[1] - 0.002,
                    "address": "Vesterbrogade 2",
                    "access": "24/7",
                    "opening_hours": None,
                },
            ]
        )
        wait_until(lambda: "ui-aed-2" in console.services.aeds.aeds or window.is_live(), 10)

        # ---- raise through the dialog, by keyboard
        qtbot.keyClick(window, Qt.Key.Key_F2)
        dialog = wait_until(lambda: window.raise_dialog, 5, "the raise dialog")
        assert isinstance(dialog, RaiseDialog)
        qtbot.keyClicks(dialog.location, "55.6761 12.5683")
        qtbot.keyClicks(dialog.address, "Vesterbrogade 1, 1620 København V")
        qtbot.keyClicks(dialog.note, "Door code 1234")
        wait_until(lambda: dialog.coverage is not None, 20, "the coverage preview")
        assert dialog.coverage is not None
        assert dialog.coverage.would_alert == 20
        assert dialog.coverage.within == (
            sum(1 for r in ring(20, 60.0, 900.0) if _dist(r) <= 1000),
            20,
            20,
        )
        assert "Would be alerted: 20" in dialog.coverage_label.text()
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
        mission_id = wait_until(
            lambda: window.raise_dialog is None and window.selected_mission_id, 20, "the mission"
        )
        assert console.services.missions.open_missions[mission_id].address.startswith(
            "Vesterbrogade 1"
        )

        # ---- the autopilot answers; then it is switched off so the test steers alone
        wait_until(lambda: window.panel.counter_values()["accepted"] >= 2, 60, "acceptances")
        sim.autopilot(False)
        mission = console.services.missions.open_missions[mission_id]
        accepted = [r for r in mission.responders if r.state is ResponderState.ACCEPTED]
        assert accepted, "the autopilot accepted, but nobody is on the way any more"
        fetcher = next(
            (r for r in accepted if r.task is not None and r.task.kind is TaskKind.FETCH_AED),
            None,
        )
        assert fetcher is not None, "the first acceptances must be sent for an AED"
        sim.status(mission_id, fetcher.runner_id, "aed_collected", *PATIENT)
        sim.status(mission_id, fetcher.runner_id, "arrived", *PATIENT)
        wait_until(lambda: window.panel.counter_values()["arrived"] >= 1, 20, "an arrival")

        mission = console.services.missions.open_missions[mission_id]
        counts = window.panel.counter_values()
        assert counts["alerted"] == 20 == len(mission.responders)
        assert counts["accepted"] == sum(1 for r in mission.responders if r.accepted_at)
        assert counts["declined"] == sum(
            1 for r in mission.responders if r.state is ResponderState.DECLINED
        )
        states = table_states(console)
        assert len(states) == 20
        assert "Arrived" in states
        model = window.responder_model
        row = model.row_of(fetcher.runner_id)
        assert model.data(model.index(row, Column.TASK)).startswith("Fetch AED")
        assert model.data(model.index(row, Column.ETA_PATIENT)).startswith("Arrived")
        for responder in mission.responders:
            if responder.state is ResponderState.ACCEPTED:
                r = model.row_of(responder.runner_id)
                assert model.data(model.index(r, Column.ETA_PATIENT)).startswith("≈")

        settle_map(window.map)
        state = page_state(window.map)
        shown = state["missions"][mission_id]
        assert len(shown) == 20
        assert shown[fetcher.runner_id]["look"] == "arrived"
        looks = {item["look"] for item in shown.values()}
        on_the_way = [
            r for r in mission.responders if r.state is ResponderState.ACCEPTED and r.task
        ]
        for responder in on_the_way:
            item = shown[responder.runner_id]
            assert item["look"] in ("to_aed", "to_patient")
            assert item["line"] is not None
            if item["look"] == "to_aed":
                assert len(item["line"]) == 3  # runner → AED → patient
        assert "alerted" in looks or "out" in looks
        assert state["incidents"][mission_id]["address"].startswith("Vesterbrogade 1")

        # ---- selecting a responder in the table highlights it on the map, and back
        window.select_responder(fetcher.runner_id)
        settle_map(window.map)
        assert page_state(window.map)["selection"]["id"] == fetcher.runner_id
        other = next(r for r in mission.responders if r.runner_id != fetcher.runner_id)
        window.map.item_clicked.emit("responder", other.runner_id, mission_id)
        assert window.selected_runner_id() == other.runner_id

        # ---- alert more: three more runners exist beyond the first twenty
        sim.add_runners(ring(3, 1000.0, 1400.0, first=20))
        qtbot.keyClick(window, Qt.Key.Key_F3)
        more = wait_until(lambda: window.active_dialog, 5, "the alert-more dialog")
        assert isinstance(more, AlertMoreDialog)
        more.count.selectAll()
        qtbot.keyClicks(more.count, "3")
        qtbot.keyClick(more.count, Qt.Key.Key_Return)
        wait_until(lambda: window.panel.counter_values()["alerted"] == 23, 20, "23 alerted")
        assert any("Alert more: 3 more" in t for t in window.timeline_model.texts())

        # ---- message everyone who accepted
        qtbot.keyClick(window, Qt.Key.Key_F4)
        message = wait_until(lambda: window.active_dialog, 5, "the message dialog")
        assert isinstance(message, MessageDialog)
        message.recipient.setCurrentIndex(0)
        qtbot.keyClicks(message.text, "Ambulance 2 min away")
        qtbot.keyClick(message.text, Qt.Key.Key_Return)
        wait_until(
            lambda: any(
                "Message to all who accepted: Ambulance 2 min away" in t
                for t in window.timeline_model.texts()
            ),
            20,
            "the message in the timeline",
        )

        # ---- cancel: reason and confirmation are both required
        out_before = {
            r.runner_id
            for r in console.services.missions.open_missions[mission_id].responders
            if r.state.is_out
        }
        qtbot.keyClick(window, Qt.Key.Key_F8)
        cancel = wait_until(lambda: window.active_dialog, 5, "the cancel dialog")
        assert isinstance(cancel, CancelDialog)
        assert not cancel.ok_button.isEnabled()
        qtbot.keyClicks(cancel.reason, "Patient is breathing")
        assert not cancel.ok_button.isEnabled()
        cancel.confirm.setFocus()
        qtbot.keyClick(cancel.confirm, Qt.Key.Key_Space)
        assert cancel.ok_button.isEnabled()
        qtbot.keyClick(cancel.confirm, Qt.Key.Key_Return)
        wait_until(lambda: mission_id not in console.services.missions.open_missions, 20)
        wait_until(lambda: "Released" in table_states(console), 20, "released rows")

        assert window.list_model.row_of(mission_id) == -1
        assert window.selected_mission_id == mission_id
        assert "CANCELLED" in window.panel.attention.text()
        model = window.responder_model
        for runner_id in out_before:
            row = model.row_of(runner_id)
            assert model.data(model.index(row, Column.STATE)) == "Released"
        assert not {"Alerted", "Accepted", "AED collected"} & set(table_states(console))
        settle_map(window.map)
        shown = page_state(window.map)["missions"][mission_id]
        assert all(shown[runner_id]["look"] == "out" for runner_id in out_before)
        assert not window.actions_["cancel_mission"].isEnabled()
        assert console.services.sync.status.value.state is LinkState.LIVE
    finally:
        sim.close()


def _dist(item: dict[str, object]) -> float:
    from console.domain.geometry import haversine_m

    return haversine_m(PATIENT[0], PATIENT[1], float(item["lat"]), float(item["lon"]))  # type: ignore[arg-type]
