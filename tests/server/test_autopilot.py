"""The autopilot drives virtual responders through the real dispatch services.

Most tests run the server's services in-process on SQLite with a virtual clock
(:mod:`autopilot_harness`), so a mission plays in a fraction of a second. Every plan is drawn
from :func:`rng_for` keyed by the seed and ids, so the tests recompute what each responder and
each mission was meant to do and check that the event log says exactly that. One test runs
``amk-dispatchd serve --simulate --autopilot`` as a real process.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from autopilot_harness import PATIENT, Sim, in_process, small_world
from dispatchd_harness import make_api, start_server
from test_event_log import all_events

from console.domain.constants import AED_PICKUP_S
from console.domain.eta import travel_seconds
from console.domain.fold import fold
from console.domain.geometry import haversine_m
from console.domain.model import (
    Event,
    EventType,
    LatLon,
    Mission,
    MissionState,
    Mode,
    Responder,
    ResponderState,
    TaskKind,
)
from console.server.autopilot import AUTOPILOT_ACTOR, Autopilot, AutopilotError, RealTimeClock
from console.server.autopilot_model import (
    CANCEL_REASON,
    DEFAULT_BEHAVIOUR,
    EMS_ON_SCENE,
    Answer,
    Behaviour,
    ResponderPlan,
    draw_mission_plan,
    draw_responder_plan,
    rng_for,
)

SEED = 7
#: Position reports once a simulated minute: fewer transactions where positions are not the point.
COARSE = Behaviour(position_interval_s=60.0)
EVERY_30_S = Behaviour(position_interval_s=30.0)
#: Instants are stored to the millisecond; the engine schedules in exact seconds.
MS = 0.0015


def _s(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


def _plan(seed: int, mission_id: str, responder: Responder) -> ResponderPlan:
    rng = rng_for(seed, mission_id, responder.runner_id)
    return draw_responder_plan(DEFAULT_BEHAVIOUR, rng, responder.alerted_at)


def _off_segment_m(point: LatLon, a: LatLon, b: LatLon) -> float:
    """Distance from ``point`` to the straight segment a–b, in local flat metres."""
    scale = math.cos(math.radians(a.lat))
    bx, by = (b.lon - a.lon) * scale, b.lat - a.lat
    px, py = (point.lon - a.lon) * scale, point.lat - a.lat
    length2 = bx * bx + by * by
    f = 0.0 if length2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / length2))
    return math.hypot(px - f * bx, py - f * by) * 111_195.0


def _mode(sim: Sim, runner_id: str) -> Mode:
    runner = sim.services.dispatch.runners.get(runner_id)
    assert runner is not None
    return runner.mode


def _accepted_at_position(events: list[Event], runner_id: str) -> LatLon:
    return next(
        LatLon(e.data["lat"], e.data["lon"])
        for e in events
        if e.type is EventType.RUNNER_ACCEPTED and e.data["runner_id"] == runner_id
    )


async def _play(sim: Sim, count: int) -> list[str]:
    """Raise ``count`` missions one after another, each played to its end."""
    ids = []
    for _ in range(count):
        ids.append(await sim.raise_mission())
        await sim.autopilot.run_until_idle()
    return ids


def _check_answer(mission: Mission, responder: Responder, plan: ResponderPlan) -> None:
    """The responder's state is what its plan says, given when the mission ended."""
    assert mission.ended_at is not None
    answers_in_time = _s(mission.ended_at, responder.alerted_at) > plan.answer_after_s
    state = responder.state
    if plan.answer is Answer.NONE or not answers_in_time:
        assert state is ResponderState.RELEASED, (responder, plan)
    elif plan.answer is Answer.DECLINE:
        assert state is ResponderState.DECLINED, (responder, plan)
    elif state is ResponderState.REJECTED_TOO_FAR:
        assert plan.moved is not None
        assert responder.distance_m > mission.radius_m
    else:
        assert responder.accepted_at is not None, (responder, plan)
        assert _s(responder.accepted_at, responder.alerted_at) == pytest.approx(
            plan.answer_after_s, abs=MS
        )


