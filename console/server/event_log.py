"""Writing events in the transaction that changes the state, and reading them back in seq order.

Every state-changing transaction goes through :meth:`EventLog.write`. It first locks the ``seq``
counter row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds
the write lock), so two writers, in one process or in two, never interleave: seqs are handed out
in the order transactions commit, none is reused and none is skipped (a rolled-back transaction
never moved the counter). On PostgreSQL ``pg_notify`` is sent inside the transaction, so other
processes hear of the events exactly when they become visible.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from console.domain.model import Event, EventType
from console.domain.timefmt import format_time
from console.server.database import Database
from console.server.dispatch_schema import counters, events
from console.server.problems import ProblemError

#: NOTIFY channels (PostgreSQL): new events, and runner positions for the other processes' index.
EVENTS_CHANNEL = "amk_events"
RUNNERS_CHANNEL = "amk_runners"

Clock = Callable[[], datetime]


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept: stored text stays verbatim and readable in the database."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as stored: its data stays serialised, so streaming never re-encodes it."""

    seq: int
    type: str
    at: datetime
    mission_id: str | None
    data_json: str

    def to_json_text(self) -> str:
        mission = "null" if self.mission_id is None else json.dumps(self.mission_id)
        return (
            f'{{"seq":{self.seq},"type":"{self.type}","at":"{format_time(self.at)}",'
            f'"mission_id":{mission},"data":{self.data_json}}}'
        )

    def to_event(self) -> Event:
        return Event(
            seq=self.seq,
            type=EventType(self.type),
            at=self.at,
            mission_id=self.mission_id,
            data=json.loads(self.data_json),
        )


class CommitThenFail(Exception):
    """Commit what the transaction wrote, then answer with this problem.

    For the contract's failures that still change state: a too-far acceptance is a ``409`` *and*
    makes the responder ``rejected_too_far``.
    """

    def __init__(self, problem: ProblemError) -> None:
        super().__init__(problem.detail)
        self.problem = problem


@dataclass
class WriteTx:
    """One state-changing transaction: the connection, its instant, and the events it emits."""

    conn: AsyncConnection
    now: datetime
    next_seq: int
    emitted: list[StoredEvent] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    committed: list[Callable[[], None]] = field(default_factory=list)

    def emit(self, kind: EventType, mission_id: str | None, data: Mapping[str, Any]) -> Event:
        """Append an event with the next seq; it is written when the transaction commits."""
        event = Event(seq=self.next_seq, type=kind, at=self.now, mission_id=mission_id, data=data)
        self.emitted.append(
            StoredEvent(self.next_seq, kind.value, self.now, mission_id, dumps(dict(data)))
        )
        self.next_seq += 1
        return event

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the transaction has committed (caches, the in-memory index)."""
        self.committed.append(action)

    def notify(self, channel: str, payload: str) -> None:
        """Queue a NOTIFY (PostgreSQL only) delivered to listeners when this commits."""
        self.notices.append((channel, payload))


class EventLog:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self._lock = asyncio.Lock()
        self._listeners: list[Callable[[int], None]] = []

    def on_commit(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(last_seq)`` after every commit that wrote events."""
        self._listeners.append(listener)

    @asynccontextmanager
    async def write(self, *, sequenced: bool = True) -> AsyncIterator[WriteTx]:
        """A transaction that may emit events (``sequenced``) or only change rows.

        Sequenced transactions lock the seq counter first. The in-process lock keeps this
        process's writers from queueing on the database lock, each holding a pooled connection;
        the database lock orders the processes. Unsequenced writes on PostgreSQL (a position
        update of a runner on no mission) skip both: they touch one row and need no order.
        """
        exclusive = sequenced or not self.database.is_postgres
        async with self._lock if exclusive else _no_lock():
            failure: CommitThenFail | None = None
            async with self.database.writer.connect() as conn:
                trans = await conn.begin()
                try:
                    next_seq = 0
                    if sequenced:
                        current = await conn.execute(
                            select(counters.c.value)
                            .where(counters.c.name == "seq")
                            .with_for_update()
                        )
                        next_seq = int(current.scalar_one()) + 1
                    tx = WriteTx(conn, now=self.clock(), next_seq=next_seq)
                    try:
                        yield tx
                    except CommitThenFail as exc:
                        failure = exc
                    if tx.emitted and not sequenced:
                        raise RuntimeError("events emitted in an unsequenced transaction")
                    await self._flush(tx)
                    await trans.commit()
                except BaseException:
                    await trans.rollback()
                    raise
        for action in tx.committed:
            action()
        if tx.emitted:
            last = tx.emitted[-1].seq
            for listener in self._listeners:
                listener(last)
        if failure is not None:
            raise failure.problem

    async def _flush(self, tx: WriteTx) -> None:
        conn = tx.conn
        if tx.emitted:
            await conn.execute(
                insert(events),
                [
                    {
                        "seq": e.seq,
                        "type": e.type,
                        "at": e.at,
                        "mission_id": e.mission_id,
                        "data": e.data_json,
                    }
                    for e in tx.emitted
                ],
            )
            await conn.execute(
                update(counters).where(counters.c.name == "seq").values(value=tx.emitted[-1].seq)
            )
            tx.notify(EVENTS_CHANNEL, str(tx.emitted[-1].seq))
        if self.database.is_postgres:
            for channel, payload in tx.notices:
                await conn.execute(
                    text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": channel, "payload": payload},
                )

    # ----------------------------------------------------------------------------- reading

    async def last_seq(self) -> int:
        async with self.database.reader.connect() as conn:
            value = (await conn.execute(select(func.max(events.c.seq)))).scalar()
        return int(value or 0)

    async def read_after(self, after: int, limit: int) -> list[StoredEvent]:
        """Up to ``limit`` events with seq > ``after``, in order; committed ones only."""
        async with self.database.reader.connect() as conn:
            rows = await conn.execute(
                select(events.c.seq, events.c.type, events.c.at, events.c.mission_id, events.c.data)
                .where(events.c.seq > after)
                .order_by(events.c.seq)
                .limit(limit)
            )
            return [StoredEvent(*row) for row in rows]

    async def mission_events(self, mission_id: str) -> list[StoredEvent]:
        async with self.database.reader.connect() as conn:
            rows = await conn.execute(
                select(events.c.seq, events.c.type, events.c.at, events.c.mission_id, events.c.data)
                .where(events.c.mission_id == mission_id)
                .order_by(events.c.seq)
            )
            return [StoredEvent(*row) for row in rows]


@asynccontextmanager
async def _no_lock() -> AsyncIterator[None]:
    yield
