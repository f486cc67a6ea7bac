"""PointIndex against the only definition that matters: a brute-force scan with haversine_m.

Every comparison is exact (same ids, same order, same float distances), because the console's
preview and the server's alert must pick the same runners to the last bit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from console.domain.geometry import InvalidCoordinate, destination_point, haversine_m
from console.domain.spatial_index import (
    DuplicatePointId,
    Neighbour,
    PointIndex,
    UnknownPointId,
)

Points = dict[str, tuple[float, float]]

COPENHAGEN = (55.6761, 12.5683)
#: Offsets around a radius that haversine_m can still tell apart (the contract's edge cases).
EDGE_OFFSETS_M = (-1e-6, -1e-9, 0.0, 1e-9, 1e-6)


def brute_force(
    points: Points,
    lat: float,
    lon: float,
    k: float,
    radius_m: float,
    accept: Callable[[str], bool] | None = None,
) -> list[Neighbour]:
    scored = sorted(
        (haversine_m(lat, lon, plat, plon), point_id) for point_id, (plat, plon) in points.items()
    )
    ranked = [
        Neighbour(point_id, d)
        for d, point_id in scored
        if d <= radius_m and (accept is None or accept(point_id))
    ]
    return ranked if math.isinf(k) else ranked[: int(k)]


def build(points: Points, how: str, threshold: int = 4096) -> PointIndex:
    """The same points through different paths: tree only, overlay only, or both."""
    index = PointIndex(rebuild_threshold=threshold)
    items = list(points.items())
    half = len(items) // 2 if how == "mixed" else len(items) if how == "bulk" else 0
    loaded = items[:half]
    index.bulk_load([i for i, _ in loaded], [p[0] for _, p in loaded], [p[1] for _, p in loaded])
    if how == "mixed":
        index.nearest(COPENHAGEN[0], COPENHAGEN[1], 1, 1.0)  # builds the tree
    for point_id, (lat, lon) in items[half:]:
        index.insert(point_id, lat, lon)
    for point_id, (lat, lon) in loaded[: half // 2] if how == "mixed" else []:
        index.move(point_id, lat, lon)  # same place, but now an overlay entry over a stale one
    return index


# --------------------------------------------------------------------------- random worlds

ids_st = st.text(alphabet="abcxyz", min_size=1, max_size=3)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Points, tuple[float, float], float]:
    """Points around a centre, many exactly on or next to the radius, some sharing a position."""
    if draw(st.booleans()):
        centre = (draw(st.floats(54.5, 57.8)), draw(st.floats(8.0, 15.2)))
    else:  # anywhere: poles, the antimeridian
        centre = (draw(st.floats(-90.0, 90.0)), draw(st.floats(-180.0, 180.0)))
    radius = draw(
        st.sampled_from([0.0, 1.0, 5_000.0, 10_000.0, 2.0e7, math.inf]) | st.floats(0, 12_000)
    )
    place_r = 5_000.0 if math.isinf(radius) else radius
    points: Points = {}
    for point_id in draw(st.lists(ids_st, max_size=40, unique=True)):
        kind = draw(st.sampled_from(["near", "edge", "same", "centre", "anywhere"]))
        bearing = draw(st.floats(0.0, 360.0))
        if kind == "near":
            pos = destination_point(*centre, bearing, draw(st.floats(0.0, 1.5 * place_r + 10)))
        elif kind == "edge":
            offset = draw(st.sampled_from(EDGE_OFFSETS_M))
            pos = destination_point(*centre, bearing, max(0.0, place_r + offset))
        elif kind == "same" and points:
            pos = draw(st.sampled_from(sorted(points.values())))
        elif kind == "centre":
            pos = centre
        else:
            pos = (draw(st.floats(-90.0, 90.0)), draw(st.floats(-180.0, 180.0)))
        points[point_id] = pos
    if len(points) > 0 and draw(st.booleans()):
        # The radius exactly equal to one point's haversine distance: that point is inside.
        plat, plon = draw(st.sampled_from(sorted(points.values())))
        radius = haversine_m(centre[0], centre[1], plat, plon)
    return points, centre, radius


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), how=st.sampled_from(["bulk", "insert", "mixed"]), data=st.data())
def test_nearest_and_within_equal_brute_force(
    world: tuple[Points, tuple[float, float], float], how: str, data: st.DataObject
) -> None:
    points, (lat, lon), radius = world
    index = build(points, how, threshold=data.draw(st.sampled_from([1, 3, 4096])))
    k = data.draw(st.integers(0, len(points) + 3))
    accepted = data.draw(st.none() | st.frozensets(st.sampled_from(sorted(points) or ["-"])))
    accept = None if accepted is None else accepted.__contains__

    assert index.nearest(lat, lon, k, radius, accept) == brute_force(
        points, lat, lon, k, radius, accept
    )
    assert index.within(lat, lon, radius) == brute_force(points, lat, lon, math.inf, radius)
    assert len(index) == len(points)


# --------------------------------------------------------------------------- interleaved changes

POOL = [f"r{i}" for i in range(12)]
QUERY = COPENHAGEN
#: A few fixed positions, so that several points share one and some sit on the query's 3 km edge.
SHARED = [destination_point(*QUERY, 90.0, 3_000.0 + offset) for offset in EDGE_OFFSETS_M] + [
    QUERY,
    destination_point(*QUERY, 200.0, 1_234.5),
]

positions_st = st.sampled_from(SHARED) | st.builds(
    lambda bearing, distance: destination_point(*QUERY, bearing, distance),
    st.floats(0.0, 360.0),
    st.floats(0.0, 6_000.0),
)


class IndexMachine(RuleBasedStateMachine):
    """Inserts, moves, removes and bulk loads in any order; brute force after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.model: Points = {}
        self.index = PointIndex()

    @initialize(threshold=st.sampled_from([1, 2, 5, 4096]))
    def start(self, threshold: int) -> None:
        self.index = PointIndex(rebuild_threshold=threshold)

    @rule(point_id=st.sampled_from(POOL), pos=positions_st)
    def insert(self, point_id: str, pos: tuple[float, float]) -> None:
        if point_id in self.model:
            with pytest.raises(DuplicatePointId, match=point_id):
                self.index.insert(point_id, *pos)
        else:
            self.index.insert(point_id, *pos)
            self.model[point_id] = pos

    @rule(point_id=st.sampled_from(POOL), pos=positions_st)
    def move(self, point_id: str, pos: tuple[float, float]) -> None:
        if point_id not in self.model:
            with pytest.raises(UnknownPointId, match=point_id):
                self.index.move(point_id, *pos)
        else:
            self.index.move(point_id, *pos)
            self.model[point_id] = pos

    @rule(point_id=st.sampled_from(POOL))
    def remove(self, point_id: str) -> None:
        if point_id not in self.model:
            with pytest.raises(UnknownPointId, match=point_id):
                self.index.remove(point_id)
        else:
            self.index.remove(point_id)
            del self.model[point_id]

    @rule(batch=st.dictionaries(st.sampled_from(POOL), positions_st, max_size=5))
    def bulk_load(self, batch: Points) -> None:
        ids = list(batch)
        lats = [p[0] for p in batch.values()]
        lons = [p[1] for p in batch.values()]
        if any(point_id in self.model for point_id in ids):
            with pytest.raises(DuplicatePointId):
                self.index.bulk_load(ids, lats, lons)
        else:
            self.index.bulk_load(ids, lats, lons)
            self.model.update(batch)

    @rule()
    def compact(self) -> None:
        self.index.compact()
        assert self.index.pending_changes == 0

    @precondition(lambda self: bool(self.model))
    @rule(
        pos=positions_st,
        k=st.integers(0, 14),
        radius=st.sampled_from([0.0, 3_000.0, 6_000.0]) | st.floats(0.0, 7_000.0),
        accepted=st.none() | st.frozensets(st.sampled_from(POOL)),
    )
    def query(
        self, pos: tuple[float, float], k: int, radius: float, accepted: frozenset[str] | None
    ) -> None:
        accept = None if accepted is None else accepted.__contains__
        assert self.index.nearest(*pos, k, radius, accept) == brute_force(
            self.model, *pos, k, radius, accept
        )

    @invariant()
    def agrees_with_brute_force(self) -> None:
        assert len(self.index) == len(self.model)
        for point_id in POOL:
            assert (point_id in self.index) == (point_id in self.model)
            if point_id in self.model:
                assert self.index.position(point_id) == self.model[point_id]
        for k in (3, len(self.model) + 1):
            assert self.index.nearest(*QUERY, k, 3_000.0) == brute_force(
                self.model, *QUERY, k, 3_000.0
            )
        assert self.index.within(*QUERY, 3_000.0) == brute_force(
            self.model, *QUERY, math.inf, 3_000.0
        )


