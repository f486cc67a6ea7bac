"""The runners and AEDs of this process's memory: the domain spatial index plus their records.

Alerting must answer in microseconds, so positions live in :class:`PointIndex` here and are
persisted in the database by the same request that moves them. Other processes on the same
PostgreSQL database announce their position updates (``runners`` NOTIFY channel), and
:meth:`console.server.dispatch.Dispatch.on_runner_notice` keeps this copy current, so every
process alerts the same runners.

Why the runner index compacts itself in the background. :class:`PointIndex` buffers moves in
an overlay that every query scans, and the first query after 4,096 buffered moves rebuilds the
tree: ~60 ms for the national 57k runners (``bench/bench_spatial.py``). Position reports never
stop while alerts are rare, so nearly every real raise would pay that rebuild, and the scan of a
full overlay before it (~90 µs per 2,000 moved runners, cold caches). Once ``compact_at``
distinct runners have moved, a fresh index is therefore built from a snapshot in a worker thread
(not on the event loop, which it would stall for the 60 ms); the moves made meanwhile are
replayed onto it and it replaces the old one. Queries then see a small overlay and never
rebuild. The trigger counts runners, not moves: a runner moving again reuses its overlay slot,
so a few busy runners never make a compaction worth its ~80 ms of CPU.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final

from console.domain.constants import ACTIVE_POSITION_MAX_AGE
from console.domain.model import Aed, Runner
from console.domain.spatial_index import Neighbour, PointIndex
from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.index")

#: Runners moved since the last build that start a background compaction (see above): half
#: PointIndex's 4,096-slot overlay, so a build is done long before a query would rebuild; at
#: the national ~190 reports a second, one build every ~10 s, about 1 % of a core.
COMPACT_AT: Final = 2_048

#: A change made while a compaction ran: (id, lat, lon) placed there, or (id, None, None) gone.
_Change = tuple[str, float | None, float | None]


def _compacted(ids: list[str], lats: list[float], lons: list[float]) -> PointIndex:
    """A fresh index with its tree built (runs in a worker thread: it touches nothing shared)."""
    index = PointIndex()
    index.bulk_load(ids, lats, lons)
    index.compact()
    return index


class RunnerIndex:
    def __init__(self, *, compact_at: int = COMPACT_AT) -> None:
        if compact_at < 1:
            raise ValueError(f"compact_at must be at least 1, got {compact_at}")
        self._points = PointIndex()
        self._runners: dict[str, Runner] = {}
        #: Each runner's position time, kept beside the records: the alerting rule reads it for
        #: every candidate, and a plain dict answers without a Python call.
        self._position_at: dict[str, datetime] = {}
        self._compact_at = compact_at
        #: Runners changed since the tree was last built (what the overlay holds).
        self._moved: set[str] = set()
        self._compaction: asyncio.Task[None] | None = None
        self._changes: list[_Change] | None = None  # recorded while a compaction runs
        self.compactions = 0

    def __len__(self) -> int:
        return len(self._runners)

    def __contains__(self, runner_id: object) -> bool:
        return runner_id in self._runners

    @property
    def points(self) -> PointIndex:
        return self._points

    @property
    def position_times(self) -> Mapping[str, datetime]:
        """Runner id → last position time, as :func:`select_runners_to_alert` takes it."""
        return self._position_at

    def ids(self) -> list[str]:
        return list(self._runners)

    def replace_all(self, runners: Iterable[Runner]) -> None:
        """Start over from the database's rows (start-up, reset, a missed notification)."""
        self._abandon_compaction()
        self._points = PointIndex()
        self._runners = {runner.id: runner for runner in runners}
        self._moved = set(self._runners)  # the tree is yet to be built
        self._position_at = {runner.id: runner.position_at for runner in self._runners.values()}
        ids = list(self._runners)
        self._points.bulk_load(
            ids,
            (self._runners[i].lat for i in ids),
            (self._runners[i].lon for i in ids),
        )
        self._compact_if_due()  # the tree is built off the event loop, not by the first raise

    def put(self, runner: Runner) -> None:
        if runner.id in self._runners:
            self._points.move(runner.id, runner.lat, runner.lon)
        else:
            self._points.insert(runner.id, runner.lat, runner.lon)
        self._runners[runner.id] = runner
        self._position_at[runner.id] = runner.position_at
        self._moved.add(runner.id)
        if self._changes is not None:
            self._changes.append((runner.id, runner.lat, runner.lon))
        self._compact_if_due()

    def drop(self, runner_id: str) -> None:
        if self._runners.pop(runner_id, None) is not None:
            del self._position_at[runner_id]
            self._points.remove(runner_id)
            self._moved.add(runner_id)
            if self._changes is not None:
                self._changes.append((runner_id, None, None))
            self._compact_if_due()

    def get(self, runner_id: str) -> Runner | None:
        return self._runners.get(runner_id)

    def within_active(self, lat: float, lon: float, radius_m: float, now: datetime) -> list[Runner]:
        cutoff = now - ACTIVE_POSITION_MAX_AGE
        return [
            self._runners[n.id]
            for n in self._points.within(lat, lon, radius_m)
            if self._runners[n.id].position_at > cutoff
        ]

    # ----------------------------------------------------------------- background compaction

    async def compaction_done(self) -> None:
        """Wait for the compaction in progress, if any, to finish or be abandoned."""
        task = self._compaction
        if task is not None:
            await asyncio.wait({task})

    async def aclose(self) -> None:
        """Stop a compaction in progress (at shutdown); the index stays usable."""
        await cancel_and_wait(self._abandon_compaction())

    def _compact_if_due(self) -> None:
        if self._compaction is not None or len(self._moved) < self._compact_at:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a script, a test): the next query rebuilds, as PointIndex does
        self._changes = []
        self._moved = set()
        self._compaction = asyncio.create_task(self._compact(), name="runner-index-compaction")

    async def _compact(self) -> None:
        ids = list(self._runners)
        runners = self._runners
        lats = [runners[i].lat for i in ids]
        lons = [runners[i].lon for i in ids]
        try:
            fresh = await asyncio.to_thread(_compacted, ids, lats, lons)
        except Exception:
            log.exception("compacting the runner index failed; queries will rebuild it")
            self._changes = None
            self._compaction = None
            return
        changes, self._changes = self._changes or [], None
        for runner_id, lat, lon in changes:  # what moved while the tree was being built
            if lat is None or lon is None:
                if runner_id in fresh:
                    fresh.remove(runner_id)
            elif runner_id in fresh:
                fresh.move(runner_id, lat, lon)
            else:
                fresh.insert(runner_id, lat, lon)
        self._points = fresh
        self._compaction = None
        self.compactions += 1

    def _abandon_compaction(self) -> asyncio.Task[None] | None:
        task, self._compaction = self._compaction, None
        self._changes = None
        if task is not None:
            task.cancel()
        return task


