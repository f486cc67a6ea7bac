"""Virtual responders, the ambulance and the centre as actions on a discrete-event agenda.

One engine drives both the live autopilot (against :class:`console.server.dispatch.Dispatch`,
the methods the HTTP routes call) and the calibration (against an in-memory port that applies
the same domain rules). It only decides *when* a virtual person does *what*; whether they may is
the port's business, so a refused action (the mission ended meanwhile, the confirmed position is
too far) is an answer to live with, not an error.

The agenda is a heap of (simulated time, insertion number, action): actions due at the same
instant run in the order they were scheduled, and one action runs at a time, so a run depends
only on the seed and on the order in which alerts are heard, never on I/O timing.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from console.domain.model import LatLon, Mode, Task, TaskKind
from console.domain.timefmt import truncate_ms
from console.server.autopilot_model import (
    CANCEL_REASON,
    DEFAULT_BEHAVIOUR,
    EMS_ON_SCENE,
    Answer,
    Behaviour,
    MissionPlan,
    ResponderPlan,
    Step,
    StepKind,
    confirmed_position,
    draw_mission_plan,
    draw_responder_plan,
    plan_trip,
    rng_for,
)

Action = Callable[[], Awaitable[None]]


class Agenda:
    """Actions by simulated time; equal times keep the order they were scheduled in."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Action]] = []
        self._counter = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, at: float, action: Action) -> None:
        heapq.heappush(self._heap, (at, next(self._counter), action))

    def next_time(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop(self) -> tuple[float, Action]:
        at, _, action = heapq.heappop(self._heap)
        return at, action

    def clear(self) -> None:
        self._heap.clear()


class VirtualClock:
    """Simulated seconds that pass only when told to, and the instant they stand for.

    Instants are whole milliseconds, as the contract and the database carry them, so a mission
    folded in memory equals the one read back from storage.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError(f"start must be timezone-aware, got {start!r}")
        self.start = truncate_ms(start)
        self._t = 0.0

    def now(self) -> float:
        return self._t

    def advance_to(self, t: float) -> None:
        """Move forward to ``t``; an earlier ``t`` (an action that is late) leaves time alone."""
        self._t = max(self._t, t)

    def datetime(self) -> datetime:
        return truncate_ms(self.start + timedelta(seconds=self._t))


async def run_until_idle(
    agenda: Agenda,
    clock: VirtualClock,
    *,
    before_each: Callable[[], Awaitable[None]] | None = None,
    until: float | None = None,
) -> int:
    """Run the agenda in virtual time until it is empty (or past ``until``); actions run."""
    ran = 0
    while True:
        if before_each is not None:
            await before_each()
        due = agenda.next_time()
        if due is None or (until is not None and due > until):
            return ran
        at, action = agenda.pop()
        clock.advance_to(at)
        await action()
        ran += 1


@dataclass(frozen=True, slots=True)
class Accepted:
    """The answer to an acceptance: the task, and where the AED is when the task is to fetch one."""

    task: Task
    aed: LatLon | None


class DispatchPort(Protocol):
    """The runner's and the dispatcher's operations as the engine needs them.

    ``accept`` answers None, and the other calls False, when the rules refuse (too far, the
    mission has ended, the responder was released): the virtual person then simply stops.
    """

    async def accept(self, mission_id: str, runner_id: str, at: LatLon) -> Accepted | None: ...

    async def decline(self, mission_id: str, runner_id: str) -> bool: ...

    async def report(self, mission_id: str, runner_id: str, status: str, at: LatLon) -> bool: ...

    async def move(self, runner_id: str, at: LatLon, mode: Mode) -> None: ...

    async def end(self, mission_id: str, *, cancel: bool, text: str) -> bool: ...

    async def aed_available(self, aed_id: str) -> bool: ...

    def aed_location(self, aed_id: str) -> LatLon | None: ...


@dataclass
class _Responder:
    mission_id: str
    runner_id: str
    mode: Mode
    last_known: LatLon
    at: LatLon
    plan: ResponderPlan
    alerted_at: float
    aed_id: str | None = None
    out: bool = False
    done: bool = False
    steps: deque[Step] = field(default_factory=deque)


@dataclass
class _Mission:
    id: str
    location: LatLon
    plan: MissionPlan
    ended: bool = False
    responders: dict[str, _Responder] = field(default_factory=dict)


class Engine:
    """Schedules what happens after a mission is raised and each runner is alerted.

    Feed it what the event log says (:meth:`mission_raised`, :meth:`runner_alerted`,
    :meth:`mission_ended`, :meth:`runner_released`); each call is idempotent, so hearing an event
    twice (once while adopting the open missions, once from the log) changes nothing.
    """

    def __init__(
        self,
        port: DispatchPort,
        agenda: Agenda,
        *,
        seed: int,
        now: Callable[[], float],
        wall: Callable[[], datetime],
        behaviour: Behaviour = DEFAULT_BEHAVIOUR,
        position_interval: Callable[[], float | None] | None = None,
    ) -> None:
        self._port = port
        self._agenda = agenda
        self._seed = seed
        self._now = now
        self._wall = wall
        self._behaviour = behaviour
        self._interval = position_interval or (lambda: behaviour.position_interval_s)
        self._missions: dict[str, _Mission] = {}
        #: Runner → the mission it is out on now.
        self._engaged: dict[str, str] = {}
        #: Runner → where it was before its first mission, where it goes back to.
        self._homes: dict[str, LatLon] = {}

    # ----------------------------------------------------------------- what the log says

    def mission_raised(self, mission_id: str, location: LatLon) -> None:
        if mission_id in self._missions:
            return
        plan = draw_mission_plan(self._behaviour, rng_for(self._seed, "mission", mission_id))
        mission = _Mission(mission_id, location, plan)
        self._missions[mission_id] = mission
        self._agenda.schedule(self._now() + plan.ends_after_s, lambda: self._end(mission))

    def runner_alerted(self, mission_id: str, runner_id: str, at: LatLon, mode: Mode) -> None:
        responder = self._responder(mission_id, runner_id, at, mode)
        if responder is None or responder.plan.answer is Answer.NONE:
            return
        self._agenda.schedule(
            responder.alerted_at + responder.plan.answer_after_s, lambda: self._answer(responder)
        )

    def runner_on_the_way(
        self,
        mission_id: str,
        runner_id: str,
        at: LatLon,
        mode: Mode,
        task: Task | None,
        *,
        collected: bool,
    ) -> None:
        """Adopt a responder who accepted before this engine started: they set off from ``at``."""
        responder = self._responder(mission_id, runner_id, at, mode)
        if responder is None:
            return
        aed: LatLon | None = None
        if not collected and task is not None and task.kind is TaskKind.FETCH_AED and task.aed_id:
            aed = self._port.aed_location(task.aed_id)
            responder.aed_id = task.aed_id if aed is not None else None
        self._set_out(responder, aed, self._now())

    def mission_ended(self, mission_id: str) -> None:
        mission = self._missions.get(mission_id)
        if mission is None or mission.ended:
            return
        mission.ended = True
        for responder in mission.responders.values():
            self._finish(responder)
            if responder.out:
                self._head_home(responder)

    def runner_released(self, mission_id: str, runner_id: str) -> None:
        mission = self._missions.get(mission_id)
        responder = None if mission is None else mission.responders.get(runner_id)
        if responder is not None and not responder.done:
            self._finish(responder)

    @property
    def open_missions(self) -> int:
        return sum(1 for m in self._missions.values() if not m.ended)

    def forget_ended(self) -> None:
        """Drop ended missions whose responders are all done (a long-running server's memory)."""
        self._missions = {
            k: m
            for k, m in self._missions.items()
            if not m.ended or any(not r.done for r in m.responders.values())
        }

    # ----------------------------------------------------------------- the actions

    def _responder(
        self, mission_id: str, runner_id: str, at: LatLon, mode: Mode
    ) -> _Responder | None:
        mission = self._missions.get(mission_id)
        if mission is None or mission.ended or runner_id in mission.responders:
            return None
        rng = rng_for(self._seed, mission_id, runner_id)
        plan = draw_responder_plan(self._behaviour, rng, self._wall())
        responder = _Responder(mission_id, runner_id, mode, at, at, plan, self._now())
        mission.responders[runner_id] = responder
        return responder

    def _live(self, responder: _Responder) -> bool:
        return not responder.done and not self._missions[responder.mission_id].ended

    async def _end(self, mission: _Mission) -> None:
        if mission.ended:
            return
        cancel = mission.plan.cancel_after_s is not None
        await self._port.end(
            mission.id, cancel=cancel, text=CANCEL_REASON if cancel else EMS_ON_SCENE
        )
        self.mission_ended(mission.id)

    async def _answer(self, responder: _Responder) -> None:
        if not self._live(responder):
            return
        port = self._port
        if responder.plan.answer is Answer.DECLINE:
            await port.decline(responder.mission_id, responder.runner_id)
            responder.done = True
            return
        position = confirmed_position(responder.last_known, responder.plan)
        accepted = await port.accept(responder.mission_id, responder.runner_id, position)
        if accepted is None:
            responder.done = True
            return
        responder.at = position
        task = accepted.task
        responder.aed_id = task.aed_id if task.kind is TaskKind.FETCH_AED else None
        depart = max(responder.alerted_at + responder.plan.turnout_s, self._now())
        self._set_out(responder, accepted.aed if responder.aed_id else None, depart)

    def _set_out(self, responder: _Responder, aed: LatLon | None, depart_at: float) -> None:
        responder.out = True
        self._engaged[responder.runner_id] = responder.mission_id
        self._homes.setdefault(responder.runner_id, responder.last_known)
        plan = responder.plan
        steps = plan_trip(
            responder.at,
            aed,
            self._missions[responder.mission_id].location,
            responder.mode,
            depart_at=depart_at,
            pace=plan.pace,
            interval_s=self._interval(),
            abandon_at=plan.abandon_at,
        )
        responder.steps = deque(steps)
        self._next_step(responder)

    def _next_step(self, responder: _Responder) -> None:
        if responder.steps:
            self._agenda.schedule(responder.steps[0].at, lambda: self._step(responder))

    async def _step(self, responder: _Responder) -> None:
        if not self._live(responder) or not responder.steps:
            return
        step = responder.steps.popleft()
        here = LatLon(step.lat, step.lon)
        port = self._port
        ids = (responder.mission_id, responder.runner_id)
        if step.kind is StepKind.MOVE:
            await port.move(responder.runner_id, here, responder.mode)
            responder.at = here
        elif step.kind is StepKind.COLLECT:
            responder.at = here
            # FAQ: "Hvis hjertestarteren allerede er hentet, fortsætter du bare til hjertestoppet."
            collect = responder.aed_id is not None and await port.aed_available(responder.aed_id)
            if collect and not await port.report(*ids, "aed_collected", here):
                self._finish(responder)
                return
        else:
            arrived = step.kind is StepKind.ARRIVE
            await port.report(*ids, "arrived" if arrived else "abandoned", here)
            responder.at = here
            self._finish(responder)
            if not arrived:
                self._head_home(responder)
            return
        self._next_step(responder)

    def _finish(self, responder: _Responder) -> None:
        responder.done = True
        responder.steps.clear()

    def _head_home(self, responder: _Responder) -> None:
        """Home some time after giving up, or after the mission for those who saw it through
        (an arrived responder stays with the patient until the ambulance takes over)."""
        if not responder.out:
            return
        responder.out = False
        runner_id = responder.runner_id
        if self._engaged.get(runner_id) == responder.mission_id:
            del self._engaged[runner_id]
        self._agenda.schedule(
            self._now() + responder.plan.home_after_s,
            lambda: self._go_home(runner_id, responder.mode),
        )

    async def _go_home(self, runner_id: str, mode: Mode) -> None:
        if runner_id in self._engaged:
            return  # out on another mission; it goes home after that one
        home = self._homes.pop(runner_id, None)
        if home is not None:
            await self._port.move(runner_id, home, mode)
