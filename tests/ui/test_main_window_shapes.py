"""A mission with four fetchers to two AEDs and three direct responders, as the map and the
table draw it: the right marker looks, the right route lines (via the AED or straight), and one
table row each with the task named. The picture is saved next to the test's files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from ui_harness import (
    Sim,
    console_running,
    page_json,
    page_state,
    run,
    settle_map,
    wait_until,
)

from console.domain.model import AgeGroup, LatLon, ResponderState, TaskKind
from console.ui.composition import Console
from console.ui.responder_table import Column

PATIENT = LatLon(56.1572, 10.2107)  # Aarhus C
AED_A = (56.1582, 10.2107)  # ~110 m north: nearest the patient
AED_B = (56.1572, 10.2142)  # ~215 m east


def around(index: int, metres: float) -> tuple[float, float]:
    bearing = math.radians(51.4 * index)
    return (
        PATIENT.lat + metres * math.cos(bearing) / 111_320,
        PATIENT.lon + metres * math.sin(bearing) / (111_320 * math.cos(math.radians(PATIENT.lat))),
    )


@pytest.fixture
def console(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    args = ["--simulate", "--world", "empty", "--data-dir", str(tmp_path)]
    with console_running(args, qapp) as running:
        wait_until(running.window.is_live, 30, "a live link")
        wait_until(lambda: running.window.map.is_ready, 30, "the map")
        yield running


def test_four_fetchers_two_aeds_three_direct(console: Console, tmp_path: Path) -> None:
    window = console.window
    assert console.training is not None
    sim = Sim(console.base_url, console.training.password)
    try:
        sim.autopilot(False)
        sim.add_aeds(
            [
                {
                    "id": "aed-A",
                    "lat": AED_A[0],
                    "lon": AED_A[1],
                    "address": "Store Torv 1",
                    "access": "24/7",
                    "opening_hours": None,
                },
                {
                    "id": "aed-B",
                    "lat": AED_B[0],
                    "lon": AED_B[1],
                    "address": "Åboulevarden 3",
                    "access": "24/7",
                    "opening_hours": None,
                },
            ]
        )
        places = [around(i, 400.0 + 60.0 * i) for i in range(7)]
        sim.add_runners(
            [
                {"id": f"s-r{i}", "lat": lat, "lon": lon, "mode": "foot"}
                for i, (lat, lon) in enumerate(places)
            ]
        )
        entry = run(
            console.services.missions.raise_alert(
                PATIENT, "Ryesgade 1, 8000 Aarhus C", AgeGroup.CHILD, "Barn 4 år"
            )
        )
        mission_id = wait_until(
            lambda: console.services.missions.commands[entry.key].mission_id, 20, "the mission"
        )
        wait_until(lambda: window.selected_mission_id == mission_id, 20)

        def accept(i: int) -> dict[str, object]:
            lat, lon = places[i]
            return sim.accept(mission_id, f"s-r{i}", lat, lon)

        assert accept(0)["task"] == {"kind": "fetch_aed", "aed_id": "aed-A"}
        assert accept(1)["task"] == {"kind": "fetch_aed", "aed_id": "aed-A"}
        sim.status(mission_id, "s-r0", "aed_collected", *AED_A)  # aed-A is taken now
        assert accept(2)["task"] == {"kind": "fetch_aed", "aed_id": "aed-B"}
        assert accept(3)["task"] == {"kind": "fetch_aed", "aed_id": "aed-B"}
        for i in (4, 5, 6):
            assert accept(i)["task"] == {"kind": "go_to_patient"}

        wait_until(lambda: window.panel.counter_values()["accepted"] == 7, 20, "7 accepted")
        wait_until(lambda: "aed-B" in console.services.aeds.aeds, 20, "the AEDs in the register")
        mission = console.services.missions.open_missions[mission_id]
        counts = window.panel.counter_values()
        assert counts == {
            "alerted": 7,
            "accepted": 7,
            "declined": 0,
            "too_far": 0,
            "to_aed": 3,
            "aed_collected": 1,
            "arrived": 0,
            "abandoned": 0,
        }

        # ---- the table: one row each, fetchers name their AED's address and have two ETAs
        model = window.responder_model
        assert model.rowCount() == 7
        addresses = {"aed-A": "Store Torv 1", "aed-B": "Åboulevarden 3"}
        for responder in mission.responders:
            row = model.row_of(responder.runner_id)
            task = model.data(model.index(row, Column.TASK))
            eta_aed = model.data(model.index(row, Column.ETA_AED))
            eta_patient = model.data(model.index(row, Column.ETA_PATIENT))
            assert eta_patient.startswith("≈")
            if responder.state is ResponderState.AED_COLLECTED:
                assert task == "Fetch AED at Store Torv 1"
                assert eta_aed == "—"
            elif responder.task is not None and responder.task.kind is TaskKind.FETCH_AED:
                assert task == f"Fetch AED at {addresses[str(responder.task.aed_id)]}"
                assert eta_aed.startswith("≈")
            else:
                assert task == "Straight to patient"
                assert eta_aed == "—"

        # ---- the map: looks and lines
        settle_map(window.map)
        state = page_state(window.map)
        shown = state["missions"][mission_id]
        assert len(shown) == 7
        looks = {rid: item["look"] for rid, item in shown.items()}
        assert looks == {
            "s-r0": "aed_collected",
            "s-r1": "to_aed",
            "s-r2": "to_aed",
            "s-r3": "to_aed",
            "s-r4": "to_patient",
            "s-r5": "to_patient",
            "s-r6": "to_patient",
        }
        patient = [PATIENT.lat, PATIENT.lon]
        # the map's popups name the AED by its address too
        fetching = next(rid for rid, look in looks.items() if look == "to_aed")
        opener = f"AMK.openPopup('responder', {json.dumps(fetching)}, {json.dumps(mission_id)})"
        assert page_json(window.map, opener) is True
        aed_id = next(r.task.aed_id for r in mission.responders if r.runner_id == fetching)
        assert f"Fetch AED at {addresses[str(aed_id)]}, then go to patient" in page_json(
            window.map, "AMK.popupText()"
        )
        for rid, item in shown.items():
            line = item["line"]
            assert line[-1] == pytest.approx(patient)
            if item["look"] == "to_aed":
                aed = AED_A if rid == "s-r1" else AED_B
                assert len(line) == 3
                assert line[1] == pytest.approx(list(aed))
            else:
                assert len(line) == 2
        incident = state["incidents"][mission_id]
        assert incident["radius_m"] == pytest.approx(5000.0)
        assert incident["address"] == "Ryesgade 1, 8000 Aarhus C"

        window.select_responder("s-r2")
        window.fit_mission()
        settle_map(window.map)
        picture = tmp_path / "four-fetchers-two-aeds.png"
        assert window.grab().save(str(picture), "PNG")
        assert picture.stat().st_size > 50_000
    finally:
        sim.close()
