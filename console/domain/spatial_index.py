"""Who is nearest: the k nearest runners (or AEDs) to a patient, in microseconds, exactly.

Alerting picks "the 20 nearest active runners within 5,000 m" (DOMAIN.md rule 2) and the console
previews the same list before the dispatcher presses the button, so the two must agree to the last
bit. The index therefore never trusts its own geometry for the answer: a conservative pre-filter
finds candidates and the final distances come from :func:`~console.domain.geometry.haversine_m`
itself, ranked by distance and then id, exactly as a brute-force scan would rank them.

Why a cKDTree on unit-sphere xyz. Measured with ``bench/bench_spatial.py`` on the 57,307 runners
of ``generate_world`` (2 shared cores, other jobs running): one "20 nearest within 5 km" takes
~42 µs here, of which ~16 µs is scipy's tree query itself (mostly its per-call overhead) and most
of the rest is 20 exact haversine_m evaluations in Python. A grid of 1.1 km cells searched ring by
ring, with numpy per ring, took ~145-170 µs: every query pays numpy's per-call overhead on several
cells, and one cell size cannot suit both Copenhagen and West Jutland. A numpy brute-force scan
takes ~2.3-3 ms (55x). Chord distance on the unit sphere is monotonic in great-circle distance, so
the tree's order is the true order up to rounding; a slack of a micrometre (plus 1e-9 relative)
absorbs that rounding, and a near-tie at the candidate frontier makes the query widen rather
than guess. Tree entries are stored in the tree's leaf order, so that one query's candidates sit
together in memory (measured on shuffled input: ~55 µs per query become ~45 µs).

Why moves are buffered. Runners report positions all the time and alerts are rare (about ten a
day), so a move must cost a dict write, not a tree rebuild. A moved, inserted or removed id marks
its tree entry stale; its current position sits in a numpy overlay that queries scan vectorised
(1,000 buffered moves: ~90 µs per query). When the overlay is full, the next query (or an idle
:meth:`PointIndex.compact`) rebuilds the tree: 60-170 ms for the national set depending on load,
so 10,000 moves and one query cost ~10-25 µs per move, amortised, almost all of it the rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

from console.domain.constants import EARTH_RADIUS_M
from console.domain.geometry import haversine_m, validate_lat_lon

__all__ = [
    "DuplicatePointId",
    "Neighbour",
    "PointIndex",
    "UnknownPointId",
]

#: Absolute slack, metres, between the pre-filter and the exact distance. Rounding in the xyz
#: coordinates and in haversine_m is below 1e-8 m for any angle up to _SAFE_ANGLE.
_SLACK_M = 1e-6
#: Relative slack, for the same reason at larger distances.
_SLACK_REL = 1e-9
#: Beyond this central angle (radians) haversine_m's asin becomes ill-conditioned (its error grows
#: towards 0.1 m at the antipode), so the pre-filter stops claiming anything past it.
_SAFE_ANGLE = 2.5
_SAFE_CHORD = 2.0 * math.sin(_SAFE_ANGLE / 2.0)
#: Extra candidates fetched beyond k on the first round, so that a few stale tree entries or
#: rejected ids rarely cost a second round.
_FIRST_ROUND_EXTRA = 4
_NO_CHORDS: npt.NDArray[np.float64] = np.empty(0)
#: Default number of buffered changes before a query rebuilds the tree.
DEFAULT_REBUILD_THRESHOLD = 4096


class Neighbour(NamedTuple):
    """One answer of a query: an id and its haversine distance from the query point."""

    id: str
    distance_m: float


class _IdError(KeyError):
    """KeyError whose str() is the message, not its repr (KeyError quotes its argument)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicatePointId(_IdError):
    """An insert of an id that is already in the index (a move was probably meant)."""


class UnknownPointId(_IdError):
    """A move, remove or lookup of an id that is not in the index."""


def _unit_xyz(lat: float, lon: float) -> tuple[float, float, float]:
    phi = math.radians(lat)
    lmb = math.radians(lon)
    cos_phi = math.cos(phi)
    return (cos_phi * math.cos(lmb), cos_phi * math.sin(lmb), math.sin(phi))


def _unit_xyz_array(
    lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    phi = np.radians(lats)
    lmb = np.radians(lons)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lmb), cos_phi * np.sin(lmb), np.sin(phi)))


