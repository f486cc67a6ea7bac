"""The dispatch rules of DOMAIN.md: who is alerted, who may accept, who fetches which AED, who is
released, and which free text is allowed. Runs against the real PointIndex, and against a
brute-force index to show the rules do not depend on the index's tricks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.constants import (
    ACTIVE_POSITION_MAX_AGE,
    ALERT_COUNT,
    ALERT_RADIUS_M,
    MAX_RADIUS_M,
    MAX_RESPONDERS_PER_AED,
)
from console.domain.geometry import InvalidCoordinate, destination_point, haversine_m
from console.domain.localtime import NaiveDatetimeError
from console.domain.model import (
    Aed,
    AedAccess,
    AedStatus,
    AgeGroup,
    LatLon,
    Mission,
    MissionState,
    Position,
    Responder,
    ResponderState,
    Task,
)
from console.domain.rules import (
    AedCatalogue,
    AlertMoreError,
    NotText,
    TextTooLong,
    TextTooShort,
    TooFar,
    aed_load,
    assign_task,
    check_acceptance,
    engaged_runner_ids,
    is_active,
    release_on_end,
    select_runners_to_alert,
    validate_address,
    validate_alert_more,
    validate_message,
    validate_note,
    validate_outcome,
    validate_reason,
    validate_text,
)
from console.domain.spatial_index import Neighbour, PointIndex

PATIENT = LatLon(55.6761, 12.5683)
# Tuesday 3 June 2025, 10:00 UTC (12:00 in Copenhagen): a working day, not a public holiday.
NOW = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
FRESH = NOW - timedelta(minutes=5)


@dataclass
class BruteForceIndex:
    """The NearestIndex protocol by scanning every point: the rules' reference implementation."""

    points: dict[str, tuple[float, float]]

    def nearest(
        self,
        lat: float,
        lon: float,
        k: int,
        radius_m: float,
        accept: Callable[[str], bool] | None = None,
    ) -> list[Neighbour]:
        ranked = sorted(
            (haversine_m(lat, lon, plat, plon), pid) for pid, (plat, plon) in self.points.items()
        )
        hits = [
            Neighbour(pid, d)
            for d, pid in ranked
            if d <= radius_m and (accept is None or accept(pid))
        ]
        return hits[:k]


def place(distance_m: float, bearing: float = 90.0) -> tuple[float, float]:
    return destination_point(PATIENT.lat, PATIENT.lon, bearing, distance_m)


def runner_index(points: dict[str, tuple[float, float]]) -> PointIndex:
    index = PointIndex()
    for pid, (lat, lon) in points.items():
        index.insert(pid, lat, lon)
    return index


def ring_of_runners(n: int, step_m: float = 100.0) -> dict[str, tuple[float, float]]:
    """Runners r01, r02, ... at 100 m, 200 m, ... from the patient, in different directions."""
    return {f"r{i:02d}": place(step_m * i, bearing=37.0 * i) for i in range(1, n + 1)}


# --------------------------------------------------------------------------- alerting


def test_the_twenty_nearest_are_alerted_and_the_twenty_first_is_not() -> None:
    points = ring_of_runners(25)
    chosen = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, dict.fromkeys(points, FRESH), exclude=()
    )
    assert [n.id for n in chosen] == [f"r{i:02d}" for i in range(1, ALERT_COUNT + 1)]
    assert "r21" not in {n.id for n in chosen}
    assert [round(n.distance_m) for n in chosen] == [100 * i for i in range(1, 21)]


def test_runners_beyond_the_radius_are_not_alerted_even_when_fewer_than_twenty() -> None:
    points = {"near": place(4_999.0), "far": place(5_001.0, 20.0)}
    chosen = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, dict.fromkeys(points, FRESH), exclude=()
    )
    assert [n.id for n in chosen] == ["near"]


def test_a_runner_exactly_on_the_radius_is_alerted() -> None:
    points = {"edge": place(3_000.0)}
    radius = haversine_m(PATIENT.lat, PATIENT.lon, *points["edge"])
    index = runner_index(points)
    positions = dict.fromkeys(points, FRESH)
    assert select_runners_to_alert(index, PATIENT, NOW, positions, (), radius_m=radius)
    a_hair_less = radius - radius * 1e-12
    assert not select_runners_to_alert(index, PATIENT, NOW, positions, (), radius_m=a_hair_less)