async def test_missions_are_answered_travelled_and_closed_as_planned(tmp_path: Path) -> None:
    runners, aeds = small_world()
    homes = {r.id: (r.lat, r.lon) for r in runners}
    aed_at = {a.id: LatLon(a.lat, a.lon) for a in aeds}
    async with in_process(tmp_path, seed=SEED, behaviour=EVERY_30_S) as sim:
        ids = await _play(sim, 2)
        stored = await sim.missions()
        seen: Counter[str] = Counter()
        arrivals_checked = 0
        for mission_id in ids:
            events = await sim.events(mission_id)
            seen.update(e.type.value for e in events)
            mission = stored[mission_id]
            assert fold(events) == mission  # the stored mission is its events, folded
            for responder in mission.responders:
                plan = _plan(SEED, mission_id, responder)
                _check_answer(mission, responder, plan)
                if responder.accepted_at is None or responder.task is None:
                    continue
                # Moving along straight lines from where they accepted, via the AED if sent to one.
                start = _accepted_at_position(events, responder.runner_id)
                aed = aed_at[responder.task.aed_id or ""] if responder.task.aed_id else None
                route = [start, *([aed] if aed else []), PATIENT]
                for e in events:
                    if e.type is EventType.RUNNER_POSITION and (
                        e.data["runner_id"] == responder.runner_id
                    ):
                        point = LatLon(e.data["lat"], e.data["lon"])
                        off = min(_off_segment_m(point, a, b) for a, b in itertools.pairwise(route))
                        assert off < 1.0
                # ... at the mode's ETA-model speed times the responder's pace.
                if responder.arrived_at is not None:
                    mode = _mode(sim, responder.runner_id)
                    legs = sum(
                        travel_seconds(haversine_m(a.lat, a.lon, b.lat, b.lon), mode)
                        for a, b in itertools.pairwise(route)
                    )
                    expected = plan.turnout_s + legs / plan.pace + (AED_PICKUP_S if aed else 0)
                    assert _s(responder.arrived_at, responder.alerted_at) == pytest.approx(
                        expected, abs=MS
                    )
                    arrivals_checked += 1
        for kind in (
            "runner.accepted",
            "runner.declined",
            "runner.position",
            "runner.aed_collected",
            "runner.arrived",
            "runner.abandoned",
            "runner.released",
        ):
            assert seen[kind] > 0, (kind, seen)
        assert arrivals_checked == seen["runner.arrived"]
        # An AED collected is taken, through the same path as a real runner's report.
        everything = await sim.all_events()
        taken = [e for e in everything if e.type == EventType.AED_STATUS.value]
        assert len(taken) == seen["runner.aed_collected"]
        assert all('"status":"taken"' in e.data_json for e in taken)
        # Afterwards everyone who set out is back where they were alerted (their app reported
        # it); a runner refused as too far really was elsewhere and stays there.
        elsewhere = {
            r.runner_id
            for m in stored.values()
            for r in m.responders
            if r.state is ResponderState.REJECTED_TOO_FAR
        }
        for runner_id, home in homes.items():
            runner = sim.services.dispatch.runners.get(runner_id)
            assert runner is not None
            assert ((runner.lat, runner.lon) == home) is (runner_id not in elsewhere)
        assert sim.autopilot.pending == 0


async def test_the_ambulance_closes_and_the_centre_cancels_when_planned(tmp_path: Path) -> None:
    runners, aeds = small_world(runners=8, aeds=2)
    async with in_process(tmp_path, seed=SEED, runners=runners, aeds=aeds, behaviour=COARSE) as sim:
        ids = await _play(sim, 14)
        stored = await sim.missions()
    planned_cancel = set()
    for mission_id in ids:
        mission = stored[mission_id]
        plan = draw_mission_plan(COARSE, rng_for(SEED, "mission", mission_id))
        assert mission.ended_at is not None
        if plan.cancel_after_s is None:
            assert (mission.state, mission.end_reason) == (MissionState.CLOSED, EMS_ON_SCENE)
            assert _s(mission.ended_at, mission.created_at) == pytest.approx(
                plan.ems_after_s, abs=MS
            )
        else:
            planned_cancel.add(mission_id)
            assert (mission.state, mission.end_reason) == (MissionState.CANCELLED, CANCEL_REASON)
            assert _s(mission.ended_at, mission.created_at) == pytest.approx(
                plan.cancel_after_s, abs=MS
            )
            assert plan.cancel_after_s < plan.ems_after_s
        # Nobody is left out on an ended mission.
        assert not [r for r in mission.responders if r.state.is_out]
    assert planned_cancel, "the seed should cancel at least one of 14 missions"
    assert len(planned_cancel) < len(ids)


