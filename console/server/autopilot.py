"""The autopilot: virtual responders answer alerts, move, fetch AEDs and arrive on their own, an
ambulance turns up and the mission is closed, and now and then the centre cancels.

``PUT /v1/sim/autopilot {enabled, speed}`` and ``amk-dispatchd serve --autopilot SPEED`` reach
it through :func:`create_autopilot`. Everything it does goes through the :class:`Dispatch`
methods the runner and dispatcher endpoints call, so a virtual runner obeys exactly the rules a
real one does and every step is an ordinary event in the log.

How it runs. It reads the event log after the last seq it has seen (the database is the truth,
as for the event hub) and hands what matters to the :class:`Engine`: a ``mission.created``, a
``runner.alerted``, an end or a release. The engine puts what follows on an agenda in
*simulated* seconds; ``speed`` is how many simulated seconds pass per real second (60: a minute
a second). A virtual clock replaces real time in tests, where :meth:`Autopilot.run_until_idle`
plays the agenda at once and the same seed gives the same events.

On start it adopts the missions already open (after a restart, or when switched on mid-mission):
their alerted runners answer, and those already on the way set off again from where they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from typing import Final

from sqlalchemy import select

from console.domain.model import (
    EventType,
    LatLon,
    Mission,
    MissionState,
    Mode,
    ResponderState,
    Task,
    TaskKind,
)
from console.server import world_store
from console.server.autopilot_engine import (
    Accepted,
    Action,
    Agenda,
    Engine,
    VirtualClock,
    run_until_idle,
)
from console.server.autopilot_model import DEFAULT_BEHAVIOUR, Behaviour
from console.server.dispatch import Dispatch, Operation, Reply
from console.server.dispatch_schema import missions
from console.server.event_log import StoredEvent
from console.server.problems import ProblemError
from console.server.services import ServerServices
from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.autopilot")

#: Who the autopilot's closes and cancellations are recorded as (``by`` of the events).
AUTOPILOT_ACTOR: Final = "autopilot"
#: The contract's bound on ``speed`` (``PUT /v1/sim/autopilot``).
MAX_SPEED: Final = 10_000.0
#: Position reports are at least this far apart in real seconds, whatever the speed, so a fast
#: demo does not turn into a write benchmark: at speed 60 they stay every 10 simulated seconds,
#: at speed 600 they become every 60.
MIN_REAL_POSITION_INTERVAL_S: Final = 0.1
#: With nothing due, look at the log at least this often (the hub also wakes the loop).
IDLE_POLL_S: Final = 1.0
_BATCH: Final = 500
_ENDS = frozenset({EventType.MISSION_CANCELLED.value, EventType.MISSION_CLOSED.value})
#: Refusals a virtual runner meets in the normal course (the mission ended meanwhile, the
#: position was too far, the responder was released): the runner stops, nothing is wrong.
_REFUSALS = frozenset({404, 409, 422})


class AutopilotError(ValueError):
    """A speed outside (0, 10,000], or a virtual-time call on a real-time autopilot."""


class RealTimeClock:
    """Simulated seconds that run ``speed`` times faster than the monotonic clock."""

    def __init__(self, speed: float = 1.0) -> None:
        self._speed = speed
        self._anchor_real = time.monotonic()
        self._anchor_sim = 0.0

    def now(self) -> float:
        return self._anchor_sim + (time.monotonic() - self._anchor_real) * self._speed

    def set_speed(self, speed: float) -> None:
        """Change speed from now on: simulated time does not jump."""
        self._anchor_sim = self.now()
        self._anchor_real = time.monotonic()
        self._speed = speed


class DispatchRunnerPort:
    """The engine's operations as :class:`Dispatch` calls, exactly as the HTTP routes make them."""

    def __init__(self, dispatch: Dispatch, actor: str = AUTOPILOT_ACTOR) -> None:
        self._dispatch = dispatch
        self._actor = actor

    async def _run(self, what: str, operation: Operation) -> Reply | None:
        try:
            return await self._dispatch.run(None, operation)
        except ProblemError as exc:
            if exc.status not in _REFUSALS:
                raise
            log.debug("autopilot %s refused: %s", what, exc.slug)
            return None

    async def accept(self, mission_id: str, runner_id: str, at: LatLon) -> Accepted | None:
        reply = await self._run(
            "accept", self._dispatch.accept(runner_id, mission_id, at.lat, at.lon)
        )
        if reply is None:
            return None
        body = json.loads(reply.body)
        task = Task.from_json(body["task"]) or Task.go_to_patient()
        aed = body.get("aed")
        aed_at = LatLon(aed["lat"], aed["lon"]) if task.kind is TaskKind.FETCH_AED and aed else None
        return Accepted(task, aed_at)

    async def decline(self, mission_id: str, runner_id: str) -> bool:
        reply = await self._run("decline", self._dispatch.decline(runner_id, mission_id))
        return reply is not None

    async def report(self, mission_id: str, runner_id: str, status: str, at: LatLon) -> bool:
        operation = self._dispatch.report_status(runner_id, mission_id, status, at.lat, at.lon)
        return await self._run(status, operation) is not None

    async def move(self, runner_id: str, at: LatLon, mode: Mode) -> None:
        await self._dispatch.update_position(runner_id, at.lat, at.lon, mode)

    async def end(self, mission_id: str, *, cancel: bool, text: str) -> bool:
        operation = self._dispatch.end_mission(self._actor, mission_id, cancel=cancel, text=text)
        return await self._run("cancel" if cancel else "close", operation) is not None

    async def aed_available(self, aed_id: str) -> bool:
        if self._dispatch.aeds.get(aed_id) is None:
            return False
        async with self._dispatch.log.database.reader.connect() as conn:
            unavailable = await world_store.unavailable_aeds(conn)
        return aed_id not in unavailable

    def aed_location(self, aed_id: str) -> LatLon | None:
        aed = self._dispatch.aeds.get(aed_id)
        return None if aed is None else LatLon(aed.lat, aed.lon)


