"""How fast the runner index answers "the 20 nearest within 5 km", and what a move costs.

Alerting asks this once per mission and the console previews it on every click, over the
national 57,307 runners. Compared here on the same world and the same query points:

- ``PointIndex`` (cKDTree on unit-sphere xyz, exact haversine_m on the candidates): the one used;
- a numpy brute-force scan (haversine over every runner, argpartition for the 20): the baseline;
- a uniform grid of ~1.1 km cells searched ring by ring (numpy per ring): the alternative that
  was measured and not chosen. It lives here, not in console/, because only the bench needs it.

Query points are a random runner's position moved 0–1 km in a random direction: arrests happen
where people live, which is also where the index is densest (Copenhagen) and thus hardest.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from console.domain.constants import ALERT_COUNT, ALERT_RADIUS_M, NATIONAL_ACTIVE_RUNNERS
from console.domain.geometry import destination_point, haversine_m, haversine_m_array
from console.domain.spatial_index import PointIndex

RUNS = 5
QUERIES = 2_000
BRUTE_QUERIES = 500
MOVES = 10_000
SEED = 20250603
#: Denmark's land bounding box, for the synthetic spread when the world generator is absent.
DK_BBOX = (54.56, 8.07, 57.75, 15.20)

Runners = tuple[list[str], list[float], list[float]]
Answer = list[tuple[str, float]]


def _runners() -> tuple[str, Runners]:
    try:
        from console.domain.world import generate_world
    except ImportError:
        rng = np.random.default_rng(SEED)
        lats = rng.uniform(DK_BBOX[0], DK_BBOX[2], NATIONAL_ACTIVE_RUNNERS).tolist()
        lons = rng.uniform(DK_BBOX[1], DK_BBOX[3], NATIONAL_ACTIVE_RUNNERS).tolist()
        ids = [f"r{i:06d}" for i in range(NATIONAL_ACTIVE_RUNNERS)]
        return "synthetic uniform spread over Denmark's bbox", (ids, lats, lons)
    world = generate_world(1, datetime(2025, 6, 3, 12, 0, tzinfo=UTC))
    runners = world.runners
    return "generate_world(seed=1)", (
        [r.id for r in runners],
        [r.lat for r in runners],
        [r.lon for r in runners],
    )


def _query_points(
    runners: Runners, count: int, rng: np.random.Generator
) -> list[tuple[float, float]]:
    _, lats, lons = runners
    points = []
    for i in rng.integers(0, len(lats), count).tolist():
        bearing, distance = float(rng.uniform(0, 360)), float(rng.uniform(0, 1000))
        points.append(destination_point(lats[i], lons[i], bearing, distance))
    return points


class BruteForce:
    """The numpy baseline: every distance, then the k smallest."""

    def __init__(self, runners: Runners) -> None:
        self.ids = runners[0]
        self.lats = np.asarray(runners[1])
        self.lons = np.asarray(runners[2])

    def nearest(self, lat: float, lon: float, k: int, radius_m: float) -> list[int]:
        d = haversine_m_array(lat, lon, self.lats, self.lons)
        inside = np.flatnonzero(d <= radius_m)
        if inside.size > k:
            inside = inside[np.argpartition(d[inside], k)[:k]]
        ranked: list[int] = inside[np.argsort(d[inside], kind="stable")].tolist()
        return ranked

    def exact(self, lat: float, lon: float, k: int, radius_m: float) -> Answer:
        """The reference answer: numpy narrows to 1 m beyond the radius, haversine_m decides."""
        d = haversine_m_array(lat, lon, self.lats, self.lons)
        near = np.flatnonzero(d <= radius_m + 1.0).tolist()
        scored = [
            (haversine_m(lat, lon, float(self.lats[i]), float(self.lons[i])), self.ids[i])
            for i in near
        ]
        scored = sorted(s for s in scored if s[0] <= radius_m)[:k]
        return [(point_id, dist) for dist, point_id in scored]


class Grid:
    """The alternative: cells of ~1.1 km, rings searched outwards until the k-th is proven."""

    CELL_DEG_LAT = 0.01
    CELL_DEG_LON = 0.018

    def __init__(self, runners: Runners) -> None:
        self.ids = runners[0]
        self.lats = np.asarray(runners[1])
        self.lons = np.asarray(runners[2])
        rows = np.floor(self.lats / self.CELL_DEG_LAT).astype(np.int64)
        cols = np.floor(self.lons / self.CELL_DEG_LON).astype(np.int64)
        cells: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for i, key in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            cells[key].append(i)
        self.cells = {key: np.asarray(members) for key, members in cells.items()}

    def nearest(self, lat: float, lon: float, k: int, radius_m: float) -> Answer:
        row = math.floor(lat / self.CELL_DEG_LAT)
        col = math.floor(lon / self.CELL_DEG_LON)
        metres_per_deg = math.pi * 6_371_008.8 / 180
        # Distance from the query to its own cell's edges, the start of the clearance.
        lat_edge = min(lat - row * self.CELL_DEG_LAT, (row + 1) * self.CELL_DEG_LAT - lat)
        lon_edge = min(lon - col * self.CELL_DEG_LON, (col + 1) * self.CELL_DEG_LON - lon)
        chunks: list[npt.NDArray[np.int64]] = []
        ring = 0
        while True:
            for dr in range(-ring, ring + 1):
                for dc in range(-ring, ring + 1):
                    if max(abs(dr), abs(dc)) == ring:
                        members = self.cells.get((row + dr, col + dc))
                        if members is not None:
                            chunks.append(members)
            cos_far = math.cos(math.radians(abs(lat) + (ring + 1) * self.CELL_DEG_LAT))
            clearance = metres_per_deg * min(
                lat_edge + ring * self.CELL_DEG_LAT,
                (lon_edge + ring * self.CELL_DEG_LON) * cos_far,
            )
            candidates = np.concatenate(chunks) if chunks else np.empty(0, np.int64)
            limit = min(radius_m, clearance)
            if candidates.size >= k or clearance > radius_m:
                d = haversine_m_array(lat, lon, self.lats[candidates], self.lons[candidates])
                # numpy narrows to 1 m beyond the limit, haversine_m decides.
                near = candidates[d <= limit + 1.0].tolist()
                scored = sorted(
                    (haversine_m(lat, lon, float(self.lats[i]), float(self.lons[i])), self.ids[i])
                    for i in near
                )
                inside = [(point_id, dist) for dist, point_id in scored if dist <= limit]
                if len(inside) >= k or clearance > radius_m:
                    return inside[:k]
            ring += 1


def _median_per_call(
    call: Callable[[float, float], object], points: Sequence[tuple[float, float]]
) -> float:
    """Median seconds per call over the points, then the median of RUNS such medians."""
    run_medians = []
    for _ in range(RUNS):
        times = []
        for lat, lon in points:
            started = time.perf_counter()
            call(lat, lon)
            times.append(time.perf_counter() - started)
        run_medians.append(statistics.median(times))
    return statistics.median(run_medians)


def _moves_then_query(runners: Runners, rng: np.random.Generator) -> tuple[float, float]:
    """Seconds per move, amortised over MOVES moves and the one query that absorbs them; and
    the seconds that query took."""
    ids, lats, lons = runners
    index = PointIndex()
    index.bulk_load(ids, lats, lons)
    index.nearest(lats[0], lons[0], ALERT_COUNT, ALERT_RADIUS_M)
    who = rng.integers(0, len(ids), MOVES).tolist()
    dlat = rng.uniform(-0.002, 0.002, MOVES).tolist()
    dlon = rng.uniform(-0.003, 0.003, MOVES).tolist()
    moves = [(ids[i], lats[i] + a, lons[i] + b) for i, a, b in zip(who, dlat, dlon, strict=True)]
    started = time.perf_counter()
    for point_id, lat, lon in moves:
        index.move(point_id, lat, lon)
    moved = time.perf_counter()
    index.nearest(lats[0], lons[0], ALERT_COUNT, ALERT_RADIUS_M)
    done = time.perf_counter()
    return (done - started) / MOVES, done - moved


def main() -> None:
    source, runners = _runners()
    ids, lats, lons = runners
    rng = np.random.default_rng(SEED)
    points = _query_points(runners, QUERIES, rng)
    print(f"{len(ids):,} runners from {source}; {QUERIES:,} query points")
    k, radius = ALERT_COUNT, ALERT_RADIUS_M

    index = PointIndex()
    builds = []
    for _ in range(RUNS):
        fresh = PointIndex()
        started = time.perf_counter()
        fresh.bulk_load(ids, lats, lons)
        fresh.nearest(lats[0], lons[0], 1, 1.0)  # the first query builds the tree
        builds.append(time.perf_counter() - started)
        index = fresh
    print(f"bulk_load + first build: median {statistics.median(builds) * 1e3:.0f} ms")

    brute = BruteForce(runners)
    grid = Grid(runners)
    mismatches = 0
    grid_mismatches = 0
    for lat, lon in points:
        expected = brute.exact(lat, lon, k, radius)
        got = [(n.id, n.distance_m) for n in index.nearest(lat, lon, k, radius)]
        mismatches += got != expected
        grid_mismatches += grid.nearest(lat, lon, k, radius) != expected
    print(
        f"answers identical to an exact haversine_m scan (ids, order, float distances): "
        f"{QUERIES - mismatches}/{QUERIES}" + ("" if mismatches == 0 else "   <-- MISMATCH")
    )

    t_index = _median_per_call(lambda a, o: index.nearest(a, o, k, radius), points)
    t_grid = _median_per_call(lambda a, o: grid.nearest(a, o, k, radius), points)
    t_brute = _median_per_call(lambda a, o: brute.nearest(a, o, k, radius), points[:BRUTE_QUERIES])
    print(f"{k} nearest within {radius:,.0f} m, median per query (median of {RUNS} runs):")
    print(f"  PointIndex (cKDTree)   {t_index * 1e6:8.1f} µs   target <= 50 µs")
    print(
        f"  grid of 1.1 km cells   {t_grid * 1e6:8.1f} µs   (alternative, not used; "
        f"{QUERIES - grid_mismatches}/{QUERIES} identical)"
    )
    print(f"  numpy brute force      {t_brute * 1e6:8.1f} µs   (first {BRUTE_QUERIES} points)")
    print(f"  brute force / PointIndex = {t_brute / t_index:.0f}x   target >= 50x")

    accepted = set(ids[::3])
    t_accept = _median_per_call(
        lambda a, o: index.nearest(a, o, k, radius, accepted.__contains__), points
    )
    print(f"  PointIndex, accept() passes 1 in 3 ids   {t_accept * 1e6:8.1f} µs")

    per_move, absorbing = [], []
    for _ in range(RUNS):
        move_cost, query_cost = _moves_then_query(runners, rng)
        per_move.append(move_cost)
        absorbing.append(query_cost)
    print(
        f"{MOVES:,} moves then one query: {statistics.median(per_move) * 1e6:.2f} µs per move "
        f"amortised (the query that rebuilds: {statistics.median(absorbing) * 1e3:.0f} ms; "
        f"medians of {RUNS} runs)"
    )

    overlay = PointIndex()
    overlay.bulk_load(ids, lats, lons)
    overlay.nearest(lats[0], lons[0], 1, 1.0)
    for i in rng.integers(0, len(ids), 1_000).tolist():
        overlay.move(ids[i], lats[i] + 0.001, lons[i])
    t_overlay = _median_per_call(lambda a, o: overlay.nearest(a, o, k, radius), points)
    print(f"  query with 1,000 moves buffered (no rebuild): {t_overlay * 1e6:.1f} µs")
    compacts = []
    for _ in range(RUNS):
        started = time.perf_counter()
        overlay.compact()
        compacts.append(time.perf_counter() - started)
        overlay.move(ids[0], lats[0], lons[0])
    print(
        f"  compact() (the rebuild, when the owner has idle time): "
        f"median {statistics.median(compacts) * 1e3:.0f} ms"
    )


if __name__ == "__main__":
    main()