TestIndexMachine = IndexMachine.TestCase
TestIndexMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


# --------------------------------------------------------------------------- realistic scale


def _town_cluster_world(count: int, seed: int) -> Points:
    rng = random.Random(seed)
    towns = [(55.68, 12.57, 0.05), (56.16, 10.20, 0.04), (55.40, 10.39, 0.04), (57.05, 9.92, 0.5)]
    points: Points = {}
    for i in range(count):
        lat, lon, spread = rng.choice(towns)
        points[f"r{rng.randrange(10**9):09d}-{i}"] = (
            lat + rng.gauss(0, spread),
            lon + rng.gauss(0, 1.7 * spread),
        )
    return points


def test_a_few_thousand_runners_with_moves_and_filters_equal_brute_force() -> None:
    points = _town_cluster_world(3_000, seed=7)
    index = PointIndex(rebuild_threshold=256)
    index.bulk_load(list(points), [p[0] for p in points.values()], [p[1] for p in points.values()])
    rng = random.Random(11)
    every_third = set(list(points)[::3])
    for step in range(60):
        # Moves pile up in the overlay and overflow it, so both paths and rebuilds are crossed.
        for point_id in rng.sample(sorted(points), 40):
            lat, lon = points[point_id]
            points[point_id] = (lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01))
            index.move(point_id, *points[point_id])
        qlat, qlon = points[rng.choice(sorted(points))]
        accept = every_third.__contains__ if step % 2 else None
        assert index.nearest(qlat, qlon, 20, 5_000.0, accept) == brute_force(
            points, qlat, qlon, 20, 5_000.0, accept
        )


