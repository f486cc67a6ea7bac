"""The whole dispatch flow through the real server: raise, alert, accept, fetch, cancel.

Runners are placed due north of the patient at known distances, so which ones are alerted and
in what order is decided by the rules, not by chance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from dispatchd_harness import Api

from console.domain.fold import fold
from console.domain.geometry import destination_point, haversine_m
from console.domain.model import Event, Mission

PATIENT = (55.6761, 12.5683)  # Copenhagen, Rådhuspladsen
Problem = Callable[[httpx.Response, int, str], dict[str, Any]]


def north(distance_m: float, origin: tuple[float, float] = PATIENT) -> tuple[float, float]:
    """A point ``distance_m`` north of the patient (south when negative)."""
    bearing = 0.0 if distance_m >= 0 else 180.0
    lat, lon = destination_point(origin[0], origin[1], bearing, abs(distance_m))
    return round(lat, 7), round(lon, 7)


def place_runners(api: Api, distances: list[float], prefix: str) -> list[str]:
    items = []
    for i, distance in enumerate(distances):
        lat, lon = north(distance)
        items.append({"id": f"{prefix}-{i:02d}", "lat": lat, "lon": lon, "mode": "foot"})
    return [runner["id"] for runner in api.add_runners(items)]


def raise_mission(api: Api, **extra: Any) -> dict[str, Any]:
    body = {
        "location": {"lat": PATIENT[0], "lon": PATIENT[1]},
        "address": "Rådhuspladsen 1, 1550 København V",
        "patient": {"age_group": "adult"},
        "note": "Mand ca. 60 år, 2. sal",
        **extra,
    }
    answer = api.dispatcher.post("/v1/missions", json=body)
    assert answer.status_code == 201, answer.text
    mission: dict[str, Any] = answer.json()
    return mission


def assert_folds(api: Api, mission_id: str) -> dict[str, Any]:
    events = api.supervisor.get(f"/v1/missions/{mission_id}/events")
    assert events.status_code == 200, events.text
    mission = api.supervisor.get(f"/v1/missions/{mission_id}")
    assert mission.status_code == 200
    folded = fold(Event.from_json(e) for e in events.json())
    assert folded == Mission.from_json(mission.json())
    assert folded.to_json() == mission.json()
    document: dict[str, Any] = mission.json()
    return document


def test_raising_alerts_the_20_nearest_within_5_km_and_not_the_21st(api: Api) -> None:
    # 22 runners 150 m apart (150 .. 3300 m), plus one beyond the radius.
    distances = [150.0 * (i + 1) for i in range(22)] + [5_200.0]
    ids = place_runners(api, distances, "near")
    mission = raise_mission(api)

    assert mission["state"] == "alerting"
    assert mission["radius_m"] == 5_000
    assert mission["created_by"] == "demo-dispatcher"
    responders = mission["responders"]
    assert [r["runner_id"] for r in responders] == ids[:20]
    assert [r["rank"] for r in responders] == list(range(1, 21))
    assert all(r["state"] == "alerted" and r["task"] is None for r in responders)
    for responder, distance in zip(responders, distances, strict=False):
        assert abs(responder["distance_m"] - distance) < 0.5
    # Text is stored verbatim.
    assert mission["address"] == "Rådhuspladsen 1, 1550 København V"
    assert mission["note"] == "Mand ca. 60 år, 2. sal"
    assert_folds(api, mission["id"])

    # The 21st nearest sees no alert; the 1st sees one, without the address.
    assert api.runner(ids[20]).get("/v1/runner/alerts").json() == []
    alerts = api.runner(ids[0]).get("/v1/runner/alerts").json()
    assert alerts == [
        {
            "mission_id": mission["id"],
            "distance_m": responders[0]["distance_m"],
            "age_group": "adult",
            "state": "alerted",
        }
    ]


def test_accept_assigns_four_aed_fetchers_then_the_patient(api: Api, problem: Problem) -> None:
    ids = place_runners(api, [100.0 * (i + 1) for i in range(8)], "acc")
    aed_lat, aed_lon = north(-300.0)
    far_lat, far_lon = north(-900.0)
    api.add_aeds(
        [
            {"id": "aed-near", "lat": aed_lat, "lon": aed_lon, "address": "Vestergade 1"},
            {"id": "aed-far", "lat": far_lat, "lon": far_lon, "address": "Vestergade 9"},
        ]
    )
    mission = raise_mission(api)
    mission_id = mission["id"]

    tasks = []
    for runner_id in ids[:5]:
        lat, lon = north(50.0)
        answer = api.runner(runner_id).post(
            f"/v1/runner/alerts/{mission_id}/accept", json={"lat": lat, "lon": lon}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["address"] == "Rådhuspladsen 1, 1550 København V"
        assert body["location"] == {"lat": PATIENT[0], "lon": PATIENT[1]}
        tasks.append(body["task"])
        if body["task"]["kind"] == "fetch_aed":
            assert body["aed"]["id"] == body["task"]["aed_id"]
        else:
            assert body["aed"] is None
    assert tasks[:4] == [{"kind": "fetch_aed", "aed_id": "aed-near"}] * 4
    assert tasks[4] == {"kind": "go_to_patient"}

    # Accepting twice is refused; a confirmed position beyond the radius is too far.
    lat, lon = north(50.0)
    again = api.runner(ids[0]).post(
        f"/v1/runner/alerts/{mission_id}/accept", json={"lat": lat, "lon": lon}
    )
    problem(again, 409, "invalid-transition")
    far = north(7_000.0)
    too_far = api.runner(ids[5]).post(
        f"/v1/runner/alerts/{mission_id}/accept", json={"lat": far[0], "lon": far[1]}
    )
    problem(too_far, 409, "too-far")
    assert api.runner(ids[6]).post(f"/v1/runner/alerts/{mission_id}/decline").status_code == 204

    # A runner may only act on its own alerts: an unknown mission is 404 for it.
    problem(api.runner(ids[0]).post("/v1/runner/alerts/m-999999/decline"), 404, "not-found")

    # AED collected: the AED becomes taken, and an aed.status event says so.
    collected = api.runner(ids[0]).post(
        f"/v1/runner/alerts/{mission_id}/status",
        json={"status": "aed_collected", "lat": aed_lat, "lon": aed_lon},
    )
    assert collected.status_code == 204, collected.text
    aeds = {a["id"]: a for a in api.supervisor.get("/v1/aeds").json()}
    assert aeds["aed-near"]["status"] == "taken"
    assert aeds["aed-far"]["status"] == "available"
    arrived = api.runner(ids[4]).post(
        f"/v1/runner/alerts/{mission_id}/status",
        json={"status": "arrived", "lat": PATIENT[0], "lon": PATIENT[1]},
    )
    assert arrived.status_code == 204
    # A go_to_patient responder cannot report an AED.
    wrong = api.runner(ids[1]).post(
        f"/v1/runner/alerts/{mission_id}/status",
        json={"status": "aed_collected", "lat": aed_lat, "lon": aed_lon},
    )
    assert wrong.status_code == 204  # ids[1] is a fetcher: allowed
    problem(
        api.runner(ids[4]).post(
            f"/v1/runner/alerts/{mission_id}/status",
            json={"status": "aed_collected", "lat": aed_lat, "lon": aed_lon},
        ),
        409,
        "invalid-transition",
    )

    # The next fetcher after the AED was taken goes to the farther one... none left: 4 accepted.
    states = {r["runner_id"]: r["state"] for r in assert_folds(api, mission_id)["responders"]}
    assert states[ids[0]] == "aed_collected"
    assert states[ids[4]] == "arrived"
    assert states[ids[5]] == "rejected_too_far"
    assert states[ids[6]] == "declined"
    assert states[ids[7]] == "alerted"

    # Cancel: mission.cancelled, then one runner.released for each responder still out.
    cancelled = api.dispatcher.post(
        f"/v1/missions/{mission_id}/cancel", json={"reason": "Fejlopkald"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["end_reason"] == "Fejlopkald"
    events = api.supervisor.get(f"/v1/missions/{mission_id}/events").json()
    tail = [e for e in events if e["type"] in ("mission.cancelled", "runner.released")]
    assert tail[0]["type"] == "mission.cancelled"
    released = {e["data"]["runner_id"] for e in tail[1:]}
    out_before = {
        rid for rid, state in states.items() if state in ("alerted", "accepted", "aed_collected")
    }
    assert released == out_before
    final = assert_folds(api, mission_id)
    assert {r["runner_id"] for r in final["responders"] if r["state"] == "released"} == out_before

    # Ended missions refuse changes.
    problem(
        api.dispatcher.post(f"/v1/missions/{mission_id}/close", json={"outcome": "x"}),
        409,
        "mission-ended",
    )
    problem(
        api.runner(ids[7]).post(
            f"/v1/runner/alerts/{mission_id}/accept", json={"lat": lat, "lon": lon}
        ),
        409,
        "mission-ended",
    )


def test_fifth_fetcher_of_one_aed_goes_to_the_next_aed(api: Api) -> None:
    """At most five responders go to one AED over all open missions (DOMAIN.md rule 4)."""
    ids = place_runners(api, [60.0 * (i + 1) for i in range(10)], "cap")
    near = north(-200.0)
    second = north(-600.0)
    api.add_aeds(
        [
            {"id": "aed-a", "lat": near[0], "lon": near[1], "address": "A"},
            {"id": "aed-b", "lat": second[0], "lon": second[1], "address": "B"},
        ]
    )
    first = raise_mission(api)
    for runner_id in ids[:4]:
        answer = api.runner(runner_id).post(
            f"/v1/runner/alerts/{first['id']}/accept", json={"lat": PATIENT[0], "lon": PATIENT[1]}
        )
        assert answer.json()["task"] == {"kind": "fetch_aed", "aed_id": "aed-a"}
    # A second mission at the same place: its runners are the six not engaged in the first.
    second_mission = raise_mission(api)
    alerted = [r["runner_id"] for r in second_mission["responders"]]
    assert alerted == ids[4:]
    tasks = []
    for runner_id in alerted[:2]:
        answer = api.runner(runner_id).post(
            f"/v1/runner/alerts/{second_mission['id']}/accept",
            json={"lat": PATIENT[0], "lon": PATIENT[1]},
        )
        tasks.append(answer.json()["task"]["aed_id"])
    assert tasks == ["aed-a", "aed-b"]


def test_alert_more_widens_the_radius_and_continues_the_ranks(api: Api, problem: Problem) -> None:
    ids = place_runners(api, [300.0, 600.0, 6_000.0, 7_000.0, 9_500.0], "more")
    mission = raise_mission(api)
    assert [r["runner_id"] for r in mission["responders"]] == ids[:2]
    more = api.dispatcher.post(
        f"/v1/missions/{mission['id']}/alert-more", json={"count": 2, "radius_m": 8_000}
    )
    assert more.status_code == 201, more.text
    body = more.json()
    assert body["radius_m"] == 8_000
    assert [(r["runner_id"], r["rank"]) for r in body["responders"]] == [
        (ids[0], 1),
        (ids[1], 2),
        (ids[2], 3),
        (ids[3], 4),
    ]
    problem(
        api.dispatcher.post(
            f"/v1/missions/{mission['id']}/alert-more", json={"count": 1, "radius_m": 4_000}
        ),
        422,
        "validation",
    )
    problem(
        api.dispatcher.post(
            f"/v1/missions/{mission['id']}/alert-more", json={"count": 21, "radius_m": 9_000}
        ),
        422,
        "validation",
    )
    events = api.supervisor.get(f"/v1/missions/{mission['id']}/events").json()
    expanded = [e for e in events if e["type"] == "mission.expanded"]
    assert expanded[0]["data"] == {"radius_m": 8_000, "requested": 2, "by": "demo-dispatcher"}
    assert_folds(api, mission["id"])


def test_messages_reach_accepted_responders_only(api: Api, problem: Problem) -> None:
    ids = place_runners(api, [200.0, 400.0], "msg")
    mission = raise_mission(api)
    mission_id = mission["id"]
    to_all = api.dispatcher.post(
        f"/v1/missions/{mission_id}/messages", json={"text": "Hoveddøren er åben"}
    )
    assert to_all.status_code == 201, to_all.text
    assert to_all.json()["runner_id"] is None
    to_one = api.dispatcher.post(
        f"/v1/missions/{mission_id}/messages", json={"text": "Kun til dig", "runner_id": ids[1]}
    )
    assert to_one.status_code == 201
    problem(
        api.dispatcher.post(
            f"/v1/missions/{mission_id}/messages", json={"text": "x", "runner_id": "nobody"}
        ),
        422,
        "unknown-responder",
    )
    problem(
        api.dispatcher.post(f"/v1/missions/{mission_id}/messages", json={"text": "x" * 281}),
        422,
        "validation",
    )
    problem(api.runner(ids[0]).get(f"/v1/runner/alerts/{mission_id}/messages"), 403, "not-accepted")
    api.runner(ids[0]).post(
        f"/v1/runner/alerts/{mission_id}/accept", json={"lat": PATIENT[0], "lon": PATIENT[1]}
    )
    texts = [
        m["text"] for m in api.runner(ids[0]).get(f"/v1/runner/alerts/{mission_id}/messages").json()
    ]
    assert texts == ["Hoveddøren er åben"]
    assert_folds(api, mission_id)


def test_position_updates_move_responders_and_feed_alerting(api: Api) -> None:
    ids = place_runners(api, [4_000.0], "pos")
    mission = raise_mission(api)
    runner = api.runner(ids[0])
    lat, lon = north(1_000.0)
    assert (
        runner.put("/v1/runner/position", json={"lat": lat, "lon": lon, "mode": "bike"}).status_code
        == 204
    )
    events = api.supervisor.get(f"/v1/missions/{mission['id']}/events").json()
    assert events[-1]["type"] == "runner.position"
    assert events[-1]["data"] == {"runner_id": ids[0], "lat": lat, "lon": lon}
    folded = assert_folds(api, mission["id"])
    assert folded["responders"][0]["position"]["lat"] == lat
    # The console's runner lookup sees the new position and mode.
    near = api.supervisor.get(
        "/v1/runners", params={"lat": PATIENT[0], "lon": PATIENT[1], "radius_m": 1_500}
    ).json()
    assert [(r["id"], r["mode"]) for r in near] == [(ids[0], "bike")]
    assert abs(haversine_m(PATIENT[0], PATIENT[1], near[0]["lat"], near[0]["lon"]) - 1_000) < 1
    # A runner on no mission moves without events.
    api.dispatcher.post(f"/v1/missions/{mission['id']}/close", json={"outcome": "ems_on_scene"})
    before = api.supervisor.get(
        "/v1/events", params={"after": 0, "limit": 1000}, headers={"Accept": "application/json"}
    ).json()["next_after"]
    assert (
        runner.put("/v1/runner/position", json={"lat": lat, "lon": lon, "mode": "foot"}).status_code
        == 204
    )
    after = api.supervisor.get(
        "/v1/events", params={"after": before}, headers={"Accept": "application/json"}
    ).json()
    assert after["items"] == []


def test_mission_outside_the_service_area_is_refused(api: Api, problem: Problem) -> None:
    answer = api.dispatcher.post(
        "/v1/missions", json={"location": {"lat": 52.52, "lon": 13.40}, "address": "Berlin"}
    )
    problem(answer, 422, "outside-service-area")