async def _story(folder: Path, seed: int) -> list[tuple[int, str, str | None, str, str]]:
    async with in_process(folder, seed=seed, behaviour=COARSE) as sim:
        await _play(sim, 2)
        return [
            (e.seq, e.type, e.mission_id, e.at.isoformat(), e.data_json)
            for e in await sim.all_events()
        ]


async def test_the_same_seed_tells_the_same_story(tmp_path: Path) -> None:
    first = await _story(tmp_path / "a", SEED)
    again = await _story(tmp_path / "b", SEED)
    other = await _story(tmp_path / "c", SEED + 1)
    assert len(first) > 60
    assert first == again
    assert first != other


async def test_open_missions_are_adopted_when_switched_on(tmp_path: Path) -> None:
    async with in_process(tmp_path, seed=SEED, behaviour=COARSE, autopilot_on=False) as sim:
        mission_id = await sim.raise_mission()
        dispatch = sim.services.dispatch
        # A real runner accepts and another declines before the autopilot is switched on.
        mission = (await sim.missions())[mission_id]
        first, second = mission.responders[0], mission.responders[1]
        pos = first.position
        await dispatch.run(None, dispatch.accept(first.runner_id, mission_id, pos.lat, pos.lon))
        await dispatch.run(None, dispatch.decline(second.runner_id, mission_id))
        sim.clock.advance_to(45.0)
        await sim.services.set_autopilot(True, 1.0)
        assert sim.autopilot.enabled
        await sim.autopilot.run_until_idle()
        events = await sim.events(mission_id)
        ended = (await sim.missions())[mission_id]
    assert not ended.is_open
    moves = [
        e
        for e in events
        if e.type is EventType.RUNNER_POSITION and e.data["runner_id"] == first.runner_id
    ]
    assert moves, "the runner who accepted before the autopilot started was moved by it"
    declined = ended.responder(second.runner_id)
    assert declined is not None
    assert declined.state is ResponderState.DECLINED
    answered = [r for r in ended.responders if r.state is not ResponderState.RELEASED]
    assert len(answered) > 2  # the others were answered by the autopilot


async def test_an_aed_is_collected_once_and_the_others_go_on_to_the_patient(
    tmp_path: Path,
) -> None:
    runners, aeds = small_world(runners=24, aeds=1)
    async with in_process(tmp_path, seed=3, runners=runners, aeds=aeds, behaviour=COARSE) as sim:
        ids = await _play(sim, 3)
        stored = await sim.missions()
        events = {mid: await sim.events(mid) for mid in ids}
    sent = collected = 0
    for mission_id in ids:
        fetchers = [
            r
            for r in stored[mission_id].responders
            if r.task is not None and r.task.kind is TaskKind.FETCH_AED
        ]
        sent += len(fetchers)
        got = [e for e in events[mission_id] if e.type is EventType.RUNNER_AED_COLLECTED]
        assert len(got) <= 1  # taken by the first one there: the rest went straight on
        collected += len(got)
    assert sent > collected >= 1


