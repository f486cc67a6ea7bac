"""What the dispatch rules cost: opening hours for every AED, alerting, and task assignment.

The map legend classifies all 26,182 AEDs whenever the hour turns, and the server runs
``select_runners_to_alert`` on raise and ``assign_task`` on every acceptance; none of them may
be noticeable next to a network round trip. Points are spread uniformly over Denmark's bounding
box (a harder case for the index than the real, clustered population).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from console.domain.constants import NATIONAL_ACTIVE_RUNNERS, NATIONAL_AEDS, NATIONAL_AEDS_24_7
from console.domain.model import Aed, AedAccess, AedStatus, LatLon
from console.domain.opening_hours import OpeningHours, _parse_cached, aed_availability
from console.domain.rules import AedCatalogue, assign_task, select_runners_to_alert
from console.domain.spatial_index import PointIndex

RUNS = 5
NOW = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
PATIENT = LatLon(55.6761, 12.5683)  # Copenhagen


def _median_s(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _hour_strings(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct strings in the shapes the world generator uses."""
    shapes = [
        "Mo-Fr {a}-{b}",
        "Mo-Fr {a}-{b}; PH off",
        "Mo-Th {a}-{b}; Fr {a}-14:00",
        "Mo-Fr {a}-{b}; Sa-Su 09:00-17:00",
        "Mo-Su {a}-{b}",
    ]
    found: set[str] = set()
    while len(found) < n:
        start, end = rng.randrange(5, 11), rng.randrange(14, 24)
        a, b = f"{start:02d}:{rng.choice(['00', '30'])}", f"{end:02d}:{rng.choice(['00', '30'])}"
        found.add(rng.choice(shapes).format(a=a, b=b))
    return sorted(found)


def _points(rng: random.Random, n: int) -> tuple[list[float], list[float]]:
    return [rng.uniform(54.6, 57.7) for _ in range(n)], [rng.uniform(8.1, 12.7) for _ in range(n)]


def main() -> None:
    rng = random.Random(7)
    strings = _hour_strings(rng, 300)

    def parse_all_uncached() -> None:
        _parse_cached.cache_clear()
        for text in strings:
            OpeningHours.parse(text)

    per_parse = _median_s(parse_all_uncached) / len(strings)
    print(f"OpeningHours.parse, uncached:           {per_parse * 1e6:7.1f} µs per string")

    lats, lons = _points(rng, NATIONAL_AEDS)
    aeds = [
        Aed(
            f"aed-{i:06d}",
            lats[i],
            lons[i],
            "",
            AedAccess.ALWAYS if i < NATIONAL_AEDS_24_7 else AedAccess.LIMITED,
            None if i < NATIONAL_AEDS_24_7 else rng.choice(strings),
            AedStatus.AVAILABLE,
        )
        for i in range(NATIONAL_AEDS)
    ]
    _parse_cached.cache_clear()
    cold = _median_s(lambda: [aed_availability(a, NOW) for a in aeds], runs=1)
    warm = _median_s(lambda: [aed_availability(a, NOW) for a in aeds])
    print(
        f"aed_availability, all {NATIONAL_AEDS:,} AEDs:  first {cold * 1e3:6.1f} ms, "
        f"median {warm * 1e3:6.1f} ms ({warm / NATIONAL_AEDS * 1e6:.2f} µs per AED)"
    )

    runner_index = PointIndex()
    ids = [f"r{i}" for i in range(NATIONAL_ACTIVE_RUNNERS)]
    runner_index.bulk_load(ids, *_points(rng, NATIONAL_ACTIVE_RUNNERS))
    ages = {rid: NOW - timedelta(hours=rng.uniform(0, 96)) for rid in ids}
    runner_index.nearest(PATIENT.lat, PATIENT.lon, 1, 1.0)  # build the tree outside the timing
    queries = [LatLon(*p) for p in zip(*_points(rng, 200), strict=True)]

    def alert_all() -> None:
        for q in queries:
            select_runners_to_alert(runner_index, q, NOW, ages, ())

    def nearest_all() -> None:
        for q in queries:
            runner_index.nearest(q.lat, q.lon, 20, 5_000.0)

    alert = _median_s(alert_all) / len(queries)
    bare = _median_s(nearest_all) / len(queries)
    print(
        f"select_runners_to_alert (20 in 5 km):   {alert * 1e6:7.1f} µs per call "
        f"(index alone, no filter: {bare * 1e6:.1f} µs)"
    )

    aed_index = PointIndex()
    aed_index.bulk_load([a.id for a in aeds], [a.lat for a in aeds], [a.lon for a in aeds])
    aed_index.nearest(PATIENT.lat, PATIENT.lon, 1, 1.0)
    catalogue = AedCatalogue(aed_index, {a.id: a for a in aeds})
    evening = NOW.replace(hour=20)  # 22:00 local: most limited AEDs closed

    def assign_all(at: datetime) -> None:
        for q in queries:
            assign_task(0, q, 5_000.0, catalogue, at, {})

    for label, at in (("day", NOW), ("late evening", evening)):
        per_call = _median_s(partial(assign_all, at)) / len(queries)
        print(f"assign_task ({label}):{' ' * (19 - len(label))}{per_call * 1e6:7.1f} µs per call")


if __name__ == "__main__":
    main()