# --------------------------------------------------------------------------- specific behaviour


def test_ties_at_one_position_are_broken_by_id() -> None:
    index = PointIndex()
    ids = [f"id{n:02d}" for n in range(30)]
    random.Random(3).shuffle(ids)
    spot = destination_point(*COPENHAGEN, 45.0, 700.0)
    index.bulk_load(ids, [spot[0]] * 30, [spot[1]] * 30)
    answer = index.nearest(*COPENHAGEN, 5, 5_000.0)
    assert [n.id for n in answer] == ["id00", "id01", "id02", "id03", "id04"]
    assert len({n.distance_m for n in answer}) == 1


def test_accept_still_yields_k_accepted_from_farther_away() -> None:
    index = PointIndex()
    points = {
        f"p{d:04d}": destination_point(*COPENHAGEN, 10.0, float(d)) for d in range(0, 4000, 10)
    }
    index.bulk_load(list(points), [p[0] for p in points.values()], [p[1] for p in points.values()])
    calls: list[str] = []

    def only_far(point_id: str) -> bool:
        calls.append(point_id)
        return int(point_id[1:]) >= 2_000

    answer = index.nearest(*COPENHAGEN, 3, 5_000.0, only_far)
    assert [n.id for n in answer] == ["p2000", "p2010", "p2020"]
    assert len(calls) == len(set(calls)), "accept() was asked twice about one id"


def test_accept_widens_through_a_busy_overlay() -> None:
    # Only inserted points, all in the overlay: the first round sees the 5 nearest by chord.
    index = PointIndex()
    for d in range(100, 1100, 100):
        index.insert(f"o{d}", *destination_point(*COPENHAGEN, 0.0, float(d)))
    answer = index.nearest(*COPENHAGEN, 1, 5_000.0, lambda i: i == "o1000")
    assert [n.id for n in answer] == ["o1000"]