async def test_speed_is_checked_and_virtual_time_only_plays_when_on(tmp_path: Path) -> None:
    async with in_process(tmp_path, behaviour=COARSE, autopilot_on=False) as sim:
        with pytest.raises(AutopilotError, match="the autopilot is off"):
            await sim.autopilot.run_until_idle()
        for bad in (0.0, -1.0, 10_001.0, math.inf, math.nan):
            with pytest.raises(AutopilotError, match="speed"):
                await sim.autopilot.configure(True, bad)
        assert not sim.autopilot.enabled
        await sim.autopilot.configure(True, 60.0)
        assert (sim.autopilot.enabled, sim.autopilot.speed) == (True, 60.0)
        await sim.autopilot.configure(False, 60.0)
        assert not sim.autopilot.enabled


async def test_real_time_clock_runs_at_speed_and_never_jumps() -> None:
    clock = RealTimeClock(100.0)
    t0, w0 = clock.now(), time.monotonic()
    await asyncio.sleep(0.05)
    t1, w1 = clock.now(), time.monotonic()
    assert t1 - t0 == pytest.approx((w1 - w0) * 100.0, rel=0.2)
    clock.set_speed(1.0)
    t2 = clock.now()
    assert t1 <= t2 < t1 + 1.0  # no jump when the speed changes
    await asyncio.sleep(0.05)
    assert clock.now() - t2 < 1.0


@pytest.mark.slow
def test_real_server_with_autopilot_plays_missions_to_their_end(tmp_path: Path) -> None:
    server = start_server(
        f"sqlite:///{tmp_path / 'dispatch.sqlite3'}",
        tmp_path / "server.log",
        "--simulate",
        "--world",
        "empty",
        "--seed",
        "5",
        "--autopilot",
        "2000",
    )
    api = make_api(server.base_url)
    try:
        runners, aeds = small_world()
        api.add_runners(
            [{"id": r.id, "lat": r.lat, "lon": r.lon, "mode": r.mode.value} for r in runners]
        )
        api.add_aeds(
            [
                {"id": a.id, "lat": a.lat, "lon": a.lon, "address": a.address, "access": "24/7"}
                for a in aeds
            ]
        )
        body = {
            "location": PATIENT.to_json(),
            "address": "Rådhuspladsen 1",
            "patient": {"age_group": "adult"},
            "note": "",
        }
        ids = []
        for _ in range(2):
            answer = api.dispatcher.post("/v1/missions", json=body)
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        deadline = time.monotonic() + 60
        missions: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            missions = [api.supervisor.get(f"/v1/missions/{mid}").json() for mid in ids]
            if all(m["state"] != "alerting" for m in missions):
                break
            time.sleep(0.2)
        assert all(m["state"] in ("closed", "cancelled") for m in missions), server.log_tail()
        for mission_id in ids:
            events = api.supervisor.get(f"/v1/missions/{mission_id}/events").json()
            folded = fold(Event.from_json(e) for e in events)
            current = api.supervisor.get(f"/v1/missions/{mission_id}").json()
            assert folded.to_json() == current
            kinds = Counter(e["type"] for e in events)
            assert kinds["runner.accepted"] + kinds["runner.declined"] > 0
            assert events[-1]["type"] in ("runner.released", "mission.closed", "mission.cancelled")
            ends = [e for e in events if e["type"] in ("mission.closed", "mission.cancelled")]
            assert [e["data"]["by"] for e in ends] == [AUTOPILOT_ACTOR]
        # The sim endpoint retunes and stops it; a speed outside the contract is refused.
        answer = api.sim.put("/v1/sim/autopilot", json={"enabled": True, "speed": 60})
        assert answer.status_code == 200
        assert answer.json() == {"enabled": True, "speed": 60.0}
        answer = api.sim.put("/v1/sim/autopilot", json={"enabled": False, "speed": 60})
        assert answer.status_code == 200
        assert answer.json()["enabled"] is False
        assert (
            api.sim.put("/v1/sim/autopilot", json={"enabled": True, "speed": 0}).status_code == 422
        )
        assert (
            api.dispatcher.put("/v1/sim/autopilot", json={"enabled": True, "speed": 1}).status_code
            == 403
        )
    finally:
        api.close()
        server.stop()