class AedIndex:
    """AED positions never move, so the index is built once; statuses are read in the
    transaction that needs them, since another process may have changed one."""

    def __init__(self) -> None:
        self._points = PointIndex()
        self._aeds: dict[str, Aed] = {}

    def __len__(self) -> int:
        return len(self._aeds)

    @property
    def points(self) -> PointIndex:
        return self._points

    def ids(self) -> list[str]:
        return list(self._aeds)

    @property
    def records(self) -> Mapping[str, Aed]:
        """AED id → the AED as loaded (its status as of then: overlay the current ones)."""
        return self._aeds

    def replace_all(self, aeds: Iterable[Aed]) -> None:
        self._points = PointIndex()
        self._aeds = {aed.id: aed for aed in aeds}
        ids = list(self._aeds)
        self._points.bulk_load(
            ids, (self._aeds[i].lat for i in ids), (self._aeds[i].lon for i in ids)
        )
        # Built now (~30 ms for the national set, at start-up or a reset) rather than by the
        # first acceptance's task assignment.
        self._points.compact()

    def add(self, aeds: Iterable[Aed]) -> None:
        for aed in aeds:
            if aed.id in self._aeds:
                self._points.move(aed.id, aed.lat, aed.lon)
            else:
                self._points.insert(aed.id, aed.lat, aed.lon)
            self._aeds[aed.id] = aed

    def get(self, aed_id: str) -> Aed | None:
        return self._aeds.get(aed_id)

    def within(self, lat: float, lon: float, radius_m: float) -> list[Neighbour]:
        return self._points.within(lat, lon, radius_m)