def test_accept_widens_when_tree_and_overlay_together_exceed_a_round() -> None:
    # Four in the tree, four in the overlay, interleaved by distance; only the two farthest pass.
    index = PointIndex()
    tree = {f"t{d}": destination_point(*COPENHAGEN, 90.0, float(d)) for d in (100, 200, 300, 400)}
    index.bulk_load(list(tree), [p[0] for p in tree.values()], [p[1] for p in tree.values()])
    index.nearest(*COPENHAGEN, 1, 1.0)  # builds the tree
    for d in (150, 250, 350, 450):
        index.insert(f"o{d}", *destination_point(*COPENHAGEN, 90.0, float(d)))
    answer = index.nearest(*COPENHAGEN, 2, 5_000.0, {"t400", "o450"}.__contains__)
    assert [n.id for n in answer] == ["t400", "o450"]


def test_accept_is_not_asked_about_points_outside_the_radius() -> None:
    index = PointIndex()
    index.insert("near", *destination_point(*COPENHAGEN, 0.0, 100.0))
    index.insert("far", *destination_point(*COPENHAGEN, 0.0, 9_000.0))
    asked: list[str] = []

    def accept_all(point_id: str) -> bool:
        asked.append(point_id)
        return True

    assert index.nearest(*COPENHAGEN, 5, 5_000.0, accept_all) == [
        Neighbour("near", haversine_m(*COPENHAGEN, *index.position("near")))
    ]
    assert asked == ["near"]


def test_point_exactly_on_the_radius_is_inside_and_a_hair_beyond_is_not() -> None:
    index = PointIndex()
    on = destination_point(*COPENHAGEN, 120.0, 5_000.0)
    index.insert("on", *on)
    exact = haversine_m(*COPENHAGEN, *on)
    assert [n.id for n in index.nearest(*COPENHAGEN, 1, exact)] == ["on"]
    assert index.nearest(*COPENHAGEN, 1, math.nextafter(exact, 0.0)) == []
    assert [n.id for n in index.within(*COPENHAGEN, exact)] == ["on"]


def test_empty_index_and_k_zero_answer_nothing() -> None:
    index = PointIndex()
    assert index.nearest(*COPENHAGEN, 20, 5_000.0) == []
    assert index.within(*COPENHAGEN, 5_000.0) == []
    index.insert("a", *COPENHAGEN)
    assert index.nearest(*COPENHAGEN, 0, 5_000.0) == []
    index.remove("a")
    assert len(index) == 0
    assert index.nearest(*COPENHAGEN, 1, 5_000.0) == []


def test_numpy_coordinates_are_stored_as_plain_floats_and_measure_the_same() -> None:
    index = PointIndex()
    index.bulk_load(["a"], np.array([55.0]), np.array([12.0]))  # a tree of one point
    index.insert("b", np.float64(55.0), np.float64(12.0005))
    assert type(index.position("a")[0]) is float
    assert type(index.position("b")[1]) is float
    points: Points = {"a": (55.0, 12.0), "b": (55.0, 12.0005)}
    assert index.nearest(np.float64(55.0), 12.001, 3, 1_000.0) == brute_force(
        points, 55.0, 12.001, 3, 1_000.0
    )
    with pytest.raises(InvalidCoordinate, match="NaN"):
        index.bulk_load(["c"], np.array([np.nan]), np.array([12.0]))


def test_removed_then_reinserted_id_is_found_at_its_new_place() -> None:
    index = PointIndex()
    index.bulk_load(["a", "b"], [55.0, 55.001], [12.0, 12.0])
    index.nearest(55.0, 12.0, 1, 1.0)  # build the tree with both
    index.remove("a")
    index.insert("a", 56.0, 10.0)
    assert [n.id for n in index.nearest(55.0, 12.0, 2, 5_000.0)] == ["b"]
    assert [n.id for n in index.nearest(56.0, 10.0, 2, 5_000.0)] == ["a"]


def test_changes_are_buffered_until_a_query_or_compact_folds_them_in() -> None:
    points: Points = {
        f"r{i}": destination_point(*COPENHAGEN, 36.0 * i, 100.0 * i) for i in range(10)
    }
    index = PointIndex()
    index.bulk_load(list(points), [p[0] for p in points.values()], [p[1] for p in points.values()])
    assert index.pending_changes == 10
    assert index.nearest(*COPENHAGEN, 3, 5_000.0) == brute_force(points, *COPENHAGEN, 3, 5_000.0)
    assert index.pending_changes == 0  # the query built the tree
    for point_id in ("r1", "r2", "r3"):
        points[point_id] = destination_point(*COPENHAGEN, 0.0, 5.0)
        index.move(point_id, *points[point_id])
    index.remove("r4")
    del points["r4"]
    assert index.pending_changes == 4
    assert index.nearest(*COPENHAGEN, 3, 5_000.0) == brute_force(points, *COPENHAGEN, 3, 5_000.0)
    assert index.pending_changes == 4  # a small buffer is scanned, not rebuilt
    index.compact()
    assert index.pending_changes == 0
    assert index.within(*COPENHAGEN, 5_000.0) == brute_force(points, *COPENHAGEN, math.inf, 5_000.0)