def _chord_bound(radius_m: float) -> float:
    """A chord length no point within radius_m (by haversine_m) can exceed."""
    angle = radius_m / EARTH_RADIUS_M
    padded = angle + (_SLACK_M + _SLACK_REL * radius_m) / EARTH_RADIUS_M
    if padded >= _SAFE_ANGLE:
        return math.inf
    return 2.0 * math.sin(padded / 2.0)


def _distance_floor(chord: float) -> float:
    """A distance that haversine_m cannot undercut for any point at least this chord away."""
    chord = min(chord, _SAFE_CHORD)
    exact = 2.0 * EARTH_RADIUS_M * math.asin(chord / 2.0)
    return exact - _SLACK_M - _SLACK_REL * exact


def _check_point(lat: float, lon: float) -> None:
    # The common case (floats, numpy's included, on the globe) without validate_lat_lon's ABC
    # checks, which cost more than a query's bookkeeping; anything else gets its full verdict.
    if (
        isinstance(lat, float)
        and isinstance(lon, float)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    ):
        return
    validate_lat_lon(lat, lon)


def _check_id(point_id: str) -> None:
    if not isinstance(point_id, str):
        raise TypeError(f"point ids are strings, got {type(point_id).__name__}: {point_id!r}")


def _check_query(k: int, radius_m: float) -> None:
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}: {k!r}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    _check_radius(radius_m)


def _check_radius(radius_m: float) -> None:
    if math.isnan(radius_m) or radius_m < 0:
        raise ValueError(f"radius_m must be a number >= 0, got {radius_m!r}")


