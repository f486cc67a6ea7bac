"""The autopilot's calibrated draws and its straight-line trips."""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from console.domain.constants import AED_PICKUP_S, TURNOUT_DAY_S, TURNOUT_NIGHT_S
from console.domain.eta import travel_seconds
from console.domain.geometry import destination_point, haversine_m
from console.domain.model import LatLon, Mode
from console.domain.reference_data import municipalities
from console.domain.service_area import ServiceArea
from console.domain.world import MAX_SPREAD_M
from console.server.autopilot_model import (
    DEFAULT_BEHAVIOUR,
    Answer,
    ArrestSampler,
    Behaviour,
    BehaviourError,
    StepKind,
    confirmed_position,
    draw_mission_plan,
    draw_responder_plan,
    plan_trip,
    rng_for,
)

DAY = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)  # 12:00 in Copenhagen
NIGHT = datetime(2025, 6, 3, 1, 0, tzinfo=UTC)  # 03:00 in Copenhagen
N = 20_000
PATIENT = LatLon(55.6761, 12.5683)


def _within_3_sigma(count: int, n: int, p: float) -> bool:
    return abs(count / n - p) <= 3 * math.sqrt(p * (1 - p) / n)


def _point(distance_m: float, bearing: float, origin: LatLon = PATIENT) -> LatLon:
    lat, lon = destination_point(origin.lat, origin.lon, bearing, distance_m)
    return LatLon(lat, lon)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"accept_p": 1.2}, "accept_p must be a probability"),
        ({"cancel_p": -0.1}, "cancel_p must be a probability"),
        ({"accept_p": 0.6, "decline_p": 0.5}, "must not exceed 1"),
        ({"ems_median_s": 0.0}, "ems_median_s must be positive"),
        ({"position_interval_s": math.nan}, "position_interval_s must be positive"),
        ({"pace_sigma": -1.0}, "pace_sigma must be >= 0"),
        ({"home_after_s": (60.0, 30.0)}, "home_after_s"),
    ],
)
def test_behaviour_refuses_meaningless_parameters(changes: dict[str, object], message: str) -> None:
    with pytest.raises(BehaviourError, match=message):
        Behaviour(**changes)  # type: ignore[arg-type]


def test_responder_answers_follow_the_calibrated_shares() -> None:
    plans = [draw_responder_plan(DEFAULT_BEHAVIOUR, rng_for(1, "m", str(i)), DAY) for i in range(N)]
    answers = Counter(p.answer for p in plans)
    b = DEFAULT_BEHAVIOUR
    assert _within_3_sigma(answers[Answer.ACCEPT], N, b.accept_p)
    assert _within_3_sigma(answers[Answer.DECLINE], N, b.decline_p)
    assert _within_3_sigma(sum(p.moved is not None for p in plans), N, b.moved_p)
    assert _within_3_sigma(sum(p.abandon_at is not None for p in plans), N, b.abandon_p)
    assert statistics.median(p.answer_after_s for p in plans) == pytest.approx(30.0, rel=0.05)
    assert statistics.median(p.pace for p in plans) == pytest.approx(1.0, rel=0.02)
    # Nobody leaves before answering.
    assert all(p.turnout_s >= p.answer_after_s for p in plans)
    assert all(0.1 <= p.abandon_at <= 0.9 for p in plans if p.abandon_at is not None)


def test_turnout_is_the_domain_median_by_day_and_longer_at_night() -> None:
    day = [draw_responder_plan(DEFAULT_BEHAVIOUR, rng_for(2, str(i)), DAY) for i in range(N)]
    night = [draw_responder_plan(DEFAULT_BEHAVIOUR, rng_for(2, str(i)), NIGHT) for i in range(N)]
    # The answer delay only rarely exceeds turnout, so the medians stay within a few per cent.
    assert statistics.median(p.turnout_s for p in day) == pytest.approx(TURNOUT_DAY_S, rel=0.04)
    assert statistics.median(p.turnout_s for p in night) == pytest.approx(TURNOUT_NIGHT_S, rel=0.04)


def test_missions_end_with_the_ambulance_or_a_cancellation_before_it() -> None:
    plans = [draw_mission_plan(DEFAULT_BEHAVIOUR, rng_for(3, "mission", str(i))) for i in range(N)]
    assert statistics.median(p.ems_after_s for p in plans) == pytest.approx(540.0, rel=0.03)
    cancelled = [p for p in plans if p.cancel_after_s is not None]
    assert _within_3_sigma(len(cancelled), N, 0.16)
    assert all(p.cancel_after_s is not None and p.cancel_after_s < p.ems_after_s for p in cancelled)
    assert all(p.ends_after_s == (p.cancel_after_s or p.ems_after_s) for p in plans)


def test_draws_are_keyed_by_seed_and_ids() -> None:
    first = [rng_for(5, "m-1", "r1").random() for _ in range(3)]
    assert first == [rng_for(5, "m-1", "r1").random() for _ in range(3)]
    assert rng_for(5, "m-1", "r1").random() != rng_for(6, "m-1", "r1").random()
    assert rng_for(5, "m-1", "r1").random() != rng_for(5, "m-1", "r2").random()
    assert rng_for(5, "m-1", "r1").random() != rng_for(5, "m-1r", "1").random()


