"""What the service-area check costs: building Denmark's area once, and asking it questions.

The world generator asks about ~100,000 candidate points at once (target: well under 0.5 s);
the server checks every mission location and simulated runner one at a time. Points are uniform
over Denmark's bounding box, about a third of them in the service area. Figures are medians of
5 runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from console.domain.geometry import haversine_m, haversine_m_array
from console.domain.service_area import ServiceArea, _denmark

RUNS = 5
POINTS = 100_000
SINGLE_CALLS = 2_000
SEED = 20250603
DENMARK_BBOX = (8.07, 54.55, 15.20, 57.76)  # minLon, minLat, maxLon, maxLat


def _median_s(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(SEED)
    lats = rng.uniform(DENMARK_BBOX[1], DENMARK_BBOX[3], POINTS)
    lons = rng.uniform(DENMARK_BBOX[0], DENMARK_BBOX[2], POINTS)

    build = _median_s(_denmark.__wrapped__)
    area = ServiceArea.denmark()
    print(f"build Denmark's service area (read, project, union, buffer): {build * 1e3:.0f} ms")
    print(f"  documented margin error: {area.margin_error_m:.2f} m (buffer edge never beyond 2 km)")

    many = _median_s(lambda: area.contains_many(lats, lons))
    inside = float(area.contains_many(lats, lons).mean())
    print(
        f"contains_many, {POINTS:,} points: {many * 1e3:.1f} ms "
        f"({many / POINTS * 1e9:.0f} ns/point; {inside:.1%} inside)"
    )

    sample = list(zip(lats[:SINGLE_CALLS].tolist(), lons[:SINGLE_CALLS].tolist(), strict=True))
    one = _median_s(lambda: [area.contains(a, b) for a, b in sample]) / SINGLE_CALLS
    print(f"contains, one point: {one * 1e6:.1f} µs")
    outside = [(a, b) for a, b in sample if not area.contains(a, b)][:200]
    distance = _median_s(lambda: [area.distance_to_land_m(a, b) for a, b in outside]) / len(outside)
    print(
        f"distance_to_land_m (the OutsideServiceArea message), one point: {distance * 1e3:.2f} ms"
    )

    vector = _median_s(lambda: haversine_m_array(55.6761, 12.5683, lats, lons))
    scalar = _median_s(lambda: [haversine_m(55.6761, 12.5683, a, b) for a, b in sample])
    print(
        f"haversine_m_array, {POINTS:,} points: {vector * 1e3:.2f} ms "
        f"({vector / POINTS * 1e9:.0f} ns/point); haversine_m: "
        f"{scalar / SINGLE_CALLS * 1e9:.0f} ns/call"
    )


if __name__ == "__main__":
    main()