# --------------------------------------------------------------------------- errors


def test_duplicate_insert_is_a_key_error_naming_the_id() -> None:
    index = PointIndex()
    index.insert("r1", *COPENHAGEN)
    with pytest.raises(DuplicatePointId) as caught:
        index.insert("r1", 55.0, 12.0)
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "point id 'r1' is already in the index; use move()"
    assert index.position("r1") == COPENHAGEN


@pytest.mark.parametrize("call", ["move", "remove", "position"])
def test_unknown_id_is_a_key_error_naming_the_id(call: str) -> None:
    index = PointIndex()
    index.insert("r1", *COPENHAGEN)
    args: tuple[object, ...] = ("ghost", 55.0, 12.0) if call == "move" else ("ghost",)
    with pytest.raises(UnknownPointId, match="'ghost'") as caught:
        getattr(index, call)(*args)
    assert isinstance(caught.value, KeyError)
    assert len(index) == 1


BAD_COORDINATES = [
    (90.5, 12.0),
    (-91.0, 12.0),
    (55.0, 180.5),
    (55.0, -181.0),
    (math.nan, 12.0),
    (55.0, math.inf),
    (True, 12.0),
    ("55", 12.0),
]


@pytest.mark.parametrize(("lat", "lon"), BAD_COORDINATES)
def test_invalid_coordinates_are_refused_everywhere(lat: float, lon: float) -> None:
    index = PointIndex()
    index.insert("r1", *COPENHAGEN)
    with pytest.raises(InvalidCoordinate):
        index.insert("r2", lat, lon)
    with pytest.raises(InvalidCoordinate):
        index.move("r1", lat, lon)
    with pytest.raises(InvalidCoordinate):
        index.nearest(lat, lon, 1, 100.0)
    with pytest.raises(InvalidCoordinate):
        index.within(lat, lon, 100.0)
    with pytest.raises(InvalidCoordinate):
        index.bulk_load(["r3", "r4"], [55.0, lat], [12.0, lon])
    assert len(index) == 1
    assert index.position("r1") == COPENHAGEN


def test_bulk_load_is_all_or_nothing() -> None:
    index = PointIndex()
    index.insert("a", *COPENHAGEN)
    with pytest.raises(DuplicatePointId, match="'b'"):
        index.bulk_load(["b", "c", "b"], [55.0, 55.1, 55.2], [12.0, 12.0, 12.0])
    with pytest.raises(DuplicatePointId, match="'a'"):
        index.bulk_load(["d", "a"], [55.0, 55.1], [12.0, 12.0])
    with pytest.raises(ValueError, match="equally long"):
        index.bulk_load(["d", "e"], [55.0], [12.0, 12.0])
    assert len(index) == 1
    assert "b" not in index
    assert "d" not in index


@pytest.mark.parametrize(
    ("k", "radius", "error"),
    [
        (-1, 5_000.0, ValueError),
        (5, -0.5, ValueError),
        (5, math.nan, ValueError),
        (1.5, 5_000.0, TypeError),
        (True, 5_000.0, TypeError),
    ],
)
def test_bad_query_arguments(k: int, radius: float, error: type[Exception]) -> None:
    index = PointIndex()
    index.insert("a", *COPENHAGEN)
    with pytest.raises(error, match=r"k must|radius_m must"):
        index.nearest(*COPENHAGEN, k, radius)


def test_bad_within_radius_and_bad_ids_and_threshold() -> None:
    index = PointIndex()
    with pytest.raises(ValueError, match="radius_m must"):
        index.within(*COPENHAGEN, -1.0)
    with pytest.raises(TypeError, match="point ids are strings"):
        index.insert(7, *COPENHAGEN)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rebuild_threshold"):
        PointIndex(rebuild_threshold=0)
