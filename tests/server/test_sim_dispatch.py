"""The calibration's in-memory dispatch agrees with the server's :class:`Dispatch`.

The calibration is only worth its figures if playing missions in memory gives what the server
would have stored. The main test plays one schedule of overlapping and later missions twice,
with the same seed and virtual clock: once through the real services on SQLite (the autopilot
reading the event log), once through :class:`SimulatedDispatch`, and compares every mission.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from autopilot_harness import PATIENT, START, in_process, small_world

from console.domain.geometry import destination_point
from console.domain.model import LatLon, Mode, ResponderState, TaskKind
from console.server.autopilot_engine import Action, Agenda, Engine, VirtualClock, run_until_idle
from console.server.autopilot_model import Behaviour
from console.server.sim_dispatch import SimulatedDispatch

SEED = 5
BEHAVIOUR = Behaviour(position_interval_s=60.0)
#: Two missions that overlap near each other, then one four hours later (AEDs restored).
SCHEDULE = [
    (0.0, PATIENT),
    (90.0, LatLon(*destination_point(PATIENT.lat, PATIENT.lon, 60.0, 400.0))),
    (4 * 3600.0, LatLon(*destination_point(PATIENT.lat, PATIENT.lon, 250.0, 300.0))),
]


async def test_in_memory_missions_equal_the_servers(tmp_path: Path) -> None:
    runners, aeds = small_world(runners=20, aeds=2)
    # Through the server's services.
    ids: list[str] = []
    async with in_process(
        tmp_path, seed=SEED, runners=runners, aeds=aeds, behaviour=BEHAVIOUR
    ) as sim:
        for at, location in SCHEDULE:
            await sim.autopilot.run_until_idle(until=at)
            sim.clock.advance_to(at)
            await sim.services.maintenance.run_once()  # the owner's AED check, as on the server
            ids.append(await sim.raise_mission(location))
        await sim.autopilot.run_until_idle()
        served = await sim.missions()
        kinds = Counter(e.type for e in await sim.all_events())

    # In memory, with the same ids at the same simulated times.
    clock = VirtualClock(START)
    port = SimulatedDispatch(runners, aeds, clock.datetime)
    agenda = Agenda()
    engine = Engine(
        port,
        agenda,
        seed=SEED,
        now=clock.now,
        wall=clock.datetime,
        behaviour=BEHAVIOUR,
    )

    def raiser(mission_id: str, location: LatLon) -> Action:
        async def raise_it() -> None:
            mission = port.raise_mission(
                mission_id, location, by="demo-dispatcher", address="Rådhuspladsen 1"
            )
            engine.mission_raised(mission_id, location)
            for r in mission.responders:
                at = LatLon(r.position.lat, r.position.lon)
                engine.runner_alerted(mission_id, r.runner_id, at, port.runners[r.runner_id].mode)

        return raise_it

    for (at, location), mission_id in zip(SCHEDULE, ids, strict=True):
        agenda.schedule(at, raiser(mission_id, location))
    await run_until_idle(agenda, clock)

    assert list(port.missions) == ids
    for mission_id in ids:
        assert port.missions[mission_id] == served[mission_id], mission_id
    # The schedule exercised the cross-mission rules and the AED path.
    assert kinds["runner.arrived"] > 0
    assert kinds["runner.aed_collected"] > 0
    assert kinds["aed.status"] > kinds["runner.aed_collected"]  # taken, and restored later
    first, second = served[ids[0]], served[ids[1]]
    busy = {
        r.runner_id
        for r in first.responders
        if r.accepted_at is not None and r.accepted_at < second.created_at
    }
    assert busy
    assert not busy & {r.runner_id for r in second.responders}  # engaged: not alerted again


def _port(clock: VirtualClock) -> SimulatedDispatch:
    runners, aeds = small_world(runners=6, aeds=1)
    return SimulatedDispatch(runners, aeds, clock.datetime)


async def test_a_refused_report_leaves_no_trace() -> None:
    clock = VirtualClock(START)
    port = _port(clock)
    mission = port.raise_mission("m-1", PATIENT, by="t")
    runner = mission.responders[0]
    spot = LatLon(runner.position.lat, runner.position.lon)
    accepted = await port.accept("m-1", runner.runner_id, spot)
    assert accepted is not None
    assert accepted.task.kind is TaskKind.FETCH_AED
    before = port.missions["m-1"]
    # Not an AED fetcher's report from someone who never accepted: refused, nothing changes.
    other = mission.responders[1].runner_id
    assert not await port.report("m-1", other, "arrived", PATIENT)
    assert not await port.decline("m-1", runner.runner_id)  # accepted already
    assert port.missions["m-1"] == before
    assert await port.accept("m-1", runner.runner_id, spot) is None  # not twice


async def test_a_collected_aed_is_taken_until_its_owner_restores_it() -> None:
    clock = VirtualClock(START)
    port = _port(clock)
    mission = port.raise_mission("m-1", PATIENT, by="t")
    runner = mission.responders[0]
    accepted = await port.accept(
        "m-1", runner.runner_id, LatLon(runner.position.lat, runner.position.lon)
    )
    assert accepted is not None
    assert accepted.task.aed_id is not None
    aed_id = accepted.task.aed_id
    assert await port.report("m-1", runner.runner_id, "aed_collected", PATIENT)
    assert not await port.aed_available(aed_id)
    clock.advance_to(timedelta(minutes=29).total_seconds())
    assert not await port.aed_available(aed_id)
    clock.advance_to(timedelta(minutes=30).total_seconds())
    assert await port.aed_available(aed_id)


async def test_a_confirmed_position_outside_the_radius_is_rejected_and_moves_the_runner() -> None:
    clock = VirtualClock(START)
    port = _port(clock)
    mission = port.raise_mission("m-1", PATIENT, by="t")
    runner_id = mission.responders[0].runner_id
    far = LatLon(*destination_point(PATIENT.lat, PATIENT.lon, 0.0, 6_000.0))
    assert await port.accept("m-1", runner_id, far) is None
    responder = port.missions["m-1"].responder(runner_id)
    assert responder is not None
    assert responder.state is ResponderState.REJECTED_TOO_FAR
    assert responder.distance_m == pytest.approx(6_000.0, abs=1.0)
    assert (port.runners[runner_id].lat, port.runners[runner_id].lon) == (far.lat, far.lon)
    assert port.runners[runner_id].mode in tuple(Mode)


async def test_ending_releases_everyone_still_out_and_cannot_happen_twice() -> None:
    clock = VirtualClock(START)
    port = _port(clock)
    mission = port.raise_mission("m-1", PATIENT, by="t")
    assert await port.end("m-1", cancel=True, text="test")
    ended = port.missions["m-1"]
    assert {r.state for r in ended.responders} == {ResponderState.RELEASED}
    assert len(ended.responders) == len(mission.responders)
    assert not await port.end("m-1", cancel=False, text="again")
    with pytest.raises(ValueError, match="exists already"):
        port.raise_mission("m-1", PATIENT, by="t")
