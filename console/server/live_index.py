"""The runners and AEDs of this process's memory: the domain spatial index plus their records.

Alerting must answer in microseconds, so positions live in :class:`PointIndex` here and are
persisted in the database by the same request that moves them. Other processes on the same
PostgreSQL database announce their position updates (``runners`` NOTIFY channel), and
:meth:`console.server.dispatch.Dispatch.on_runner_notice` keeps this copy current, so every
process alerts the same runners.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from console.domain.constants import ACTIVE_POSITION_MAX_AGE
from console.domain.model import Aed, Runner
from console.domain.spatial_index import Neighbour, PointIndex


class RunnerIndex:
    def __init__(self) -> None:
        self._points = PointIndex()
        self._runners: dict[str, Runner] = {}

    def __len__(self) -> int:
        return len(self._runners)

    @property
    def points(self) -> PointIndex:
        return self._points

    def __contains__(self, runner_id: object) -> bool:
        return runner_id in self._runners

    def ids(self) -> list[str]:
        return list(self._runners)

    def replace_all(self, runners: Iterable[Runner]) -> None:
        """Start over from the database's rows (start-up, reset, a missed notification)."""
        self._points = PointIndex()
        self._runners = {runner.id: runner for runner in runners}
        ids = list(self._runners)
        self._points.bulk_load(
            ids,
            (self._runners[i].lat for i in ids),
            (self._runners[i].lon for i in ids),
        )

    def put(self, runner: Runner) -> None:
        if runner.id in self._runners:
            self._points.move(runner.id, runner.lat, runner.lon)
        else:
            self._points.insert(runner.id, runner.lat, runner.lon)
        self._runners[runner.id] = runner

    def drop(self, runner_id: str) -> None:
        if self._runners.pop(runner_id, None) is not None:
            self._points.remove(runner_id)

    def get(self, runner_id: str) -> Runner | None:
        return self._runners.get(runner_id)

    def drop_older_than(self, cutoff: datetime) -> int:
        stale = [r.id for r in self._runners.values() if r.position_at < cutoff]
        for runner_id in stale:
            self.drop(runner_id)
        return len(stale)

    def nearest_active(
        self,
        lat: float,
        lon: float,
        k: int,
        radius_m: float,
        now: datetime,
        exclude: set[str],
    ) -> list[tuple[Runner, float]]:
        """The ``k`` nearest active runners within ``radius_m`` that are not in ``exclude``."""
        cutoff = now - ACTIVE_POSITION_MAX_AGE
        runners = self._runners

        def accept(runner_id: str) -> bool:
            return runner_id not in exclude and runners[runner_id].position_at > cutoff

        found = self._points.nearest(lat, lon, k, radius_m, accept)
        return [(runners[n.id], n.distance_m) for n in found]

    def within_active(self, lat: float, lon: float, radius_m: float, now: datetime) -> list[Runner]:
        cutoff = now - ACTIVE_POSITION_MAX_AGE
        return [
            self._runners[n.id]
            for n in self._points.within(lat, lon, radius_m)
            if self._runners[n.id].position_at > cutoff
        ]


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

    def replace_all(self, aeds: Iterable[Aed]) -> None:
        self._points = PointIndex()
        self._aeds = {aed.id: aed for aed in aeds}
        ids = list(self._aeds)
        self._points.bulk_load(
            ids, (self._aeds[i].lat for i in ids), (self._aeds[i].lon for i in ids)
        )

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
