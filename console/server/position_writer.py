"""Group commit for runner positions: concurrent updates share one transaction.

``PUT /v1/runner/position`` is the busiest call of the service (every active app reports), and
each update used to be a transaction of its own: on PostgreSQL a pooled connection, an
``UPDATE`` with its ``NOTIFY`` and a commit; on SQLite a ``BEGIN IMMEDIATE`` ... ``COMMIT``
under the process's write lock. Now the updates that arrive while a batch is in the database
wait here, and the next batch writes them all at once:

* PostgreSQL: one autocommit statement, ``UPDATE runners ... FROM unnest(...)``, whose
  ``RETURNING`` feeds the one ``pg_notify`` that tells the other processes (a payload is at most
  8,000 bytes, so a very large batch is split into several such statements);
* SQLite: one ``executemany`` in one transaction.

No timer: a lone update is written at once; batches form only while the database is busy, so
latency under light load is what it was and throughput under heavy load grows with the batch.

Durability is unchanged: a request is answered only after the transaction that holds its row
has committed, so a ``204`` still means the position is in the database. A runner whose row has
gone (another process reset the world) leaves the index and is answered ``False``; the caller
then stores it as a runner new to this process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from console.domain.model import Mode, Runner
from console.server import world_store
from console.server.dispatch_schema import runners
from console.server.event_log import RUNNERS_CHANNEL, EventLog, dumps
from console.server.live_index import RunnerIndex
from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.positions")

#: PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; stay clear of it.
MAX_NOTICE_BYTES: Final = 7_800
#: Updates written by one statement at most (a burst beyond it takes several).
MAX_BATCH: Final = 1_000
#: How long closing waits for the updates already queued before it gives up on them.
CLOSE_TIMEOUT_S: Final = 10.0

#: Move the batch and announce exactly the rows that moved, in one autocommit round trip.
_MOVE_MANY_AND_NOTIFY = text(
    "WITH batch AS ("
    " SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:lats AS float8[]),"
    " CAST(:lons AS float8[]), CAST(:modes AS text[]), CAST(:docs AS text[]))"
    " AS b(id, lat, lon, mode, doc)"
    "), moved AS ("
    " UPDATE runners AS r SET lat = batch.lat, lon = batch.lon, position_at = :at,"
    " mode = batch.mode FROM batch WHERE r.id = batch.id RETURNING batch.id, batch.doc"
    ") SELECT array_agg(id), pg_notify(:channel, :head || string_agg(doc, ',') || ']}')"
    " FROM moved HAVING count(*) > 0"
)

_UPDATE_ONE = (
    update(runners)
    .where(runners.c.id == bindparam("b_id"))
    .values(
        lat=bindparam("b_lat"),
        lon=bindparam("b_lon"),
        position_at=bindparam("b_at"),
        mode=bindparam("b_mode"),
    )
)


def notice_head(source: str) -> str:
    """The start of a positions notice, up to its list of runners (see :func:`positions_notice`)."""
    return f'{{"src":{dumps(source)},"runners":['


def positions_notice(source: str, moved: Sequence[Runner]) -> str:
    """What the other processes hear when runners move: ``{"src", "runners": [Runner]}``."""
    return notice_head(source) + ",".join(dumps(r.to_json()) for r in moved) + "]}"


class PositionWriteError(RuntimeError):
    """The batch holding this update could not be stored; nothing of it was acknowledged."""


@dataclass(slots=True)
class _Update:
    runner_id: str
    lat: float
    lon: float
    mode: Mode
    stored: asyncio.Future[bool] = field(repr=False)


class PositionWriter:
    """Queues position updates of runners the index knows and writes them in batches."""

    def __init__(
        self,
        event_log: EventLog,
        index: RunnerIndex,
        source: str,
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._log = event_log
        self._index = index
        self._source = source
        self._head = notice_head(source)
        self._max_batch = max_batch
        #: Batches and updates written so far: their ratio is the batching achieved.
        self.batches_written = 0
        self.updates_written = 0
        self._queue: list[_Update] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    async def submit(self, runner_id: str, lat: float, lon: float, mode: Mode) -> bool:
        """Store this position; True once it is committed (and in the index and announced),
        False when the database has no row for the runner any more."""
        if self._closing:
            raise PositionWriteError("the server is shutting down; position not stored")
        stored: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append(_Update(runner_id, lat, lon, mode, stored))
        self._wake.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="position-writer")
        return await stored

    async def aclose(self) -> None:
        """Write what is queued, then stop; later submissions are refused."""
        self._closing = True
        task, self._task = self._task, None
        if task is None:
            return
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=CLOSE_TIMEOUT_S)
        if not done:
            log.error("position updates still queued at shutdown were not stored")
            await cancel_and_wait(task)

    # ----------------------------------------------------------------------------- writing

    async def _run(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self._queue[: self._max_batch]
            del self._queue[: self._max_batch]
            try:
                moved = await self._write(batch)
            except asyncio.CancelledError:
                for item in [*batch, *self._queue]:
                    item.stored.cancel()
                raise
            except Exception as exc:
                log.exception("storing %d position updates failed", len(batch))
                for item in batch:
                    if not item.stored.done():  # a request that gave up cancelled its future
                        failure = PositionWriteError(f"position not stored: {exc}")
                        item.stored.set_exception(failure)
                continue
            for item in batch:
                if not item.stored.done():
                    item.stored.set_result(item.runner_id in moved)

    async def _write(self, batch: list[_Update]) -> set[str]:
        """Store the batch; the ids whose rows moved (the index and the notice follow)."""
        now = self._log.clock()
        latest: dict[str, Runner] = {}
        for item in batch:  # in arrival order, so a runner's last update wins
            known = latest.get(item.runner_id) or self._index.get(item.runner_id)
            if known is not None:
                latest[item.runner_id] = replace(
                    known, lat=item.lat, lon=item.lon, position_at=now, mode=item.mode
                )
        if not latest:
            return set()
        engine = self._log.database.autocommit
        if engine is not None:
            moved = await self._write_postgres(engine, list(latest.values()), now)
        else:
            moved = await self._write_in_transaction(list(latest.values()), now)
        for runner_id, runner in latest.items():
            if runner_id in moved:
                self._index.put(runner)
            else:  # the row has gone: the index follows the database
                self._index.drop(runner_id)
        self.batches_written += 1
        self.updates_written += len(batch)
        return moved

    async def _write_postgres(
        self, engine: AsyncEngine, batch: list[Runner], now: datetime
    ) -> set[str]:
        moved: set[str] = set()
        async with engine.connect() as conn:
            for chunk, docs in self._notice_sized(batch):
                row = (
                    await conn.execute(
                        _MOVE_MANY_AND_NOTIFY,
                        {
                            "ids": [r.id for r in chunk],
                            "lats": [r.lat for r in chunk],
                            "lons": [r.lon for r in chunk],
                            "modes": [r.mode.value for r in chunk],
                            "docs": docs,
                            "at": now,
                            "channel": RUNNERS_CHANNEL,
                            "head": self._head,
                        },
                    )
                ).first()
                if row is not None:
                    moved.update(row[0])
        return moved

    def _notice_sized(self, batch: list[Runner]) -> Iterator[tuple[list[Runner], list[str]]]:
        """The batch in chunks whose notice fits in one NOTIFY payload, with their JSON."""
        chunk: list[Runner] = []
        docs: list[str] = []
        size = len(self._head.encode()) + 2
        for runner in batch:
            doc = dumps(runner.to_json())
            cost = len(doc.encode()) + 1
            if chunk and size + cost > MAX_NOTICE_BYTES:
                yield chunk, docs
                chunk, docs, size = [], [], len(self._head.encode()) + 2
            chunk.append(runner)
            docs.append(doc)
            size += cost
        if chunk:
            yield chunk, docs

    async def _write_in_transaction(self, batch: list[Runner], now: datetime) -> set[str]:
        """SQLite (no NOTIFY): one executemany under the process's write lock."""
        rows: list[dict[str, Any]] = [
            {"b_id": r.id, "b_lat": r.lat, "b_lon": r.lon, "b_at": now, "b_mode": r.mode.value}
            for r in batch
        ]
        async with self._log.write(sequenced=False) as tx:
            result = await tx.conn.execute(_UPDATE_ONE, rows)
            if result.rowcount == len(rows):
                return {r.id for r in batch}
            return await world_store.existing_ids(tx.conn, runners, [r.id for r in batch])