class Autopilot:
    """The server's autopilot (the :class:`console.server.services.Autopilot` protocol)."""

    def __init__(
        self,
        services: ServerServices,
        *,
        seed: int | None = None,
        behaviour: Behaviour = DEFAULT_BEHAVIOUR,
        virtual_clock: VirtualClock | None = None,
    ) -> None:
        self._services = services
        self._seed = services.config.seed if seed is None else seed
        self._behaviour = behaviour
        self._virtual = virtual_clock
        self._real = RealTimeClock()
        self._port = DispatchRunnerPort(services.dispatch)
        self._agenda = Agenda()
        self._engine: Engine | None = None
        self._task: asyncio.Task[None] | None = None
        self._after = 0
        #: The newest seq this process committed; with the hub's it says whether reading the
        #: log can find anything new, which saves a query before most actions.
        self._committed = 0
        services.event_log.on_commit(self._on_commit)
        self._enabled = False
        self._speed = 1.0
        self._lock = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def time_scale(self) -> float:
        """Simulated seconds per second of the server's clock: ``speed`` while running in real
        time; 1 when off, and with the virtual clock, which *is* the server's clock then."""
        if not self._enabled or self._virtual is not None:
            return 1.0
        return self._speed

    @property
    def pending(self) -> int:
        """Actions on the agenda (what is still to happen in the open missions)."""
        return len(self._agenda)

    async def configure(self, enabled: bool, speed: float) -> None:
        if isinstance(speed, bool) or not isinstance(speed, int | float):
            raise AutopilotError(f"speed must be a number, got {speed!r}")
        if not (math.isfinite(speed) and 0 < speed <= MAX_SPEED):
            raise AutopilotError(f"speed must be above 0 and at most {MAX_SPEED:g}, got {speed!r}")
        async with self._lock:
            self._speed = float(speed)
            self._real.set_speed(self._speed)
            if enabled and not self._enabled:
                await self._start()
            elif not enabled and self._enabled:
                await self._stop()
            self._enabled = enabled
        log.info("autopilot %s at speed %g", "on" if enabled else "off", self._speed)

    async def aclose(self) -> None:
        async with self._lock:
            await self._stop()
            self._enabled = False

    async def run_until_idle(self, until: float | None = None) -> int:
        """Virtual time only: play the agenda (reading the log before each action) until
        nothing is left, or until simulated second ``until``; returns the actions run."""
        if self._virtual is None:
            raise AutopilotError("run_until_idle needs the autopilot's virtual clock")
        if not self._enabled:
            raise AutopilotError("the autopilot is off")
        return await run_until_idle(
            self._agenda, self._virtual, before_each=self._ingest, until=until
        )

    # ----------------------------------------------------------------- start, stop, loop

    def _now(self) -> float:
        return self._virtual.now() if self._virtual is not None else self._real.now()

    def _position_interval(self) -> float:
        base = self._behaviour.position_interval_s
        if self._virtual is not None:
            return base
        return max(base, self._speed * MIN_REAL_POSITION_INTERVAL_S)

    async def _start(self) -> None:
        self._agenda.clear()
        self._engine = Engine(
            self._port,
            self._agenda,
            seed=self._seed,
            now=self._now,
            wall=self._services.clock,
            behaviour=self._behaviour,
            position_interval=self._position_interval,
        )
        await self._adopt(self._engine)
        if self._virtual is None:
            self._task = asyncio.create_task(self._run(), name="autopilot")

    async def _stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        self._agenda.clear()
        self._engine = None

    async def _run(self) -> None:
        hub = self._services.hub
        while True:
            try:
                await self._ingest()
            except Exception:
                log.exception("autopilot could not read the event log; retrying")
                await asyncio.sleep(IDLE_POLL_S)
                continue
            due = self._agenda.next_time()
            now = self._real.now()
            if due is not None and due <= now:
                _, action = self._agenda.pop()
                await self._safely(action)
                continue
            wait = IDLE_POLL_S if due is None else min(IDLE_POLL_S, (due - now) / self._speed)
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for returns the result when a
            # cancel arrives just as the wait completes, and this loop would then run on with
            # stop() waiting for it forever (the event hub's tail had the same bug).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await hub.wait_beyond(self._after)

    @staticmethod
    async def _safely(action: Action) -> None:
        try:
            await action()
        except Exception:
            log.exception("an autopilot action failed; the autopilot carries on")

    # ----------------------------------------------------------------- reading the log

    async def _adopt(self, engine: Engine) -> None:
        """Take over the missions open now; their later events come from the log."""
        event_log = self._services.event_log
        self._after = await event_log.last_seq()
        async with event_log.database.reader.connect() as conn:
            docs = (
                await conn.execute(
                    select(missions.c.doc)
                    .where(missions.c.state == MissionState.ALERTING.value)
                    .order_by(missions.c.created_seq)
                )
            ).scalars()
            open_now = [Mission.from_json(json.loads(doc)) for doc in docs]
        runners = self._services.dispatch.runners
        for mission in open_now:
            engine.mission_raised(mission.id, mission.location)
            for r in mission.responders:
                known = runners.get(r.runner_id)
                mode = known.mode if known is not None else Mode.FOOT
                at = LatLon(r.position.lat, r.position.lon)
                if r.state is ResponderState.ALERTED:
                    engine.runner_alerted(mission.id, r.runner_id, at, mode)
                elif r.state in (ResponderState.ACCEPTED, ResponderState.AED_COLLECTED):
                    engine.runner_on_the_way(
                        mission.id,
                        r.runner_id,
                        at,
                        mode,
                        r.task,
                        collected=r.state is ResponderState.AED_COLLECTED,
                    )
        if open_now:
            log.info("autopilot adopted %d open missions", len(open_now))

    def _on_commit(self, last_seq: int) -> None:
        self._committed = max(self._committed, last_seq)

    async def _ingest(self) -> None:
        engine = self._engine
        if engine is None:
            return
        if max(self._committed, self._services.hub.last_seq) <= self._after:
            return
        while True:
            batch = await self._services.event_log.read_after(self._after, _BATCH)
            for stored in batch:
                self._observe(engine, stored)
            if batch:
                self._after = batch[-1].seq
            if len(batch) < _BATCH:
                return

    @staticmethod
    def _observe(engine: Engine, stored: StoredEvent) -> None:
        kind = stored.type
        mission_id = stored.mission_id
        if mission_id is None:
            return
        if kind == EventType.RUNNER_ALERTED.value:
            data = json.loads(stored.data_json)
            at = LatLon(data["lat"], data["lon"])
            engine.runner_alerted(mission_id, data["runner_id"], at, Mode(data["mode"]))
        elif kind == EventType.MISSION_CREATED.value:
            data = json.loads(stored.data_json)
            engine.mission_raised(mission_id, LatLon.from_json(data["location"]))
        elif kind in _ENDS:
            engine.mission_ended(mission_id)
            engine.forget_ended()
        elif kind == EventType.RUNNER_RELEASED.value:
            engine.runner_released(mission_id, json.loads(stored.data_json)["runner_id"])


def create_autopilot(services: ServerServices) -> Autopilot:
    """The factory :class:`ServerServices` looks for: real time, the server's seed."""
    return Autopilot(services)