def test_a_position_exactly_72_hours_old_is_inactive() -> None:
    points = {"old": place(100.0), "young": place(200.0, 180.0)}
    positions = {
        "old": NOW - ACTIVE_POSITION_MAX_AGE,
        "young": NOW - ACTIVE_POSITION_MAX_AGE + timedelta(microseconds=1),
    }
    chosen = select_runners_to_alert(runner_index(points), PATIENT, NOW, positions, exclude=())
    assert [n.id for n in chosen] == ["young"]
    assert not is_active(NOW - timedelta(hours=72), NOW)
    assert is_active(NOW - timedelta(hours=71, minutes=59, seconds=59), NOW)


def test_a_runner_without_a_position_time_is_not_active() -> None:
    points = {"unknown": place(100.0), "known": place(200.0, 180.0)}
    chosen = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, {"known": FRESH}, exclude=()
    )
    assert [n.id for n in chosen] == ["known"]


def test_excluded_and_inactive_runners_are_skipped_and_the_next_ones_taken_instead() -> None:
    points = ring_of_runners(23)
    positions = dict.fromkeys(points, FRESH)
    positions["r05"] = NOW - timedelta(days=4)
    chosen = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, positions, exclude={"r02", "r07"}
    )
    ids = [n.id for n in chosen]
    assert len(ids) == ALERT_COUNT
    assert not {"r02", "r05", "r07"} & set(ids)
    assert ids[-3:] == ["r21", "r22", "r23"]


def test_alert_more_takes_the_next_runners_in_a_wider_radius() -> None:
    points = {
        **ring_of_runners(3),
        "x1": place(6_000.0),
        "x2": place(7_000.0),
        "x3": place(9_000.0),
    }
    index = runner_index(points)
    positions = dict.fromkeys(points, FRESH)
    first = select_runners_to_alert(index, PATIENT, NOW, positions, exclude=())
    assert [n.id for n in first] == ["r01", "r02", "r03"]
    validate_alert_more(2, 8_000.0, mission_radius_m=ALERT_RADIUS_M)
    more = select_runners_to_alert(
        index, PATIENT, NOW, positions, {n.id for n in first}, count=2, radius_m=8_000.0
    )
    assert [n.id for n in more] == ["x1", "x2"]


def test_equally_distant_runners_are_ranked_by_id() -> None:
    spot = place(250.0)
    points = {"b": spot, "a": spot, "c": spot}
    chosen = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, dict.fromkeys(points, FRESH), (), count=2
    )
    assert [n.id for n in chosen] == ["a", "b"]


@pytest.mark.parametrize("count", [0, -1, 21, True, 2.5])
def test_alert_count_outside_1_to_20_is_refused(count: int) -> None:
    with pytest.raises(AlertMoreError, match="count must be"):
        select_runners_to_alert(PointIndex(), PATIENT, NOW, {}, (), count=count)


@pytest.mark.parametrize("radius", [0.0, -5.0, float("nan"), float("inf"), MAX_RADIUS_M + 1])
def test_alert_radius_outside_the_contract_is_refused(radius: float) -> None:
    with pytest.raises(AlertMoreError, match="radius_m must be above 0 and at most 10000"):
        select_runners_to_alert(PointIndex(), PATIENT, NOW, {}, (), radius_m=radius)


def test_alert_more_cannot_narrow_the_radius_or_pass_ten_kilometres() -> None:
    validate_alert_more(1, ALERT_RADIUS_M, mission_radius_m=ALERT_RADIUS_M)
    validate_alert_more(20, MAX_RADIUS_M, mission_radius_m=ALERT_RADIUS_M)
    with pytest.raises(AlertMoreError, match="below the mission's radius 5000"):
        validate_alert_more(5, 4_999.0, mission_radius_m=ALERT_RADIUS_M)
    with pytest.raises(AlertMoreError, match="at most 10000"):
        validate_alert_more(5, 10_001.0, mission_radius_m=ALERT_RADIUS_M)
    with pytest.raises(AlertMoreError, match="count must be 1–20, got 21"):
        validate_alert_more(21, 6_000.0, mission_radius_m=ALERT_RADIUS_M)


def test_naive_now_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        select_runners_to_alert(PointIndex(), PATIENT, datetime(2025, 6, 3, 10), {}, ())


