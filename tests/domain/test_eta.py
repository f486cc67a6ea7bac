"""The ETA model: distance × route factor / speed, plus turnout (longer at night) and, for AED
fetchers, a pick-up; the figures come from constants.py."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain import constants as c
from console.domain.constants import LOCAL_TZ
from console.domain.eta import (
    EtaError,
    eta_seconds,
    eta_via_aed_seconds,
    expected_arrival,
    route_factor,
    speed_m_s,
    travel_seconds,
    turnout_seconds,
)
from console.domain.localtime import NaiveDatetimeError
from console.domain.model import Mode

MODE_FIGURES = [
    (Mode.FOOT, c.ROUTE_FACTOR_FOOT, c.SPEED_FOOT_M_S),
    (Mode.BIKE, c.ROUTE_FACTOR_BIKE, c.SPEED_BIKE_M_S),
    (Mode.CAR, c.ROUTE_FACTOR_CAR, c.SPEED_CAR_M_S),
]


def local(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(("mode", "factor", "speed"), MODE_FIGURES)
def test_each_mode_uses_its_own_route_factor_and_speed(
    mode: Mode, factor: float, speed: float
) -> None:
    assert route_factor(mode) == factor
    assert speed_m_s(mode) == speed
    assert travel_seconds(1_000.0, mode) == pytest.approx(1_000.0 * factor / speed)


def test_figures_are_plausible_and_ordered() -> None:
    # Network distance is never shorter than the straight line, and a car outruns a bike,
    # which outruns a runner: a typo in constants.py (30 instead of 3.0) fails here.
    for _, factor, speed in MODE_FIGURES:
        assert 1.0 <= factor <= 2.0
        assert 1.0 <= speed <= 20.0
    assert c.SPEED_FOOT_M_S < c.SPEED_BIKE_M_S < c.SPEED_CAR_M_S


def test_a_runner_500_m_away_by_day_arrives_in_about_five_minutes() -> None:
    # 105 s turnout + 500 m × 1.3 / 3 m/s = 105 + 216.7 s.
    assert eta_seconds(500.0, Mode.FOOT) == pytest.approx(105.0 + 500.0 * 1.3 / 3.0)


def test_turnout_parameter_replaces_the_daytime_default() -> None:
    assert eta_seconds(900.0, Mode.BIKE, turnout_s=0.0) == travel_seconds(900.0, Mode.BIKE)
    night = eta_seconds(900.0, Mode.BIKE, turnout_s=c.TURNOUT_NIGHT_S)
    assert night - eta_seconds(900.0, Mode.BIKE) == pytest.approx(142.0 - 105.0)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(22, 59), c.TURNOUT_DAY_S),
        (local(23, 0), c.TURNOUT_NIGHT_S),
        (local(3, 0), c.TURNOUT_NIGHT_S),
        (local(6, 59), c.TURNOUT_NIGHT_S),
        (local(7, 0), c.TURNOUT_DAY_S),
        (local(12, 0), c.TURNOUT_DAY_S),
        # 21:30 UTC is 23:30 in Copenhagen in summer: night, although 21:30 looks like day.
        (datetime(2025, 6, 3, 21, 30, tzinfo=UTC), c.TURNOUT_NIGHT_S),
        # 06:30 UTC in winter is 07:30 local: day.
        (datetime(2025, 1, 3, 6, 30, tzinfo=UTC), c.TURNOUT_DAY_S),
    ],
)
def test_turnout_is_longer_at_night_in_local_time(moment: datetime, expected: float) -> None:
    assert turnout_seconds(moment) == expected


def test_turnout_figures_are_the_studies_medians() -> None:
    assert (c.TURNOUT_DAY_S, c.TURNOUT_NIGHT_S) == (105.0, 142.0)  # 1:45 and 2:22


def test_via_aed_adds_both_legs_and_the_pick_up() -> None:
    direct = eta_seconds(300.0, Mode.FOOT) + travel_seconds(400.0, Mode.FOOT)
    assert eta_via_aed_seconds(300.0, 400.0, Mode.FOOT) == pytest.approx(direct + c.AED_PICKUP_S)
    assert eta_via_aed_seconds(300.0, 400.0, Mode.FOOT, turnout_s=0, pickup_s=0) == pytest.approx(
        travel_seconds(700.0, Mode.FOOT)
    )


@given(
    st.floats(0, 20_000),
    st.floats(0, 20_000),
    st.sampled_from(list(Mode)),
)
def test_a_detour_via_an_aed_is_never_faster_than_going_straight(
    to_aed: float, aed_to_patient: float, mode: Mode
) -> None:
    # By the triangle inequality the straight line is at most the sum of both legs.
    straight = to_aed + aed_to_patient
    assert eta_via_aed_seconds(to_aed, aed_to_patient, mode) >= eta_seconds(straight, mode)


def test_expected_arrival_by_day_counts_turnout_from_the_alert() -> None:
    alerted = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    arrival = expected_arrival(600.0, Mode.FOOT, alerted)
    assert arrival == alerted + timedelta(seconds=105.0 + 600.0 * 1.3 / 3.0)
    assert arrival.tzinfo is UTC


def test_expected_arrival_at_night_uses_the_night_turnout() -> None:
    alerted = datetime(2025, 6, 3, 22, 0, tzinfo=UTC)  # 00:00 local
    assert expected_arrival(0.0, Mode.CAR, alerted) == alerted + timedelta(seconds=142.0)


def test_early_acceptance_does_not_shorten_the_turnout() -> None:
    alerted = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    accepted = alerted + timedelta(seconds=20)
    assert expected_arrival(600.0, Mode.FOOT, alerted, accepted) == expected_arrival(
        600.0, Mode.FOOT, alerted
    )


def test_late_acceptance_delays_departure_to_the_acceptance() -> None:
    alerted = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    accepted = alerted + timedelta(minutes=4)
    arrival = expected_arrival(600.0, Mode.FOOT, alerted, accepted)
    assert arrival == accepted + timedelta(seconds=600.0 * 1.3 / 3.0)


def test_expected_arrival_via_an_aed() -> None:
    alerted = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    arrival = expected_arrival(300.0, Mode.BIKE, alerted, aed_to_patient_m=800.0)
    expected = eta_via_aed_seconds(300.0, 800.0, Mode.BIKE)
    assert (arrival - alerted).total_seconds() == pytest.approx(expected)


def test_acceptance_before_the_alert_is_refused() -> None:
    alerted = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    with pytest.raises(EtaError, match="is before alerted_at"):
        expected_arrival(100.0, Mode.FOOT, alerted, alerted - timedelta(seconds=1))


def test_naive_times_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        expected_arrival(100.0, Mode.FOOT, datetime(2025, 6, 3, 10))
    with pytest.raises(NaiveDatetimeError):
        turnout_seconds(datetime(2025, 6, 3, 23))


@pytest.mark.parametrize("distance", [-1.0, math.nan, math.inf, "500", True, None])
def test_bad_distances_are_refused(distance: object) -> None:
    with pytest.raises(EtaError, match="distance_m must be"):
        travel_seconds(distance, Mode.FOOT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "kwargs"), [("turnout_s", {"turnout_s": -5.0}), ("pickup_s", {"pickup_s": math.nan})]
)
def test_bad_durations_are_refused(name: str, kwargs: dict[str, float]) -> None:
    with pytest.raises(EtaError, match=f"{name} must be"):
        eta_via_aed_seconds(100.0, 100.0, Mode.FOOT, **kwargs)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(EtaError, match="unknown travel mode 'walk'; expected one of foot"):
        travel_seconds(100.0, "walk")  # type: ignore[arg-type]


@given(st.floats(0, 10_000), st.floats(0, 10_000), st.sampled_from(list(Mode)))
def test_farther_is_never_sooner(a: float, b: float, mode: Mode) -> None:
    near, far = sorted((a, b))
    assert eta_seconds(near, mode) <= eta_seconds(far, mode)
