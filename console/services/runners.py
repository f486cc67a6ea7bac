"""Runners near a point, and the preview the dispatcher sees before raising an alert.

The preview applies the same rule functions as the server (:mod:`console.domain.rules`): the
20 nearest active runners within 5 km, leaving out runners already engaged on an open mission
(from the cache). It is a preview: the server decides when the alert is raised, on positions
that may have moved since. Runners are never cached (their positions are personal data kept
only as long as needed).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.api.client import DispatchClient
from console.cache.store import Cache
from console.domain.constants import ALERT_COUNT, ALERT_RADIUS_M, MAX_RADIUS_M
from console.domain.geometry import haversine_m
from console.domain.model import LatLon, Runner
from console.domain.rules import engaged_runner_ids, select_runners_to_alert
from console.services.clock import Clock, SystemClock


@dataclass(frozen=True, slots=True)
class Candidate:
    runner: Runner
    distance_m: float
    #: Accepted another open mission: will not be alerted.
    engaged: bool
    #: The rank the runner would get (1 = nearest alerted), or None when not alerted.
    rank: int | None


@dataclass(frozen=True, slots=True)
class AlertPreview:
    location: LatLon
    radius_m: float
    #: Every runner within the radius, nearest first.
    candidates: tuple[Candidate, ...]

    @property
    def would_alert(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.rank is not None)


class RunnerService:
    def __init__(self, client: DispatchClient, cache: Cache, clock: Clock | None = None) -> None:
        self._client = client
        self._cache = cache
        self._clock: Clock = clock or SystemClock()

    async def near(self, location: LatLon, radius_m: float) -> list[Runner]:
        """Active runners within ``radius_m`` (≤ 10 km) of ``location``, from the server."""
        if not 0 < radius_m <= MAX_RADIUS_M:
            raise ValueError(f"radius_m must be in (0, {MAX_RADIUS_M:.0f}], got {radius_m}")
        return await self._client.runners_near(location.lat, location.lon, radius_m)

    async def preview(
        self,
        location: LatLon,
        *,
        radius_m: float = ALERT_RADIUS_M,
        count: int = ALERT_COUNT,
    ) -> AlertPreview:
        """Who an alert at ``location`` would reach now, by the dispatch rules."""
        runners = await self.near(location, radius_m)
        engaged = engaged_runner_ids(await self._cache.open_missions())
        # numpy's index, imported at the first preview rather than with the services: the
        # console's start-up does without numpy (~80 ms).
        from console.domain.spatial_index import PointIndex

        index = PointIndex()
        for runner in runners:
            index.insert(runner.id, runner.lat, runner.lon)
        chosen = select_runners_to_alert(
            index,
            location,
            self._clock.now(),
            {runner.id: runner.position_at for runner in runners},
            engaged,
            count=count,
            radius_m=radius_m,
        )
        ranks = {neighbour.id: rank for rank, neighbour in enumerate(chosen, start=1)}
        candidates = sorted(
            (
                Candidate(
                    runner=runner,
                    distance_m=haversine_m(location.lat, location.lon, runner.lat, runner.lon),
                    engaged=runner.id in engaged,
                    rank=ranks.get(runner.id),
                )
                for runner in runners
            ),
            key=lambda c: (c.distance_m, c.runner.id),
        )
        return AlertPreview(location, radius_m, tuple(candidates))