_offsets = st.tuples(st.floats(-0.08, 0.08), st.floats(-0.12, 0.12))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_offsets, st.integers(0, 100), st.booleans()), min_size=0, max_size=40),
    st.integers(1, 20),
    st.sampled_from([500.0, 2_000.0, 5_000.0, 10_000.0]),
)
def test_pointindex_and_brute_force_give_the_same_alert_list(
    runners: list[tuple[tuple[float, float], int, bool]], count: int, radius: float
) -> None:
    points = {
        f"r{i}": (PATIENT.lat + dlat, PATIENT.lon + dlon)
        for i, ((dlat, dlon), _, _) in enumerate(runners)
    }
    positions = {f"r{i}": NOW - timedelta(hours=hours) for i, (_, hours, _) in enumerate(runners)}
    exclude = {f"r{i}" for i, (_, _, excluded) in enumerate(runners) if excluded}
    fast = select_runners_to_alert(
        runner_index(points), PATIENT, NOW, positions, exclude, count, radius
    )
    slow = select_runners_to_alert(
        BruteForceIndex(points), PATIENT, NOW, positions, exclude, count, radius
    )
    assert fast == slow
    expected = sorted(
        (haversine_m(PATIENT.lat, PATIENT.lon, *points[pid]), pid)
        for pid in points
        if pid not in exclude and positions[pid] > NOW - ACTIVE_POSITION_MAX_AGE
    )
    assert [(n.distance_m, n.id) for n in slow] == [e for e in expected if e[0] <= radius][:count]


# --------------------------------------------------------------------------- acceptance


def test_acceptance_exactly_on_the_radius_is_inside_and_a_hair_beyond_is_too_far() -> None:
    lat, lon = place(5_000.0)
    distance = haversine_m(PATIENT.lat, PATIENT.lon, lat, lon)
    assert check_acceptance(PATIENT, distance, lat, lon) == distance
    smaller = distance - distance * 1e-12
    with pytest.raises(TooFar) as caught:
        check_acceptance(PATIENT, smaller, lat, lon)
    assert caught.value.distance_m == distance
    assert caught.value.radius_m == smaller
    assert "outside the" in str(caught.value)


def test_acceptance_far_outside_reports_the_distance() -> None:
    lat, lon = place(6_200.0)
    with pytest.raises(TooFar, match="6200 m from the patient, outside the 5000 m radius"):
        check_acceptance(PATIENT, ALERT_RADIUS_M, lat, lon)


@pytest.mark.parametrize(("lat", "lon"), [(float("nan"), 12.0), (91.0, 12.0), (55.0, 181.0)])
def test_acceptance_from_an_impossible_position_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinate):
        check_acceptance(PATIENT, ALERT_RADIUS_M, lat, lon)


# --------------------------------------------------------------------------- task assignment


def make_aed(
    aed_id: str,
    distance_m: float,
    *,
    bearing: float = 0.0,
    access: AedAccess = AedAccess.ALWAYS,
    hours: str | None = None,
    status: AedStatus = AedStatus.AVAILABLE,
) -> Aed:
    lat, lon = place(distance_m, bearing)
    return Aed(aed_id, lat, lon, f"Vej {aed_id}", access, hours, status)


def catalogue(*aeds: Aed) -> AedCatalogue:
    index = PointIndex()
    for aed in aeds:
        index.insert(aed.id, aed.lat, aed.lon)
    return AedCatalogue(index=index, aeds={aed.id: aed for aed in aeds})


def task(
    accepted_before: int,
    aeds: AedCatalogue,
    load: dict[str, int] | None = None,
    now: datetime = NOW,
    radius_m: float = ALERT_RADIUS_M,
) -> Task:
    return assign_task(accepted_before, PATIENT, radius_m, aeds, now, load or {})


def test_the_first_four_fetch_the_nearest_aed_and_the_fifth_goes_to_the_patient() -> None:
    aeds = catalogue(make_aed("near", 150.0), make_aed("far", 900.0, bearing=200.0))
    assert [task(n, aeds) for n in range(4)] == [Task.fetch_aed("near")] * 4
    assert task(4, aeds) == Task.go_to_patient()
    assert task(11, aeds) == Task.go_to_patient()


