"""The discrete-event engine on its own, against a port that records what it is asked.

No database: the port here answers as the rules would in the simple cases the tests set up
(every acceptance taken, the AED free unless a test says otherwise), so each test is about one
decision of the engine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from console.domain.geometry import destination_point
from console.domain.model import LatLon, Mode, Task
from console.server.autopilot_engine import (
    Accepted,
    Action,
    Agenda,
    Engine,
    VirtualClock,
    run_until_idle,
)
from console.server.autopilot_model import (
    CANCEL_REASON,
    EMS_ON_SCENE,
    Answer,
    Behaviour,
    draw_mission_plan,
    draw_responder_plan,
    rng_for,
)

START = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
PATIENT = LatLon(55.6761, 12.5683)
AED = LatLon(*destination_point(PATIENT.lat, PATIENT.lon, 90.0, 200.0))
#: Everyone accepts at once, never moved, never gives up; no cancellations.
EAGER = Behaviour(
    accept_p=1.0,
    decline_p=0.0,
    moved_p=0.0,
    abandon_p=0.0,
    cancel_p=0.0,
    ems_median_s=3_600.0,
    ems_sigma=0.0,
    position_interval_s=20.0,
)


@dataclass
class RecordingPort:
    aed_free: bool = True
    refuse_accept: bool = False
    task: Task = field(default_factory=lambda: Task.fetch_aed("aed-1"))
    calls: list[tuple[object, ...]] = field(default_factory=list)

    async def accept(self, mission_id: str, runner_id: str, at: LatLon) -> Accepted | None:
        self.calls.append(("accept", mission_id, runner_id))
        if self.refuse_accept:
            return None
        return Accepted(self.task, AED if self.task.aed_id else None)

    async def decline(self, mission_id: str, runner_id: str) -> bool:
        self.calls.append(("decline", mission_id, runner_id))
        return True

    async def report(self, mission_id: str, runner_id: str, status: str, at: LatLon) -> bool:
        self.calls.append((status, mission_id, runner_id))
        return True

    async def move(self, runner_id: str, at: LatLon, mode: Mode) -> None:
        self.calls.append(("move", runner_id, at))

    async def end(self, mission_id: str, *, cancel: bool, text: str) -> bool:
        self.calls.append(("cancel" if cancel else "close", mission_id, text))
        return True

    async def aed_available(self, aed_id: str) -> bool:
        return self.aed_free

    def aed_location(self, aed_id: str) -> LatLon | None:
        return AED

    def kinds(self) -> list[object]:
        return [c[0] for c in self.calls]


def _engine(
    port: RecordingPort, behaviour: Behaviour = EAGER, seed: int = 1
) -> tuple[Engine, Agenda, VirtualClock]:
    clock = VirtualClock(START)
    agenda = Agenda()
    engine = Engine(
        port, agenda, seed=seed, now=clock.now, wall=clock.datetime, behaviour=behaviour
    )
    return engine, agenda, clock


def _near(distance_m: float) -> LatLon:
    return LatLon(*destination_point(PATIENT.lat, PATIENT.lon, 200.0, distance_m))


async def test_agenda_runs_by_time_and_keeps_the_order_of_equal_times() -> None:
    agenda = Agenda()
    ran: list[str] = []

    def note(name: str) -> Action:
        async def action() -> None:
            ran.append(name)

        return action

    agenda.schedule(5.0, note("late"))
    agenda.schedule(1.0, note("first"))
    agenda.schedule(1.0, note("second"))
    agenda.schedule(3.0, note("middle"))
    clock = VirtualClock(START)
    assert agenda.next_time() == 1.0
    assert await run_until_idle(agenda, clock, until=3.0) == 3
    assert ran == ["first", "second", "middle"]
    assert clock.now() == 3.0
    assert await run_until_idle(agenda, clock) == 1
    assert (ran[-1], clock.now(), len(agenda)) == ("late", 5.0, 0)


def test_virtual_clock_never_goes_back_and_keeps_milliseconds() -> None:
    clock = VirtualClock(START + timedelta(microseconds=1234))
    clock.advance_to(10.0004567)
    clock.advance_to(2.0)
    assert clock.now() == 10.0004567
    assert clock.datetime() == START + timedelta(seconds=10, microseconds=1000)
    with pytest.raises(ValueError, match="timezone-aware"):
        VirtualClock(datetime(2025, 1, 1))


async def test_a_responder_accepts_fetches_the_aed_arrives_and_goes_home() -> None:
    port = RecordingPort()
    engine, agenda, clock = _engine(port)
    home = _near(900.0)
    engine.mission_raised("m-1", PATIENT)
    engine.runner_alerted("m-1", "r1", home, Mode.FOOT)
    await run_until_idle(agenda, clock)
    kinds = port.kinds()
    assert kinds[0] == "accept"
    assert kinds.index("aed_collected") < kinds.index("arrived") < kinds.index("close")
    assert "move" in kinds[1 : kinds.index("aed_collected")]
    assert port.calls[-1] == ("move", "r1", home)  # back home after the mission
    assert ("close", "m-1", EMS_ON_SCENE) in port.calls


async def test_hearing_an_alert_twice_changes_nothing() -> None:
    once, twice = RecordingPort(), RecordingPort()
    for port, times in ((once, 1), (twice, 2)):
        engine, agenda, clock = _engine(port)
        for _ in range(times):
            engine.mission_raised("m-1", PATIENT)
            engine.runner_alerted("m-1", "r1", _near(600.0), Mode.BIKE)
        await run_until_idle(agenda, clock)
    assert once.calls == twice.calls


async def test_a_taken_aed_is_passed_by_and_the_responder_goes_on() -> None:
    port = RecordingPort(aed_free=False)
    engine, agenda, clock = _engine(port)
    engine.mission_raised("m-1", PATIENT)
    engine.runner_alerted("m-1", "r1", _near(700.0), Mode.FOOT)
    await run_until_idle(agenda, clock)
    assert "aed_collected" not in port.kinds()
    assert "arrived" in port.kinds()


async def test_a_refused_acceptance_ends_the_responders_part() -> None:
    port = RecordingPort(refuse_accept=True)
    engine, agenda, clock = _engine(port)
    engine.mission_raised("m-1", PATIENT)
    engine.runner_alerted("m-1", "r1", _near(700.0), Mode.FOOT)
    await run_until_idle(agenda, clock)
    assert port.kinds() == ["accept", "close"]


async def test_an_ended_mission_stops_everyone_still_out() -> None:
    port = RecordingPort()
    engine, agenda, clock = _engine(port)
    engine.mission_raised("m-1", PATIENT)
    engine.runner_alerted("m-1", "r1", _near(3_000.0), Mode.FOOT)
    await run_until_idle(agenda, clock, until=200.0)  # accepted, on the way
    assert port.kinds()[0] == "accept"
    engine.mission_ended("m-1")  # the dispatcher closed it
    before = len(port.calls)
    await run_until_idle(agenda, clock)
    after = port.calls[before:]
    # Nothing more for the mission: no reports, no close; only the trip home.
    assert [c[0] for c in after] == ["move"]
    assert after[0] == ("move", "r1", _near(3_000.0))


async def test_a_runner_out_on_another_mission_goes_home_only_after_it() -> None:
    port = RecordingPort(task=Task.go_to_patient())
    quick = replace(EAGER, home_after_s=(60.0, 60.0))
    engine, agenda, clock = _engine(port, quick)
    home = _near(400.0)
    engine.mission_raised("m-1", PATIENT)
    engine.runner_alerted("m-1", "r1", home, Mode.CAR)
    await run_until_idle(agenda, clock, until=300.0)  # arrived, mission m-1 still open
    assert "arrived" in port.kinds()
    engine.mission_raised("m-2", _near(1_000.0))
    engine.runner_alerted("m-2", "r1", PATIENT, Mode.CAR)  # alerted from where they are now
    await run_until_idle(agenda, clock)
    homes = [c for c in port.calls if c == ("move", "r1", home)]
    assert len(homes) == 1
    assert port.calls.index(homes[0]) > port.calls.index(("arrived", "m-2", "r1"))


async def test_the_plan_decides_who_answers_and_when_the_mission_ends() -> None:
    behaviour = Behaviour(position_interval_s=60.0)
    port = RecordingPort()
    engine, agenda, clock = _engine(port, behaviour, seed=11)
    rng = random.Random(4)
    engine.mission_raised("m-9", PATIENT)
    for i in range(20):
        engine.runner_alerted("m-9", f"r{i}", _near(rng.uniform(100, 4_000)), Mode.FOOT)
    await run_until_idle(agenda, clock)
    plan = draw_mission_plan(behaviour, rng_for(11, "mission", "m-9"))
    ends = [c for c in port.calls if c[0] in ("close", "cancel")]
    expected = (
        ("cancel", "m-9", CANCEL_REASON) if plan.cancel_after_s else ("close", "m-9", EMS_ON_SCENE)
    )
    assert ends == [expected]
    for i in range(20):
        runner = f"r{i}"
        mine = draw_responder_plan(behaviour, rng_for(11, "m-9", runner), START)
        answered = [c[0] for c in port.calls if c[0] in ("accept", "decline") and c[2] == runner]
        in_time = mine.answer_after_s < plan.ends_after_s
        if mine.answer is Answer.NONE or not in_time:
            assert answered == []
        else:
            assert answered == [mine.answer.value]