@pytest.mark.slow
def test_sigkill_while_the_autopilot_runs_loses_nothing_and_it_carries_on(
    db_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    args = ("--simulate", "--world", "empty", "--seed", "11", "--autopilot")
    first = start_server(db_url, log, *args, "300")
    api = make_api(first.base_url)
    runners, aeds = small_world()
    api.add_runners(
        [{"id": r.id, "lat": r.lat, "lon": r.lon, "mode": r.mode.value} for r in runners]
    )
    api.add_aeds(
        [
            {"id": a.id, "lat": a.lat, "lon": a.lon, "address": a.address, "access": "24/7"}
            for a in aeds
        ]
    )
    body = {"location": PATIENT.to_json(), "address": "Rådhuspladsen 1"}
    ids = [api.dispatcher.post("/v1/missions", json=body).json()["id"] for _ in range(2)]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # until the autopilot has answered for someone
        mission = api.supervisor.get(f"/v1/missions/{ids[0]}").json()
        if any(r["state"] != "alerted" for r in mission["responders"]):
            break
        time.sleep(0.05)
    # Still open when killed (the ambulance is minutes of simulated time away).
    assert {api.supervisor.get(f"/v1/missions/{m}").json()["state"] for m in ids} == {"alerting"}
    first.kill()
    api.close()

    second = start_server(db_url, log, *args, "3000")
    api = make_api(second.base_url)
    try:
        deadline = time.monotonic() + 60
        states: list[str] = []
        while time.monotonic() < deadline:
            states = [api.supervisor.get(f"/v1/missions/{m}").json()["state"] for m in ids]
            if "alerting" not in states:
                break
            time.sleep(0.2)
        assert "alerting" not in states, second.log_tail()
        events = all_events(second.base_url, api.supervisor.headers["Authorization"])
        seqs = [int(e["seq"]) for e in events]  # type: ignore[call-overload]
        assert seqs == list(range(1, len(seqs) + 1)), "a seq is missing or repeated"
        for mission_id in ids:
            mine = [Event.from_json(e) for e in events if e["mission_id"] == mission_id]
            stored = api.supervisor.get(f"/v1/missions/{mission_id}").json()
            assert fold(mine) == Mission.from_json(stored)
            # ... and the restarted server's autopilot took it over and saw it to its end.
            ends = [
                e for e in mine if e.type in (EventType.MISSION_CLOSED, EventType.MISSION_CANCELLED)
            ]
            assert [e.data["by"] for e in ends] == [AUTOPILOT_ACTOR]
    finally:
        api.close()
        second.stop()


async def test_a_stop_that_arrives_as_the_wait_ends_still_stops_the_loop(tmp_path: Path) -> None:
    """On Python 3.11 ``asyncio.wait_for`` returns the inner result when the cancel lands just
    as that result arrives, and a ``while True`` loop around it then never ends: stop() hung.

    The hub's wait below completes and, in the same step, the loop's task is cancelled (as
    stop() does); the loop must end within a bounded time.
    """
    async with in_process(tmp_path, autopilot_on=False) as sim:
        pilot = Autopilot(sim.services)  # real time: the loop runs as its own task
        hub = sim.services.hub
        cancelled = asyncio.Event()
        original_wait = hub.wait_beyond

        async def wait_then_get_cancelled(seq: int) -> None:
            if not cancelled.is_set():
                loop_task = next(t for t in asyncio.all_tasks() if t.get_name() == "autopilot")
                loop_task.cancel()
                cancelled.set()
                return
            await original_wait(seq)

        hub.wait_beyond = wait_then_get_cancelled  # type: ignore[method-assign]
        await pilot.configure(True, 1.0)
        try:
            async with asyncio.timeout(5):
                await cancelled.wait()
            loop_task = next(t for t in asyncio.all_tasks() if t.get_name() == "autopilot")
            # asyncio.wait, not a timeout around ``await loop_task``: cancelling that await
            # would cancel the loop a second time and hide the swallowed first cancel.
            await asyncio.wait({loop_task}, timeout=3)
            assert loop_task.cancelled(), "the autopilot loop swallowed the cancel and ran on"
        finally:
            async with asyncio.timeout(5):
                await pilot.aclose()