def test_the_per_aed_cap_counts_every_open_mission_and_the_sixth_goes_farther() -> None:
    aeds = catalogue(make_aed("a1", 150.0), make_aed("a2", 400.0, bearing=120.0))
    load: dict[str, int] = {}
    sent = []
    # Mission 1: four fetchers; mission 2 at the same place: two more.
    for accepted_before in (0, 1, 2, 3, 0, 1):
        assigned = task(accepted_before, aeds, load)
        assert assigned.aed_id is not None
        load[assigned.aed_id] = load.get(assigned.aed_id, 0) + 1
        sent.append(assigned.aed_id)
    assert sent == ["a1"] * MAX_RESPONDERS_PER_AED + ["a2"]


def test_an_aed_with_four_on_the_way_still_takes_a_fifth() -> None:
    aeds = catalogue(make_aed("a1", 150.0), make_aed("a2", 400.0, bearing=120.0))
    assert task(0, aeds, {"a1": MAX_RESPONDERS_PER_AED - 1}) == Task.fetch_aed("a1")
    assert task(0, aeds, {"a1": MAX_RESPONDERS_PER_AED}) == Task.fetch_aed("a2")


@pytest.mark.parametrize(
    "skipped",
    [
        make_aed("skip", 100.0, access=AedAccess.LIMITED, hours="Mo-Fr 08:00-11:00"),
        make_aed("skip", 100.0, access=AedAccess.LIMITED, hours=None),
        make_aed("skip", 100.0, status=AedStatus.TAKEN),
        make_aed("skip", 100.0, status=AedStatus.OUT_OF_SERVICE),
    ],
    ids=["closed-now", "limited-without-hours", "taken", "out-of-service"],
)
def test_unavailable_aeds_are_skipped_for_the_next_available_one(skipped: Aed) -> None:
    aeds = catalogue(skipped, make_aed("next", 600.0, bearing=45.0))
    assert task(0, aeds) == Task.fetch_aed("next")


def test_an_aed_open_now_is_used() -> None:
    # 12:00 in Copenhagen on a Tuesday.
    aeds = catalogue(
        make_aed("shop", 100.0, access=AedAccess.LIMITED, hours="Mo-Fr 08:00-16:00"),
        make_aed("next", 600.0, bearing=45.0),
    )
    assert task(0, aeds) == Task.fetch_aed("shop")
    evening = datetime(2025, 6, 3, 17, 0, tzinfo=UTC)  # 19:00 local
    assert task(0, aeds, now=evening) == Task.fetch_aed("next")


def test_no_available_aed_in_the_radius_means_straight_to_the_patient() -> None:
    assert task(0, catalogue()) == Task.go_to_patient()
    aeds = catalogue(make_aed("taken", 100.0, status=AedStatus.TAKEN), make_aed("outside", 5_200.0))
    assert task(0, aeds) == Task.go_to_patient()
    assert task(0, aeds, radius_m=6_000.0) == Task.fetch_aed("outside")


def test_equally_near_aeds_are_chosen_by_id() -> None:
    aeds = catalogue(make_aed("b", 300.0), make_aed("a", 300.0))
    assert task(0, aeds) == Task.fetch_aed("a")


def test_an_indexed_aed_missing_from_the_catalogue_is_skipped() -> None:
    aeds = catalogue(make_aed("real", 500.0))
    ghost_lat, ghost_lon = place(50.0)
    assert isinstance(aeds.index, PointIndex)
    aeds.index.insert("ghost", ghost_lat, ghost_lon)
    assert task(0, aeds) == Task.fetch_aed("real")


def test_rules_work_with_any_index_that_has_nearest() -> None:
    aed = make_aed("only", 200.0)
    brute = AedCatalogue(BruteForceIndex({aed.id: (aed.lat, aed.lon)}), {aed.id: aed})
    assert task(0, brute) == Task.fetch_aed("only")


def test_a_negative_acceptance_count_is_refused() -> None:
    with pytest.raises(ValueError, match="accepted_before must be >= 0, got -1"):
        task(-1, catalogue())


# --------------------------------------------------------------------------- missions


def responder(
    runner_id: str, rank: int, state: ResponderState, task: Task | None = None
) -> Responder:
    return Responder(
        runner_id=runner_id,
        alias=f"HL-{runner_id}",
        rank=rank,
        distance_m=100.0 * rank,
        state=state,
        task=task,
        alerted_at=NOW,
        accepted_at=None,
        arrived_at=None,
        position=Position(PATIENT.lat, PATIENT.lon, NOW),
    )


