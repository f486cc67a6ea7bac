"""The coverage preview: bands, who would be alerted, AEDs usable now, first arrivals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.constants import AED_PICKUP_S, SPEED_FOOT_M_S, TURNOUT_NIGHT_S
from console.domain.geometry import haversine_m
from console.domain.model import Aed, AedAccess, AedStatus, LatLon, Mode, Runner
from console.services.runners import AlertPreview, Candidate
from console.ui.coverage import AedLocator, coverage

HERE = LatLon(55.6761, 12.5683)
NIGHT = datetime(2025, 6, 3, 23, 30, tzinfo=UTC)  # 01:30 in Copenhagen: night turnout, closed
DAY = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)


def north(metres: float) -> tuple[float, float]:
    return HERE.lat + metres / 111_195.0, HERE.lon


def candidate(
    ident: str, metres: float, *, engaged: bool = False, rank: int | None = 1
) -> Candidate:
    lat, lon = north(metres)
    runner = Runner(ident, ident, lat, lon, NIGHT, Mode.FOOT)
    return Candidate(runner, haversine_m(HERE.lat, HERE.lon, lat, lon), engaged, rank)


def aed(
    ident: str,
    metres: float,
    access: AedAccess = AedAccess.ALWAYS,
    hours: str | None = None,
    status: AedStatus = AedStatus.AVAILABLE,
) -> Aed:
    lat, lon = north(-metres)
    return Aed(ident, lat, lon, "x", access, hours, status)


def test_counts_bands_and_first_arrivals() -> None:
    preview = AlertPreview(
        HERE,
        5000.0,
        (
            candidate("a", 400),
            candidate("b", 1500),
            candidate("c", 2500, engaged=True, rank=None),
            candidate("d", 4900),
        ),
    )
    locator = AedLocator(
        [
            aed("near", 200),
            aed("shop", 100, AedAccess.LIMITED, "Mo-Fr 08:00-16:00"),  # closed at night
            aed("taken", 50, status=AedStatus.TAKEN),
            aed("far", 6000),
        ]
    )
    result = coverage(preview, locator, NIGHT)
    assert result.runners == 4
    assert result.within == (1, 2, 4)
    assert result.would_alert == 3
    assert result.engaged == 1
    assert [n.aed.id for n in result.aeds] == ["near"]
    assert result.nearest_aed_m == pytest.approx(200, abs=0.5)
    direct = TURNOUT_NIGHT_S + 400 * 1.3 / SPEED_FOOT_M_S
    assert result.first_arrival_s == pytest.approx(direct, abs=0.5)
    via = TURNOUT_NIGHT_S + (600 + 200) * 1.3 / SPEED_FOOT_M_S + AED_PICKUP_S
    assert result.first_aed_arrival_s == pytest.approx(via, abs=0.5)


def test_the_shop_aed_counts_in_opening_hours() -> None:
    locator = AedLocator([aed("shop", 100, AedAccess.LIMITED, "Mo-Fr 08:00-16:00")])
    assert [n.aed.id for n in locator.usable_near(HERE, DAY)] == ["shop"]
    assert locator.usable_near(HERE, NIGHT) == ()


def test_nobody_near() -> None:
    result = coverage(AlertPreview(HERE, 5000.0, ()), AedLocator([]), NIGHT)
    assert (result.runners, result.would_alert, result.aeds) == (0, 0, ())
    assert result.first_arrival_s is None
    assert result.first_aed_arrival_s is None
    assert result.nearest_aed_m is None
