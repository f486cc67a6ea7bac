"""The dispatch operations of the contract: raise, alert more, message, cancel, close, and the
runner's accept, decline, status and position.

Each operation runs in one :meth:`EventLog.write` transaction: it reads the mission, decides with
the domain rules (:mod:`console.domain.rules`, nothing re-implemented here), emits events, folds
each one into the mission with :func:`console.domain.fold.apply` and stores the result beside the
events. The stored Mission is therefore ``fold(its events)`` by construction, and a fold error is
a refused transition (409), never a silently different state.

The autopilot (``console/server/autopilot.py``) drives virtual runners through the same methods
the HTTP routes call, so a simulated runner obeys exactly the rules a real one does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from console.domain.constants import ALERT_RADIUS_M
from console.domain.fold import FoldError, apply
from console.domain.model import (
    Aed,
    AedStatus,
    AgeGroup,
    EventType,
    LatLon,
    Mission,
    Mode,
    ResponderState,
    Runner,
    TaskKind,
)
from console.domain.rules import (
    AedCatalogue,
    AlertMoreError,
    TooFar,
    aed_load,
    assign_task,
    check_acceptance,
    engaged_runner_ids,
    select_runners_to_alert,
    validate_address,
    validate_alert_more,
    validate_message,
    validate_note,
    validate_outcome,
    validate_reason,
)
from console.domain.service_area import OutsideServiceArea, ServiceArea
from console.domain.timefmt import format_time
from console.server import world_store
from console.server.dispatch_schema import messages, missions, runners
from console.server.event_log import (
    RUNNERS_CHANNEL,
    CommitThenFail,
    EventLog,
    WriteTx,
    dumps,
)
from console.server.idempotency import IdempotencyKey, recall, remember
from console.server.live_index import AedIndex, RunnerIndex
from console.server.mission_events import (
    ON_THE_WAY,
    AedsNow,
    accepted,
    emit_alerts,
    emit_end,
    moved,
    new_mission,
    rejected_too_far,
)
from console.server.open_missions import OpenMissionCache
from console.server.position_writer import PositionWriter, positions_notice
from console.server.problems import ProblemError


def _retrieved(task: asyncio.Future[frozenset[str]]) -> None:
    if not task.cancelled():
        task.exception()


@dataclass(frozen=True, slots=True)
class Reply:
    """A response as stored for idempotency: status and JSON text (empty for 204)."""

    status: int
    body: str
    select_s: float = 0.0


Operation = Callable[[WriteTx], Awaitable[Reply]]


def _json_reply(status: int, value: Any, select_s: float = 0.0) -> Reply:
    return Reply(status, dumps(value), select_s)


NO_CONTENT = Reply(204, "")


class _MissionWork:
    """A mission being changed inside one transaction: every event is folded in as it is made."""

    def __init__(self, tx: WriteTx, mission: Mission | None, last_seq: int) -> None:
        self.tx = tx
        self._mission = mission
        self.last_seq = last_seq

    @property
    def mission(self) -> Mission:
        if self._mission is None:
            raise RuntimeError("mission.created has not been emitted yet")
        return self._mission

    def emit(self, kind: EventType, data: Mapping[str, Any], mission_id: str | None = None) -> None:
        target = mission_id if self._mission is None else self._mission.id
        event = self.tx.emit(kind, target, data)
        try:
            previous = None if self._mission is None else self.last_seq
            self._mission = apply(self._mission, event, previous_seq=previous)
        except FoldError as exc:
            raise ProblemError.of("invalid-transition", str(exc)) from exc
        self.last_seq = event.seq


class Dispatch:
    def __init__(
        self,
        event_log: EventLog,
        runner_index: RunnerIndex,
        aed_index: AedIndex,
        area: ServiceArea,
    ) -> None:
        self.log = event_log
        self.runners = runner_index
        self.aeds = aed_index
        self.area = area
        self.open_missions = OpenMissionCache()
        # Tells this process's own notices apart from the other processes' ones.
        self.source = secrets.token_hex(8)
        # Runners out (alerted, accepted, AED collected) on open missions; None: rebuild.
        self._out_runners: frozenset[str] | None = None
        self._out_generation = 0
        self._out_reading: tuple[int, asyncio.Future[frozenset[str]]] | None = None
        #: Group commit of the position updates of runners on no mission (the common case).
        self.positions = PositionWriter(event_log, runner_index, self.source)

    async def aclose(self) -> None:
        """Store the position updates still queued; call before the database is disposed."""
        await self.positions.aclose()
        await self.runners.aclose()

    # ----------------------------------------------------------------- the in-memory world

    async def reload_indexes(self) -> None:
        """Read every positioned runner and every AED again (start-up, another process's reset)."""
        async with self.log.database.reader.connect() as conn:
            runners_now = await world_store.load_positioned_runners(conn)
            aeds_now = await world_store.load_aeds(conn)
        self.runners.replace_all(runners_now)
        self.aeds.replace_all(aeds_now)

    def reload_notice(self) -> str:
        return dumps({"src": self.source, "reload": True})

    async def on_runner_notice(self, payload: str) -> None:
        """Another process moved runners (or replaced the world): bring the index up to date."""
        data = json.loads(payload)
        if data.get("src") == self.source:
            return
        if data.get("reload"):
            await self.reload_indexes()
            return
        # {"runners": [...]} from a batch; a bare Runner from a process of an older version.
        for runner in data.get("runners", [data]):
            self.runners.put(Runner.from_json(runner))

    # ----------------------------------------------------------------- transaction plumbing

    async def run(self, key: IdempotencyKey | None, operation: Operation) -> Reply:
        """Run ``operation`` in a sequenced transaction, answering a repeated key from storage."""
        async with self.log.write() as tx:
            if key is not None:
                stored = await recall(tx.conn, key)
                if stored is not None:
                    return Reply(stored.status, stored.body)
            reply = await operation(tx)
            if key is not None and 200 <= reply.status < 300:
                await remember(tx.conn, key, reply.status, reply.body, tx.now)
        return reply

    async def _load(self, tx: WriteTx, mission_id: str) -> _MissionWork:
        row = (
            await tx.conn.execute(
                select(missions.c.doc, missions.c.last_seq).where(missions.c.id == mission_id)
            )
        ).first()
        if row is None:
            raise ProblemError.of("not-found", f"no mission {mission_id!r}")
        return _MissionWork(tx, Mission.from_json(json.loads(row.doc)), int(row.last_seq))

    async def _save(self, work: _MissionWork, created_seq: int | None = None) -> None:
        mission = work.mission
        values = {
            "state": mission.state.value,
            "ended_at": mission.ended_at,
            "last_seq": work.last_seq,
            "doc": dumps(mission.to_json()),
        }
        if created_seq is not None:
            await work.tx.conn.execute(
                insert(missions),
                [
                    {
                        "id": mission.id,
                        "created_seq": created_seq,
                        "created_at": mission.created_at,
                        **values,
                    }
                ],
            )
        else:
            await work.tx.conn.execute(
                update(missions).where(missions.c.id == mission.id).values(**values)
            )
        last_seq = work.last_seq
        work.tx.after_commit(lambda: self.open_missions.remember(mission, last_seq))
        work.tx.after_commit(self.missions_changed)

    @staticmethod
    def _require_open(mission: Mission) -> None:
        if not mission.is_open:
            raise ProblemError.of(
                "mission-ended", f"mission {mission.id} has ended ({mission.state.value})"
            )

    def _alert(
        self,
        work: _MissionWork,
        exclude: set[str],
        count: int,
        radius_m: float,
    ) -> float:
        """Alert the nearest eligible runners; returns the seconds spent choosing them."""
        mission = work.mission
        started = time.perf_counter()
        chosen = select_runners_to_alert(
            self.runners.points,
            mission.location,
            work.tx.now,
            self.runners.position_times,
            exclude,
            count=count,
            radius_m=radius_m,
        )
        spent = time.perf_counter() - started
        ranked = max((r.rank for r in mission.responders), default=0)
        emit_alerts(work.emit, chosen, self.runners.get, ranked)
        return spent

    # ----------------------------------------------------------------- dispatcher operations

    def create_mission(
        self, by: str, location: LatLon, address: str, age_group: AgeGroup, note: str
    ) -> Operation:
        validate_address(address)
        validate_note(note)
        try:
            self.area.check(location.lat, location.lon)
        except OutsideServiceArea as exc:
            raise ProblemError.of("outside-service-area", str(exc)) from exc

        async def operation(tx: WriteTx) -> Reply:
            seq = tx.next_seq
            mission = new_mission(
                f"m-{seq}",
                location,
                address=address,
                age_group=age_group,
                note=note,
                at=tx.now,
                by=by,
            )
            work = _MissionWork(tx, None, 0)
            work.emit(EventType.MISSION_CREATED, mission.to_json(), mission_id=mission.id)
            engaged = engaged_runner_ids(await self.open_missions.load(tx.conn))
            spent = self._alert(work, set(engaged), 20, ALERT_RADIUS_M)
            await self._save(work, created_seq=seq)
            return _json_reply(201, work.mission.to_json(), spent)

        return operation

    def alert_more(self, by: str, mission_id: str, count: int, radius_m: float) -> Operation:
        async def operation(tx: WriteTx) -> Reply:
            work = await self._load(tx, mission_id)
            mission = work.mission
            self._require_open(mission)
            try:
                validate_alert_more(count, radius_m, mission.radius_m)
            except AlertMoreError as exc:
                raise ProblemError.of("validation", str(exc)) from exc
            work.emit(
                EventType.MISSION_EXPANDED, {"radius_m": radius_m, "requested": count, "by": by}
            )
            exclude = set(engaged_runner_ids(await self.open_missions.load(tx.conn)))
            exclude.update(r.runner_id for r in mission.responders)
            spent = self._alert(work, exclude, count, radius_m)
            await self._save(work)
            return _json_reply(201, work.mission.to_json(), spent)

        return operation

    def send_message(self, by: str, mission_id: str, text: str, runner_id: str | None) -> Operation:
        validate_message(text)

        async def operation(tx: WriteTx) -> Reply:
            work = await self._load(tx, mission_id)
            self._require_open(work.mission)
            if runner_id is not None and work.mission.responder(runner_id) is None:
                raise ProblemError.of(
                    "unknown-responder",
                    f"runner {runner_id!r} is not a responder of mission {mission_id}",
                )
            message_id = f"msg-{tx.next_seq}"
            work.emit(EventType.MISSION_MESSAGE, {"text": text, "runner_id": runner_id, "by": by})
            await tx.conn.execute(
                insert(messages),
                [
                    {
                        "id": message_id,
                        "mission_id": mission_id,
                        "runner_id": runner_id,
                        "text": text,
                        "at": tx.now,
                        "by": by,
                    }
                ],
            )
            await self._save(work)
            return _json_reply(
                201,
                {"id": message_id, "text": text, "runner_id": runner_id, "at": format_time(tx.now)},
            )

        return operation

    def end_mission(self, by: str, mission_id: str, *, cancel: bool, text: str) -> Operation:
        """Cancel (``reason``) or close (``outcome``); every responder still out is released."""
        if cancel:
            validate_reason(text)
        else:
            validate_outcome(text)

        async def operation(tx: WriteTx) -> Reply:
            work = await self._load(tx, mission_id)
            self._require_open(work.mission)
            emit_end(work.emit, lambda: work.mission, cancel=cancel, text=text, by=by)
            await self._save(work)
            return _json_reply(200, work.mission.to_json())

        return operation

    # ----------------------------------------------------------------- runner operations

    async def _responder_work(self, tx: WriteTx, runner_id: str, mission_id: str) -> _MissionWork:
        work = await self._load(tx, mission_id)
        if work.mission.responder(runner_id) is None:
            raise ProblemError.of("not-found", f"no alert for you in mission {mission_id!r}")
        self._require_open(work.mission)
        return work

    async def _confirm_position(self, tx: WriteTx, runner_id: str, lat: float, lon: float) -> None:
        """A position the runner sent with an action is also their last known position."""
        current = self.runners.get(runner_id)
        stored = current or await world_store.get_runner(tx.conn, runner_id)
        if stored is None:
            return
        confirmed = replace(stored, lat=lat, lon=lon, position_at=tx.now)
        await world_store.save_position(tx.conn, confirmed, create=False)
        self._announce(tx, confirmed)

    def _announce(self, tx: WriteTx, runner: Runner) -> None:
        tx.notify(RUNNERS_CHANNEL, positions_notice(self.source, [runner]))
        tx.after_commit(lambda: self.runners.put(runner))

    def accept(self, runner_id: str, mission_id: str, lat: float, lon: float) -> Operation:
        async def operation(tx: WriteTx) -> Reply:
            work = await self._responder_work(tx, runner_id, mission_id)
            mission = work.mission
            responder = mission.responder(runner_id)
            if responder is None or responder.state is not ResponderState.ALERTED:
                state = "unknown" if responder is None else responder.state.value
                raise ProblemError.of(
                    "invalid-transition", f"you cannot accept: you are {state} here"
                )
            await self._confirm_position(tx, runner_id, lat, lon)
            try:
                distance = check_acceptance(mission.location, mission.radius_m, lat, lon)
            except TooFar as exc:
                work.emit(EventType.RUNNER_REJECTED, rejected_too_far(runner_id, exc.distance_m))
                await self._save(work)
                raise CommitThenFail(
                    ProblemError.of("too-far", "din position er for langt væk: " + str(exc))
                ) from exc
            open_now = await self.open_missions.load(tx.conn)
            aeds_now = AedsNow(self.aeds.records, await world_store.unavailable_aeds(tx.conn))
            accepted_before = sum(1 for r in mission.responders if r.accepted_at is not None)
            task = assign_task(
                accepted_before,
                mission.location,
                mission.radius_m,
                AedCatalogue(self.aeds.points, aeds_now),
                tx.now,
                aed_load(open_now),
            )
            work.emit(
                EventType.RUNNER_ACCEPTED, accepted(runner_id, LatLon(lat, lon), distance, task)
            )
            await self._save(work)
            aed: Aed | None = None
            if task.kind is TaskKind.FETCH_AED and task.aed_id is not None:
                aed = aeds_now[task.aed_id]
            return _json_reply(
                200,
                {
                    "task": task.to_json(),
                    "address": mission.address,
                    "location": mission.location.to_json(),
                    "aed": None if aed is None else aed.to_json(),
                },
            )

        return operation

    def decline(self, runner_id: str, mission_id: str) -> Operation:
        async def operation(tx: WriteTx) -> Reply:
            work = await self._responder_work(tx, runner_id, mission_id)
            work.emit(EventType.RUNNER_DECLINED, {"runner_id": runner_id})
            await self._save(work)
            return NO_CONTENT

        return operation

    def report_status(
        self, runner_id: str, mission_id: str, status: str, lat: float, lon: float
    ) -> Operation:
        async def operation(tx: WriteTx) -> Reply:
            work = await self._responder_work(tx, runner_id, mission_id)
            await self._confirm_position(tx, runner_id, lat, lon)
            responder = work.mission.responder(runner_id)
            if responder is not None and responder.state in ON_THE_WAY:
                work.emit(EventType.RUNNER_POSITION, moved(runner_id, LatLon(lat, lon)))
            if status == "aed_collected":
                task = None if responder is None else responder.task
                if task is None or task.kind is not TaskKind.FETCH_AED or task.aed_id is None:
                    raise ProblemError.of("invalid-transition", "your task is not to fetch an AED")
                work.emit(
                    EventType.RUNNER_AED_COLLECTED, {"runner_id": runner_id, "aed_id": task.aed_id}
                )
                await world_store.set_aed_status(tx.conn, task.aed_id, AedStatus.TAKEN, tx.now)
                tx.emit(
                    EventType.AED_STATUS,
                    None,
                    {"aed_id": task.aed_id, "status": AedStatus.TAKEN.value},
                )
            elif status == "arrived":
                work.emit(EventType.RUNNER_ARRIVED, {"runner_id": runner_id})
            else:
                work.emit(EventType.RUNNER_ABANDONED, {"runner_id": runner_id})
            await self._save(work)
            return NO_CONTENT

        return operation

    async def update_position(self, runner_id: str, lat: float, lon: float, mode: Mode) -> None:
        """A runner's last known position; events only for the open missions it is out on.

        Most updates come from runners on no mission. They are checked against an in-memory set
        of the runners out on open missions (rebuilt only after mission events) and go to the
        :class:`PositionWriter`, which stores the updates arriving together in one statement
        with no seq lock. Only a responder's update pays for the seq lock and re-checks inside
        it; a runner new to this process is created the slow way.
        """
        if runner_id in await self._runners_out():
            await self.run(None, self._position_with_events(runner_id, lat, lon, mode))
            return
        if runner_id in self.runners and await self.positions.submit(runner_id, lat, lon, mode):
            return
        async with self.log.write(sequenced=False) as tx:
            await self._store_position(tx, runner_id, lat, lon, mode)

    def missions_changed(self) -> None:
        """Mission events were committed or read: the set of runners out must be rebuilt."""
        self._out_generation += 1
        self._out_runners = None

    async def _runners_out(self) -> frozenset[str]:
        """The runners out on open missions; one read of the open missions per change, however
        many position updates ask at once (they all arrive right after a mission event)."""
        out = self._out_runners
        if out is not None:
            return out
        reading = self._out_reading
        if reading is None or reading[0] != self._out_generation:
            task = asyncio.ensure_future(self._read_runners_out(self._out_generation))
            task.add_done_callback(_retrieved)  # a caller that gave up still had it read
            reading = self._out_reading = (self._out_generation, task)
        # Shielded: one caller cancelled (its client went away) must not cancel the others' read.
        return await asyncio.shield(reading[1])

    async def _read_runners_out(self, generation: int) -> frozenset[str]:
        try:
            async with self.log.database.reader.connect() as conn:
                open_now = await self.open_missions.load(conn)
        finally:
            if self._out_reading is not None and self._out_reading[0] == generation:
                self._out_reading = None
        out = frozenset(r.runner_id for m in open_now for r in m.responders if r.state.is_out)
        if generation == self._out_generation:  # nothing changed while we read
            self._out_runners = out
        return out

    @staticmethod
    def _moving_in(mission: Mission, runner_id: str) -> bool:
        responder = mission.responder(runner_id)
        return responder is not None and responder.state.is_out

    async def _store_position(
        self, tx: WriteTx, runner_id: str, lat: float, lon: float, mode: Mode
    ) -> None:
        known = self.runners.get(runner_id)
        exists = known is not None or await world_store.runner_exists(tx.conn, runner_id)
        alias = known.alias if known is not None else await self._alias_for(tx.conn, runner_id)
        runner = Runner(id=runner_id, alias=alias, lat=lat, lon=lon, position_at=tx.now, mode=mode)
        await world_store.save_position(tx.conn, runner, create=not exists)
        self._announce(tx, runner)

    @staticmethod
    async def _alias_for(conn: AsyncConnection, runner_id: str) -> str:
        row = (await conn.execute(select(runners.c.alias).where(runners.c.id == runner_id))).first()
        return str(row.alias) if row is not None else f"HL-{runner_id[-8:]}"

    def _position_with_events(
        self, runner_id: str, lat: float, lon: float, mode: Mode
    ) -> Operation:
        async def operation(tx: WriteTx) -> Reply:
            await self._store_position(tx, runner_id, lat, lon, mode)
            for mission in await self.open_missions.load(tx.conn):
                if self._moving_in(mission, runner_id):
                    work = await self._load(tx, mission.id)
                    work.emit(EventType.RUNNER_POSITION, moved(runner_id, LatLon(lat, lon)))
                    await self._save(work)
            return NO_CONTENT

        return operation