def test_a_responder_who_moved_accepts_from_elsewhere() -> None:
    plan = draw_responder_plan(DEFAULT_BEHAVIOUR, random.Random(1), DAY)
    assert confirmed_position(PATIENT, replace(plan, moved=None)) == PATIENT
    there = confirmed_position(PATIENT, replace(plan, moved=(2_500.0, 90.0)))
    assert haversine_m(PATIENT.lat, PATIENT.lon, there.lat, there.lon) == pytest.approx(
        2_500.0, abs=0.2
    )
    assert there.lon > PATIENT.lon  # east


def test_a_direct_trip_moves_along_the_line_at_the_mode_speed() -> None:
    start = _point(1_200.0, 30.0)
    steps = plan_trip(start, None, PATIENT, Mode.FOOT, depart_at=100.0, pace=1.25, interval_s=10.0)
    duration = travel_seconds(1_200.0, Mode.FOOT) / 1.25
    assert steps[-1].kind is StepKind.ARRIVE
    assert steps[-1].at == pytest.approx(100.0 + duration, abs=1e-6)
    assert (steps[-1].lat, steps[-1].lon) == (PATIENT.lat, PATIENT.lon)
    moves = steps[:-1]
    assert {s.kind for s in moves} == {StepKind.MOVE}
    assert [s.at for s in moves] == pytest.approx(
        [100.0 + 10.0 * k for k in range(1, len(moves) + 1)]
    )
    assert len(moves) == math.ceil(duration / 10.0) - 1
    # Each report is where a straight-line walk at that pace would be.
    for step in moves:
        left = haversine_m(step.lat, step.lon, PATIENT.lat, PATIENT.lon)
        assert left == pytest.approx(1_200.0 * (1 - (step.at - 100.0) / duration), abs=1.0)


def test_a_trip_via_an_aed_collects_it_after_the_pickup_then_goes_on() -> None:
    start = _point(800.0, 200.0)
    aed = _point(300.0, 120.0)
    steps = plan_trip(start, aed, PATIENT, Mode.BIKE, depart_at=0.0, pace=1.0, interval_s=10.0)
    first = travel_seconds(haversine_m(start.lat, start.lon, aed.lat, aed.lon), Mode.BIKE)
    second = travel_seconds(300.0, Mode.BIKE)
    collect = next(s for s in steps if s.kind is StepKind.COLLECT)
    assert collect.at == pytest.approx(first + AED_PICKUP_S)
    assert (collect.lat, collect.lon) == (aed.lat, aed.lon)
    assert steps[-1].kind is StepKind.ARRIVE
    assert steps[-1].at == pytest.approx(first + AED_PICKUP_S + second)
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    # No position reports while the AED is being taken out.
    assert not [s for s in steps if first < s.at < first + AED_PICKUP_S]


def test_without_an_interval_only_the_status_reports_remain() -> None:
    aed = _point(300.0, 120.0)
    steps = plan_trip(
        _point(800.0, 200.0), aed, PATIENT, Mode.CAR, depart_at=0.0, pace=1.0, interval_s=None
    )
    assert [s.kind for s in steps] == [StepKind.COLLECT, StepKind.ARRIVE]


def test_an_abandoned_trip_ends_where_and_when_they_gave_up() -> None:
    start = _point(1_500.0, 0.0)
    full = plan_trip(start, None, PATIENT, Mode.FOOT, depart_at=50.0, pace=1.0, interval_s=10.0)
    steps = plan_trip(
        start, None, PATIENT, Mode.FOOT, depart_at=50.0, pace=1.0, interval_s=10.0, abandon_at=0.4
    )
    end = steps[-1]
    assert end.kind is StepKind.ABANDON
    assert end.at == pytest.approx(50.0 + 0.4 * (full[-1].at - 50.0))
    assert haversine_m(end.lat, end.lon, PATIENT.lat, PATIENT.lon) == pytest.approx(900.0, abs=1.0)
    assert all(s.kind is StepKind.MOVE and s.at < end.at for s in steps[:-1])


def test_trips_refuse_a_meaningless_pace_interval_or_fraction() -> None:
    start = _point(500.0, 0.0)
    with pytest.raises(BehaviourError, match="pace"):
        plan_trip(start, None, PATIENT, Mode.FOOT, depart_at=0.0, pace=0.0, interval_s=None)
    with pytest.raises(BehaviourError, match="interval_s"):
        plan_trip(start, None, PATIENT, Mode.FOOT, depart_at=0.0, pace=1.0, interval_s=-5.0)
    with pytest.raises(BehaviourError, match="abandon_at"):
        plan_trip(
            start, None, PATIENT, Mode.FOOT, depart_at=0.0, pace=1.0, interval_s=None, abandon_at=2
        )


def test_arrests_happen_where_people_live() -> None:
    sampler = ArrestSampler()
    rng = rng_for(9, "arrests")
    region_of = {m.name: m.region for m in municipalities()}
    population: Counter[str] = Counter()
    for m in municipalities():
        population[m.region] += m.population
    total = sum(population.values())
    n = 4_000
    towns = [sampler.sample_town(rng) for _ in range(n)]
    by_region = Counter(region_of[t.kommune] for t in towns)
    for region, people in population.items():
        assert _within_3_sigma(by_region[region], n, people / total), region
    area = ServiceArea.denmark()
    for town in towns[:400]:
        spot = sampler.sample_near(town, rng)
        assert area.contains(spot.lat, spot.lon)
        assert haversine_m(town.lat, town.lon, spot.lat, spot.lon) < 6 * MAX_SPREAD_M