class PointIndex:
    """Points keyed by string id; nearest-k and within-radius queries exact to haversine_m.

    Not thread-safe: the owner (the server's dispatcher, the console's preview service) calls it
    from one thread or one event loop.
    """

    def __init__(self, rebuild_threshold: int = DEFAULT_REBUILD_THRESHOLD) -> None:
        if isinstance(rebuild_threshold, bool) or not isinstance(rebuild_threshold, int):
            raise TypeError(f"rebuild_threshold must be an int, got {rebuild_threshold!r}")
        if rebuild_threshold < 1:
            raise ValueError(f"rebuild_threshold must be >= 1, got {rebuild_threshold}")
        self._threshold = rebuild_threshold
        # The truth: every id's current position.
        self._pos: dict[str, tuple[float, float]] = {}
        # The tree and the snapshot it was built from. Each row holds haversine_m's own
        # intermediate values for the point, radians(lat) and cos(radians(lat)) from the same
        # math calls (so _measure gives the same bits), then lon and id. Rows are in the tree's
        # leaf order and allocated together, so the ~20 rows one query reads share cache lines
        # (measured: 10 µs faster than input order, 5 µs faster than one list per column).
        self._tree: cKDTree | None = None
        self._base_rows: list[tuple[float, float, float, str]] = []
        self._base_index: dict[str, int] = {}
        # Tree entries that no longer tell the truth (moved or removed since the build).
        self._stale: set[int] = set()
        # The overlay: current positions of changed ids, scanned at query time.
        self._slot_of: dict[str, int] = {}
        # Free slots hold "" and NaN coordinates, which no chord comparison ever accepts.
        self._slot_ids: list[str] = [""] * rebuild_threshold
        self._slot_xyz = np.full((rebuild_threshold, 3), np.nan)
        self._slots_used = 0
        # Set when the overlay overflowed or a bulk load arrived: the next query rebuilds first.
        self._needs_rebuild = False
        # Inserts, moves and removes since the tree was built.
        self._pending = 0

    # -- changes ------------------------------------------------------------------------------

    def insert(self, point_id: str, lat: float, lon: float) -> None:
        """Add a new point; inserting an id twice is an error (use :meth:`move`)."""
        _check_id(point_id)
        _check_point(lat, lon)
        if point_id in self._pos:
            raise DuplicatePointId(f"point id {point_id!r} is already in the index; use move()")
        self._place(point_id, float(lat), float(lon))

    def move(self, point_id: str, lat: float, lon: float) -> None:
        """Give an existing point a new position."""
        _check_point(lat, lon)
        if point_id not in self._pos:
            raise UnknownPointId(f"cannot move {point_id!r}: no such point in the index")
        self._place(point_id, float(lat), float(lon))

    def remove(self, point_id: str) -> None:
        """Drop a point."""
        if point_id not in self._pos:
            raise UnknownPointId(f"cannot remove {point_id!r}: no such point in the index")
        del self._pos[point_id]
        self._pending += 1
        if self._needs_rebuild:
            return
        base = self._base_index.get(point_id)
        if base is not None:
            self._stale.add(base)
        slot = self._slot_of.pop(point_id, None)
        if slot is not None:
            self._slot_ids[slot] = ""
            self._slot_xyz[slot] = np.nan

    def bulk_load(self, ids: Sequence[str], lats: Iterable[float], lons: Iterable[float]) -> None:
        """Add many points at once (start-up); all-or-nothing, and the tree is built once."""
        lat_list = list(lats)
        lon_list = list(lons)
        if not len(ids) == len(lat_list) == len(lon_list):
            raise ValueError(
                f"bulk_load needs equally long ids, lats and lons, got "
                f"{len(ids)}, {len(lat_list)} and {len(lon_list)}"
            )
        seen: set[str] = set()
        for point_id, lat, lon in zip(ids, lat_list, lon_list, strict=True):
            _check_id(point_id)
            _check_point(lat, lon)
            if point_id in self._pos or point_id in seen:
                raise DuplicatePointId(f"point id {point_id!r} is already in the index")
            seen.add(point_id)
        for point_id, lat, lon in zip(ids, lat_list, lon_list, strict=True):
            self._pos[point_id] = (float(lat), float(lon))
        if seen:
            self._pending += len(seen)
            self._needs_rebuild = True

    @property
    def pending_changes(self) -> int:
        """Inserts, moves and removes not yet folded into the tree (queries scan them)."""
        return self._pending

    def compact(self) -> None:
        """Fold buffered changes into the tree now, so that the next query does not pay for it.

        Optional: an owner with idle time (a timer between bursts of position updates) may call
        it; otherwise the first query after the buffer overflows rebuilds.
        """
        if self._pending:
            self._rebuild()

    def _place(self, point_id: str, lat: float, lon: float) -> None:
        self._pos[point_id] = (lat, lon)
        self._pending += 1
        if self._needs_rebuild:
            return
        slot = self._slot_of.get(point_id)
        if slot is None:
            if self._slots_used == self._threshold:
                self._needs_rebuild = True
                return
            slot = self._slots_used
            self._slots_used += 1
            self._slot_of[point_id] = slot
            self._slot_ids[slot] = point_id
            base = self._base_index.get(point_id)
            if base is not None:
                self._stale.add(base)
        self._slot_xyz[slot] = _unit_xyz(lat, lon)

    def _rebuild(self) -> None:
        # Imported here, not with the module: scipy.spatial costs ~0.25 s to import, and the
        # console imports this module at start-up but builds its first tree only at the first
        # alert preview, long after its window is up.
        from scipy.spatial import cKDTree

        count = len(self._pos)
        ids = list(self._pos)
        positions = np.fromiter(
            chain.from_iterable(self._pos.values()), dtype=np.float64, count=2 * count
        ).reshape(count, 2)
        xyz = _unit_xyz_array(positions[:, 0], positions[:, 1])
        if count:
            # Build once to learn the leaf order, then again on the points in that order, so a
            # query's candidates are neighbours in memory too (see the module docstring).
            order = cKDTree(xyz, balanced_tree=False, compact_nodes=False).indices
            xyz, positions = xyz[order], positions[order]
            ids = np.array(ids, dtype=object)[order].tolist()
        self._tree = cKDTree(xyz, balanced_tree=False, compact_nodes=False) if count else None
        radians, cos = math.radians, math.cos
        # lon * 1.0 is lon to the bit (-0.0 included) but a new float, allocated beside its row.
        self._base_rows = [
            (phi := radians(lat), cos(phi), lon * 1.0, point_id)
            for lat, lon, point_id in zip(
                positions[:, 0].tolist(), positions[:, 1].tolist(), ids, strict=True
            )
        ]
        self._base_index = dict(zip(ids, range(count), strict=True))
        self._stale = set()
        self._slot_of = {}
        self._slot_ids = [""] * self._threshold
        self._slot_xyz.fill(np.nan)
        self._slots_used = 0
        self._needs_rebuild = False
        self._pending = 0

    # -- lookups ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, point_id: object) -> bool:
        return point_id in self._pos

    def position(self, point_id: str) -> tuple[float, float]:
        """The current (lat, lon) of a point."""
        try:
            return self._pos[point_id]
        except KeyError:
            raise UnknownPointId(f"no point {point_id!r} in the index") from None

    def within(self, lat: float, lon: float, radius_m: float) -> list[Neighbour]:
        """Every point within radius_m, nearest first, ties by id."""
        _check_point(lat, lon)
        _check_radius(radius_m)
        if self._needs_rebuild:
            self._rebuild()
        lat, lon = float(lat), float(lon)
        q = _unit_xyz(lat, lon)
        bound = _chord_bound(radius_m)
        found: list[tuple[float, str]] = []
        if self._tree is not None:
            if math.isinf(bound):
                indices: list[int] = list(range(len(self._base_rows)))
            else:
                indices = self._tree.query_ball_point(q, bound, return_sorted=False)
            self._measure(lat, lon, indices, found)
        slot_ids = self._slot_ids
        overlay = [slot_ids[s] for s in self._overlay_hits(q, bound, None)[0]]
        self._measure_overlay(lat, lon, overlay, found)
        found.sort()
        return [tuple.__new__(Neighbour, (pid, d)) for d, pid in found if d <= radius_m]

    def nearest(
        self,
        lat: float,
        lon: float,
        k: int,
        radius_m: float,
        accept: Callable[[str], bool] | None = None,
    ) -> list[Neighbour]:
        """The k nearest accepted points within radius_m, nearest first, ties by id.

        ``accept`` filters ids (active runners not yet alerted, available AEDs); the answer still
        holds k accepted points whenever the radius has that many, because the candidate set
        widens until it does. ``accept`` is called at most once per id per query, and only for
        points inside the radius.
        """
        _check_point(lat, lon)
        _check_query(k, radius_m)
        if k == 0 or not self._pos:
            return []
        if self._needs_rebuild:
            self._rebuild()
        lat, lon = float(lat), float(lon)
        q = _unit_xyz(lat, lon)
        bound = _chord_bound(radius_m)
        verdict: dict[str, bool] = {}
        # One beyond k proves the k-th is really the k-th; more when entries may be skipped.
        want = k + 1 if accept is None and not self._stale else k + _FIRST_ROUND_EXTRA
        while True:
            # Each round measures the `want` nearest by chord from scratch (a second round is
            # rare); every point it leaves unmeasured is at least `frontier` (chord) away.
            found: list[tuple[float, str]] = []
            base, base_chords, frontier = self._tree_candidates(q, bound, want)
            if self._slots_used:
                slots, slot_chord2, overlay_frontier = self._overlay_hits(q, bound, want)
                frontier = min(frontier, overlay_frontier)
                base, overlay, frontier = self._merge(
                    base, base_chords, slots, slot_chord2, want, frontier
                )
                self._measure_overlay(lat, lon, overlay, found)
            self._measure(lat, lon, base, found)
            found.sort()
            # tuple.__new__ skips NamedTuple's Python-level __new__: half the cost per answer.
            if accept is None:
                chosen = [
                    tuple.__new__(Neighbour, (pid, d)) for d, pid in found[:k] if d <= radius_m
                ]
            else:
                chosen = []
                for d, point_id in found:
                    if d > radius_m:
                        break
                    ok = verdict.get(point_id)
                    if ok is None:
                        ok = verdict[point_id] = bool(accept(point_id))
                    if ok:
                        chosen.append(tuple.__new__(Neighbour, (point_id, d)))
                        if len(chosen) == k:
                            break
            if math.isinf(frontier):
                return chosen
            floor = _distance_floor(frontier)
            if floor > radius_m or (len(chosen) == k and chosen[-1].distance_m < floor):
                return chosen
            # Widen by at least double, more when accept() turned most candidates away, so that
            # a 1-in-3 filter costs two rounds rather than four.
            hit_rate = max(len(chosen), 1) / max(len(found), 1)
            want = max(2 * want, math.ceil(1.25 * k / hit_rate) + 1)

    def _tree_candidates(
        self, q: tuple[float, float, float], bound: float, want: int
    ) -> tuple[list[int], npt.NDArray[np.float64], float]:
        """Up to `want` tree entries nearest q within the chord bound, nearest first, their
        chords (an array that may run longer), and the chord every entry not among them is at
        least (inf when none was left out)."""
        if self._tree is None:
            return [], _NO_CHORDS, math.inf
        n_base = len(self._base_rows)
        fetch = min(want, n_base)
        # k=fetch returns scalars when fetch is 1; k=[1] returns arrays.
        chords, idx = self._tree.query(q, k=fetch if fetch > 1 else [1], distance_upper_bound=bound)
        found: list[int] = idx.tolist()
        if found[-1] == n_base:
            # Fewer than `fetch` within the bound: every entry inside it is here.
            return found[: found.index(n_base)], chords, math.inf
        if fetch == n_base:
            return found, chords, math.inf
        # The last one fetched only marks the frontier: the answer is among the nearer ones
        # unless a near-tie sends the query round again, so it is not measured.
        found.pop()
        return found, chords, float(chords[-1])

    def _merge(
        self,
        base: list[int],
        base_chords: npt.NDArray[np.float64],
        slots: list[int],
        slot_chord2: npt.NDArray[np.float64],
        want: int,
        frontier: float,
    ) -> tuple[list[int], list[str], float]:
        """Keep the `want` nearest by chord of live tree entries and overlay slots, so that a
        busy overlay does not double the number of exact distances a query computes."""
        stale = self._stale
        slot_ids = self._slot_ids
        ranked = [
            (c, i)
            for c, i in zip(base_chords[: len(base)].tolist(), base, strict=True)
            if i not in stale
        ]
        if len(ranked) + len(slots) <= want:
            return [i for _, i in ranked], [slot_ids[s] for s in slots], frontier
        slot_chords = np.sqrt(slot_chord2).tolist()
        ranked += [(c, -1 - s) for c, s in zip(slot_chords, slots, strict=True)]
        ranked.sort()
        frontier = min(frontier, ranked[want][0])
        kept = [code for _, code in ranked[:want]]
        return (
            [code for code in kept if code >= 0],
            [slot_ids[-1 - code] for code in kept if code < 0],
            frontier,
        )

    def _measure(
        self, lat: float, lon: float, indices: list[int], found: list[tuple[float, str]]
    ) -> None:
        """(haversine_m(lat, lon, entry), id) for the live tree entries among indices.

        This is haversine_m's arithmetic step for step, with the entry's radians(lat) and
        cos(radians(lat)) read from the snapshot instead of recomputed: same bits (the property
        tests compare against haversine_m itself), a third of the cost.
        """
        stale = self._stale
        if stale:
            indices = [i for i in indices if i not in stale]
        if not indices:
            return
        phi1 = math.radians(lat)
        cos1 = math.cos(phi1)
        rows = self._base_rows
        radians, sin, sqrt, asin = math.radians, math.sin, math.sqrt, math.asin
        two_r = 2 * EARTH_RADIUS_M
        append = found.append
        for i in indices:
            phi2, cos2, lon2, point_id = rows[i]
            dphi = phi2 - phi1
            dlmb = radians(lon2 - lon)
            a = sin(dphi / 2) ** 2 + cos1 * cos2 * sin(dlmb / 2) ** 2
            root = sqrt(a)
            # min(1.0, root) without the builtin call: a is never NaN, so the same value.
            append((two_r * asin(root if root < 1.0 else 1.0), point_id))

    def _measure_overlay(
        self, lat: float, lon: float, point_ids: list[str], found: list[tuple[float, str]]
    ) -> None:
        pos = self._pos
        for point_id in point_ids:
            plat, plon = pos[point_id]
            found.append((haversine_m(lat, lon, plat, plon), point_id))

    def _overlay_hits(
        self, q: tuple[float, float, float], bound: float, limit: int | None
    ) -> tuple[list[int], npt.NDArray[np.float64], float]:
        """Live overlay slots within the chord bound (at most `limit`, nearest by chord), their
        squared chords, and the chord every live slot left out is at least (inf when none was)."""
        used = self._slots_used
        if used == 0:
            return [], _NO_CHORDS, math.inf
        diff = self._slot_xyz[:used] - np.asarray(q)
        chord2 = np.einsum("ij,ij->i", diff, diff)
        # Freed slots are NaN and never compare true.
        hits = np.flatnonzero(chord2 <= bound * bound)
        frontier = math.inf
        if limit is not None and hits.size > limit:
            part = np.argpartition(chord2[hits], limit)
            frontier = math.sqrt(float(chord2[hits[part[limit]]]))
            hits = hits[part[:limit]]
        slots: list[int] = hits.tolist()
        return slots, chord2[hits], frontier
