"""MapView against the real page: what Python sends is what the page holds and shows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import map_scene as scene
import pytest
from map_harness import LogProblems, js_json, page_state, run_js, wait_until
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from console.domain.model import Aed, AedAccess, AedStatus, ResponderState, Task
from console.maps import MapInputError, MapView

_AEDS = (  # around map_scene.PATIENT
    Aed("aed-a", 55.7105, 12.4662, "Husumvej 2", AedAccess.ALWAYS, "24/7", AedStatus.AVAILABLE),
    Aed(
        "aed-b",
        55.7090,
        12.4630,
        "Husum Skole, Tingbjerg Allé 5",
        AedAccess.LIMITED,
        "Mo-Fr 08:00-16:00",
        AedStatus.AVAILABLE,
    ),
    Aed("aed-c", 55.7120, 12.4600, "Hallen", AedAccess.ALWAYS, "24/7", AedStatus.TAKEN),
    Aed("aed-d", 55.7080, 12.4700, "Kirken", AedAccess.ALWAYS, "24/7", AedStatus.OUT_OF_SERVICE),
)


def _click(view: MapView, x: float, y: float) -> None:
    web = QWebEngineView.forPage(view.page())
    target = web.focusProxy() or web
    QTest.mouseClick(
        target,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(x), round(y)),
    )


def test_page_loads_offline_and_says_ready(map_view: MapView) -> None:
    state = page_state(map_view)
    assert map_view.is_ready
    assert state["zoom"] == 7
    assert run_js(map_view, "L.version") == "1.9.3"
    assert run_js(map_view, "AMK_BASEMAP.towns.length") > 400
    assert map_view.interceptor.blocked == []
    # One scale bar, in metres: a Danish dispatcher has no use for feet.
    lines = run_js(
        map_view,
        "Array.from(document.querySelectorAll('.leaflet-control-scale-line'),"
        " e => e.textContent).join('|')",
    ).split("|")
    assert len(lines) == 1
    assert lines[0].endswith(("m", "km"))


def test_incident_and_responders_arrive_as_sent(map_view: MapView) -> None:
    mission = scene.mission("m-layers", aeds=_AEDS)
    etas = {r.runner_id: scene.NIGHT + timedelta(minutes=r.rank) for r in mission.responders}
    map_view.set_mission(mission, etas)
    state = page_state(map_view)

    incident = state["incidents"]["m-layers"]
    assert (incident["lat"], incident["lon"]) == (mission.location.lat, mission.location.lon)
    assert incident["radius_m"] == 5000
    riders = state["missions"]["m-layers"]
    assert set(riders) == {r.runner_id for r in mission.responders}
    for responder in mission.responders:
        shown = riders[responder.runner_id]
        assert shown["rank"] == responder.rank
        assert shown["alias"] == responder.alias
        assert shown["lat"] == pytest.approx(responder.position.lat, abs=1e-9)
        assert shown["lon"] == pytest.approx(responder.position.lon, abs=1e-9)
    looks = {shown["look"] for shown in riders.values()}
    assert looks == {"alerted", "to_aed", "to_patient", "aed_collected", "arrived", "out"}
    faded = {rid for rid, shown in riders.items() if shown["faded"]}
    assert faded == {
        r.runner_id
        for r in mission.responders
        if r.state
        in {
            ResponderState.DECLINED,
            ResponderState.REJECTED_TOO_FAR,
            ResponderState.ABANDONED,
            ResponderState.RELEASED,
        }
    }
    map_view.clear_mission("m-layers")


def test_route_goes_responder_aed_patient_for_fetchers(map_view: MapView) -> None:
    map_view.set_aeds(_AEDS, scene.NIGHT)
    mission = scene.mission("m-route", aeds=_AEDS)
    fetcher = next(
        r
        for r in mission.responders
        if r.state is ResponderState.ACCEPTED and r.task and r.task.aed_id
    )
    aed = next(a for a in _AEDS if a.id == fetcher.task.aed_id)  # type: ignore[union-attr]
    straight = next(r for r in mission.responders if r.state is ResponderState.ALERTED)
    map_view.set_mission(mission)
    riders = page_state(map_view)["missions"]["m-route"]

    patient = [mission.location.lat, mission.location.lon]
    line = riders[fetcher.runner_id]["line"]
    assert line == [[fetcher.position.lat, fetcher.position.lon], [aed.lat, aed.lon], patient]
    assert riders[straight.runner_id]["line"] is None
    map_view.clear_mission("m-route")


def test_deltas_apply_in_order_and_the_last_one_wins(map_view: MapView) -> None:
    mission = scene.mission("m-order")
    first = mission.responders[0]
    map_view.set_incident("m-order", 55.60, 12.50, 5000, "first address")
    map_view.set_incident("m-order", 55.61, 12.51, 6000, "second address")
    map_view.set_responders("m-order", [first])
    map_view.update_responder_positions("m-order", [(first.runner_id, 55.62, 12.52)])
    moved_back = replace(first, position=replace(first.position, lat=55.63, lon=12.53))
    map_view.set_responders("m-order", [moved_back])  # must not be undone by the move before
    before = page_state(map_view)
    map_view.update_responder_positions("m-order", [(first.runner_id, 55.64, 12.54)])
    map_view.update_responder_positions("m-order", [(first.runner_id, 55.65, 12.55)])
    state = page_state(map_view)

    assert state["incidents"]["m-order"]["address"] == "second address"
    assert state["incidents"]["m-order"]["radius_m"] == 6000
    shown = before["missions"]["m-order"][first.runner_id]
    assert (shown["lat"], shown["lon"]) == (55.63, 12.53)
    wait_until(lambda: page_state(map_view)["pendingMoves"] == 0, what="the moves to land")
    shown = page_state(map_view)["missions"]["m-order"][first.runner_id]
    assert (shown["lat"], shown["lon"]) == (55.65, 12.55)
    assert state["lastSeq"] > before["lastSeq"]
    assert state["applied"] - before["applied"] == 2
    map_view.clear_mission("m-order")
    assert "m-order" not in page_state(map_view)["missions"]


def test_a_burst_of_moves_lands_in_one_frame(map_view: MapView) -> None:
    missions = [scene.mission(f"m-burst-{i}", seed=i + 10) for i in range(5)]
    for mission in missions:
        map_view.set_mission(mission)
    before = page_state(map_view)["metrics"]
    for step in range(1, 4):
        for mission in missions:
            map_view.update_responder_positions(
                mission.id,
                [
                    (r.runner_id, r.position.lat + step * 1e-4, r.position.lon)
                    for r in mission.responders
                ],
            )
    wait_until(lambda: page_state(map_view)["pendingMoves"] == 0, what="the moves to land")
    after = page_state(map_view)["metrics"]

    assert after["frames"] - before["frames"] == 1
    assert after["movesApplied"] - before["movesApplied"] == 100  # latest of 300, once each
    shown = page_state(map_view)["missions"]["m-burst-2"][missions[2].responders[5].runner_id]
    assert shown["lat"] == pytest.approx(missions[2].responders[5].position.lat + 3e-4)
    for mission in missions:
        map_view.clear_mission(mission.id)


def test_aeds_show_their_availability_now_and_follow_changes(map_view: MapView) -> None:
    map_view.set_aeds(_AEDS, scene.NIGHT)  # 23:40 local: the school is closed
    state = page_state(map_view)["aeds"]
    assert state["count"] == 4
    assert state["byAvailability"] == {
        "always": 1,
        "closed_now": 1,
        "taken": 1,
        "out_of_service": 1,
    }

    morning = scene.NIGHT + timedelta(hours=10)  # Wednesday 09:40 local
    assert map_view.refresh_aed_availability(morning) == 1
    assert page_state(map_view)["aeds"]["byAvailability"]["open_now"] == 1
    assert map_view.refresh_aed_availability(morning) == 0

    map_view.update_aed(replace(_AEDS[0], status=AedStatus.TAKEN), morning)
    map_view.update_aed(
        Aed("aed-e", 55.70, 12.58, "Ny", AedAccess.ALWAYS, "24/7", AedStatus.AVAILABLE), morning
    )
    state = page_state(map_view)["aeds"]
    assert state["count"] == 5
    assert state["byAvailability"] == {
        "always": 1,
        "open_now": 1,
        "taken": 2,
        "out_of_service": 1,
    }


def test_aed_clusters_at_country_zoom_and_singles_close_up(map_view: MapView) -> None:
    aeds = scene.denmark_aeds()
    map_view.set_aeds(aeds, scene.NIGHT)
    map_view.set_view(56.0, 11.0, 7)
    state = page_state(map_view)["aeds"]
    assert state["count"] == len(aeds) == 26_182
    assert 5 < state["clusters"] < 400
    assert state["markers"] < 200
    map_view.set_view(55.6867, 12.5701, 17)  # central Copenhagen, dense with AEDs
    close = page_state(map_view)["aeds"]
    assert close["clusters"] == 0
    assert 0 < close["markers"] < 300
    map_view.set_aeds(_AEDS, scene.NIGHT)
    map_view.set_view(56.0, 11.0, 7)


def test_an_aed_being_fetched_stands_out_of_its_group(map_view: MapView) -> None:
    aeds = scene.denmark_aeds()
    map_view.set_aeds(aeds, scene.NIGHT)
    map_view.set_view(56.0, 11.0, 7)
    mission = scene.mission("m-pinned", aeds=aeds)
    fetched = sorted(
        {
            r.task.aed_id
            for r in mission.responders
            if r.state is ResponderState.ACCEPTED and r.task and r.task.aed_id
        }
    )
    assert fetched
    before = page_state(map_view)["aeds"]
    map_view.set_mission(mission)
    state = page_state(map_view)["aeds"]
    assert state["pinned"] == fetched
    assert state["clusters"] >= before["clusters"] - 1
    map_view.clear_mission("m-pinned")
    assert page_state(map_view)["aeds"]["pinned"] == []
    map_view.set_aeds(_AEDS, scene.NIGHT)


def test_selection_highlights_and_brings_into_view(map_view: MapView) -> None:
    mission = scene.mission("m-select")
    target = mission.responders[7]
    map_view.set_mission(mission)
    map_view.set_view(55.0, 9.0, 12)  # far away
    map_view.select("responder", target.runner_id, "m-select")
    state = page_state(map_view)
    assert state["selection"] == {
        "kind": "responder",
        "id": target.runner_id,
        "mission": "m-select",
    }
    assert state["halo"] == pytest.approx([target.position.lat, target.position.lon])
    x, y = js_json(map_view, f"AMK.pointOf({target.position.lat}, {target.position.lon})")
    assert 0 <= x <= 1000
    assert 0 <= y <= 700

    map_view.update_responder_positions("m-select", [(target.runner_id, 55.69, 12.58)])
    wait_until(lambda: page_state(map_view)["halo"] == [55.69, 12.58], what="the halo to follow")
    map_view.clear_mission("m-select")
    assert page_state(map_view)["halo"] is None


def test_fit_incident_and_show_all(map_view: MapView) -> None:
    map_view.set_incident("m-fit", 55.40, 10.39, 5000, "Odense")
    map_view.set_view(57.0, 9.9, 9)
    map_view.fit_incident("m-fit")
    state = page_state(map_view)
    assert state["centre"]["lat"] == pytest.approx(55.40, abs=0.02)
    assert state["centre"]["lng"] == pytest.approx(10.39, abs=0.02)
    assert state["zoom"] >= 11
    map_view.set_incident("m-fit-2", 57.05, 9.92, 5000, "Aalborg")
    map_view.show_all()
    zoom = page_state(map_view)["zoom"]
    assert zoom <= 9
    for lat, lon in ((55.40, 10.39), (57.05, 9.92)):
        x, y = js_json(map_view, f"AMK.pointOf({lat}, {lon})")
        assert 0 < x < 1000
        assert 0 < y < 700
    map_view.clear_mission("m-fit")
    map_view.clear_mission("m-fit-2")


def test_runner_preview_marks_the_twenty_an_alert_would_reach(map_view: MapView) -> None:
    world_runners = [
        scene.runner(f"p{i:02d}", scene.PATIENT.lat + i * 0.002, scene.PATIENT.lon)
        for i in range(30)
    ]
    map_view.show_runner_preview(scene.PATIENT.lat, scene.PATIENT.lon, 5000, world_runners)
    runners = page_state(map_view)["runners"]
    assert [r["id"] for r in runners] == [f"p{i:02d}" for i in range(30)]
    assert [r["id"] for r in runners if r["would_alert"]] == [f"p{i:02d}" for i in range(20)]
    map_view.clear_runner_preview()
    assert page_state(map_view)["runners"] == []


def test_click_on_map_gives_its_coordinates(map_view: MapView, qtbot: object) -> None:
    map_view.set_view(55.68, 12.57, 12)
    expected = js_json(map_view, "AMK.latLngAt(400, 300)")
    clicks: list[tuple[float, float]] = []
    map_view.map_clicked.connect(lambda lat, lon: clicks.append((lat, lon)))
    _click(map_view, 400, 300)
    wait_until(lambda: clicks, what="the click to reach Python")
    assert clicks[0] == pytest.approx(tuple(expected), abs=1e-4)


def test_click_on_a_responder_gives_its_id(map_view: MapView) -> None:
    mission = scene.mission("m-click")
    target = mission.responders[6]
    map_view.set_mission(mission)
    map_view.set_view(target.position.lat, target.position.lon, 15)
    x, y = js_json(map_view, f"AMK.pointOf({target.position.lat}, {target.position.lon})")
    clicked: list[tuple[str, str, str]] = []
    map_view.item_clicked.connect(lambda *args: clicked.append(args))
    _click(map_view, x, y)
    wait_until(lambda: clicked, what="the click to reach Python")
    assert clicked[0] == ("responder", target.runner_id, "m-click")
    assert target.alias in run_js(map_view, "AMK.popupText()")
    map_view.clear_mission("m-click")


def test_api_text_is_shown_as_text_and_never_runs(map_view: MapView) -> None:
    address = '<img src=x onerror="window.__xss=1">'
    note = "</script><script>window.__xss=2</script>"
    alias = '<b onmouseover="window.__xss=3">Eve</b>'
    evil_aed = Aed(
        "aed-evil",
        55.5,
        12.0,
        '<svg onload="window.__xss=4">',
        AedAccess.LIMITED,
        "<script>window.__xss=5</script>",
        AedStatus.AVAILABLE,
    )
    mission = scene.mission("m-xss", address=address, note=note)
    responder = replace(mission.responders[0], alias=alias)
    map_view.set_mission(replace(mission, responders=(responder,)))
    map_view.update_aed(evil_aed, scene.NIGHT)

    assert run_js(map_view, "AMK.openPopup('incident', 'm-xss', 'm-xss')") is True
    text = run_js(map_view, "AMK.popupText()")
    assert address in text
    assert note in text
    assert run_js(
        map_view, f"AMK.openPopup('responder', {json.dumps(responder.runner_id)}, 'm-xss')"
    )
    assert alias in run_js(map_view, "AMK.popupText()")
    assert run_js(map_view, "AMK.openPopup('aed', 'aed-evil', '')") is True
    text = run_js(map_view, "AMK.popupText()")
    assert evil_aed.address in text
    assert evil_aed.opening_hours in text

    QTest.qWait(200)
    assert run_js(map_view, "typeof window.__xss") == "undefined"
    assert (
        run_js(
            map_view,
            "document.querySelectorAll('.leaflet-popup-content img, "
            ".leaflet-popup-content script, .leaflet-popup-content svg, "
            ".leaflet-popup-content b').length",
        )
        == 0
    )
    map_view.clear_mission("m-xss")


def test_bad_input_fails_in_python_not_in_the_page(map_view: MapView) -> None:
    with pytest.raises(MapInputError, match="lat"):
        map_view.set_incident("m-bad", float("nan"), 12.0, 5000, "x")
    with pytest.raises(MapInputError, match="radius"):
        map_view.set_incident("m-bad", 55.0, 12.0, 0, "x")
    with pytest.raises(MapInputError, match="kind"):
        map_view.select("ambulance", "a1")
    with pytest.raises(MapInputError, match="mission_id"):
        map_view.select("responder", "r1")
    twice = scene.mission("m-bad").responders[0]
    with pytest.raises(MapInputError, match="twice"):
        map_view.set_responders("m-bad", [twice, twice])


@pytest.mark.allow_log_warnings
def test_a_javascript_error_reaches_python_logging(
    map_view: MapView, map_problems: LogProblems
) -> None:
    map_view.page().runJavaScript("AMK.apply([{op: 'no-such-delta', seq: 1e9}])", 0)
    wait_until(lambda: map_problems.records, what="the error to be logged")
    problems = map_problems.take()
    assert any("unknown delta no-such-delta" in line for line in problems)
    assert all(line.startswith("console.maps.page") for line in problems)


@pytest.mark.allow_log_warnings
def test_navigation_away_from_the_map_is_refused(
    map_view: MapView, map_problems: LogProblems
) -> None:
    run_js(map_view, "location.href = 'amk-map://app/elsewhere.html'; 1")
    wait_until(lambda: map_problems.records, what="the refusal to be logged")
    assert any("refused" in line for line in map_problems.take())
    assert run_js(map_view, "location.pathname") == "/index.html"


def test_after_a_reload_the_page_shows_what_it_showed(map_view: MapView) -> None:
    mission = scene.mission("m-reload")
    map_view.set_aeds(_AEDS, scene.NIGHT)
    map_view.set_mission(mission)
    map_view.select("incident", "m-reload")
    map_view.reload()
    wait_until(lambda: map_view.is_ready, 20.0, "the reloaded page")
    state = page_state(map_view)
    assert set(state["missions"]["m-reload"]) == {r.runner_id for r in mission.responders}
    assert state["aeds"]["count"] == len(_AEDS)
    assert state["selection"]["id"] == "m-reload"
    map_view.clear_mission("m-reload")


def test_snapshot_writes_a_png(map_view: MapView, tmp_path: object) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "map.png"
    image = map_view.snapshot(target)
    assert image.width() == 1000
    assert image.height() == 700
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_responder_task_changes_restyle_the_marker(map_view: MapView) -> None:
    mission = scene.mission("m-restyle")
    alerted = next(r for r in mission.responders if r.state is ResponderState.ALERTED)
    map_view.set_mission(mission)
    accepted = replace(alerted, state=ResponderState.ACCEPTED, task=Task.go_to_patient())
    map_view.set_responders("m-restyle", [accepted])
    riders = page_state(map_view)["missions"]["m-restyle"]
    assert list(riders) == [alerted.runner_id]
    assert riders[alerted.runner_id]["look"] == "to_patient"
    assert riders[alerted.runner_id]["line"] is not None
    map_view.clear_mission("m-restyle")
    QApplication.processEvents()


def test_a_fetcher_popup_names_the_aed_by_its_address_as_text(map_view: MapView) -> None:
    evil = replace(_AEDS[0], id="aed-addr", address='<img src=x onerror="window.__xss=6">')
    mission = scene.mission("m-aed-address")
    fetcher = replace(
        mission.responders[0], state=ResponderState.ACCEPTED, task=Task.fetch_aed("aed-addr")
    )
    opener = f"AMK.openPopup('responder', {json.dumps(fetcher.runner_id)}, 'm-aed-address')"
    map_view.set_aeds(_AEDS, scene.NIGHT)
    map_view.set_mission(replace(mission, responders=(fetcher,)))
    assert run_js(map_view, opener) is True
    assert "Fetch AED aed-addr, then go to patient" in run_js(map_view, "AMK.popupText()")

    map_view.update_aed(evil, scene.NIGHT)  # the register learns of it: the task is sent again
    map_view.set_responders("m-aed-address", [fetcher])
    assert run_js(map_view, opener) is True
    text = run_js(map_view, "AMK.popupText()")
    assert f"Fetch AED at {evil.address}, then go to patient" in text
    QTest.qWait(200)
    assert run_js(map_view, "typeof window.__xss") == "undefined"
    assert run_js(map_view, "document.querySelectorAll('.leaflet-popup-content img').length") == 0

    map_view.reload()  # a fresh page is sent the items made again, with the address
    wait_until(lambda: map_view.is_ready, 20.0, "the reloaded page")
    assert run_js(map_view, opener) is True
    assert f"Fetch AED at {evil.address}" in run_js(map_view, "AMK.popupText()")
    map_view.clear_mission("m-aed-address")
    map_view.set_aeds(_AEDS, scene.NIGHT)