def mission(
    mission_id: str, responders: Iterable[Responder], state: MissionState = MissionState.ALERTING
) -> Mission:
    return Mission(
        id=mission_id,
        state=state,
        location=PATIENT,
        address="Testvej 1",
        age_group=AgeGroup.ADULT,
        note="",
        radius_m=ALERT_RADIUS_M,
        created_at=NOW,
        created_by="demo-dispatcher",
        responders=tuple(responders),
    )


EVERY_STATE = [responder(f"s{i}", i + 1, state) for i, state in enumerate(ResponderState)]


def test_release_on_end_names_the_responders_still_out_in_rank_order() -> None:
    shuffled = mission("m", reversed(EVERY_STATE))
    released = release_on_end(shuffled)
    by_id = {r.runner_id: r.state for r in EVERY_STATE}
    assert [by_id[r] for r in released] == [
        ResponderState.ALERTED,
        ResponderState.ACCEPTED,
        ResponderState.AED_COLLECTED,
    ]


def test_engaged_runners_are_those_who_accepted_an_open_mission() -> None:
    open_mission = mission("m1", EVERY_STATE)
    ended = mission(
        "m2", [responder("late", 1, ResponderState.ACCEPTED)], state=MissionState.CLOSED
    )
    engaged = engaged_runner_ids([open_mission, ended])
    by_id = {r.runner_id: r.state for r in EVERY_STATE}
    assert {by_id[r] for r in engaged} == {
        ResponderState.ACCEPTED,
        ResponderState.AED_COLLECTED,
        ResponderState.ARRIVED,
    }


def test_aed_load_counts_fetchers_on_their_way_in_open_missions_only() -> None:
    to_a1 = Task.fetch_aed("a1")
    open_mission = mission(
        "m1",
        [
            responder("x1", 1, ResponderState.ACCEPTED, to_a1),
            responder("x2", 2, ResponderState.ACCEPTED, Task.fetch_aed("a2")),
            responder("x3", 3, ResponderState.AED_COLLECTED, to_a1),
            responder("x4", 4, ResponderState.ARRIVED, to_a1),
            responder("x5", 5, ResponderState.ACCEPTED, Task.go_to_patient()),
        ],
    )
    other = mission("m2", [responder("y1", 1, ResponderState.ACCEPTED, to_a1)])
    cancelled = mission(
        "m3",
        [responder("z1", 1, ResponderState.ACCEPTED, to_a1)],
        state=MissionState.CANCELLED,
    )
    assert aed_load([open_mission, other, cancelled]) == {"a1": 2, "a2": 1}


# --------------------------------------------------------------------------- free text


@pytest.mark.parametrize(
    ("validate", "name", "limit"),
    [
        (validate_address, "address", 200),
        (validate_note, "note", 500),
        (validate_reason, "reason", 200),
        (validate_outcome, "outcome", 200),
        (validate_message, "text", 280),
    ],
)
def test_text_limits_from_the_contract(
    validate: Callable[[object], str], name: str, limit: int
) -> None:
    assert validate("ø" * limit) == "ø" * limit
    with pytest.raises(TextTooLong, match=f"{name}: {limit + 1} characters, at most {limit}") as e:
        validate("x" * (limit + 1))
    assert (e.value.name, e.value.length, e.value.max_chars) == (name, limit + 1, limit)


def test_text_is_returned_verbatim_never_stripped() -> None:
    raw = "  <b>Opgang B</b>\n"
    assert validate_note(raw) is raw


def test_an_empty_message_is_refused_but_an_empty_note_is_fine() -> None:
    assert validate_note("") == ""
    with pytest.raises(TextTooShort, match="text: 0 characters, at least 1 required"):
        validate_message("")


def test_characters_are_code_points() -> None:
    # A family emoji is 7 code points; the contract and JSON count code points, not glyphs.
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert len(family) == 7
    assert validate_text("t", family, 7) == family
    with pytest.raises(TextTooLong):
        validate_text("t", family, 6)


@pytest.mark.parametrize("value", [None, 12, b"bytes"])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(NotText, match="address: expected a string"):
        validate_address(value)
