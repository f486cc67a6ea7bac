"""Danish public holidays: Easter is computed right, and the list follows the holiday act."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.public_holidays import danish_public_holidays, easter_sunday, is_public_holiday


@pytest.mark.parametrize(
    "easter",
    [
        date(1818, 3, 22),  # the earliest possible date
        date(1943, 4, 25),  # the latest possible date
        date(2000, 4, 23),
        date(2019, 4, 21),
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2038, 4, 25),
    ],
)
def test_easter_sunday_matches_published_dates(easter: date) -> None:
    assert easter_sunday(easter.year) == easter


@given(st.integers(1583, 9999))
def test_easter_is_a_sunday_between_22_march_and_25_april(year: int) -> None:
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_easter_outside_the_gregorian_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="year 1500 is outside"):
        easter_sunday(1500)


def test_2025_has_the_ten_holidays_of_the_act() -> None:
    assert sorted(danish_public_holidays(2025)) == [
        date(2025, 1, 1),  # nytårsdag
        date(2025, 4, 17),  # skærtorsdag
        date(2025, 4, 18),  # langfredag
        date(2025, 4, 20),  # påskedag
        date(2025, 4, 21),  # 2. påskedag
        date(2025, 5, 29),  # Kristi himmelfartsdag
        date(2025, 6, 8),  # pinsedag
        date(2025, 6, 9),  # 2. pinsedag
        date(2025, 12, 25),  # juledag
        date(2025, 12, 26),  # 2. juledag
    ]


def test_store_bededag_is_a_holiday_until_2023_only() -> None:
    assert is_public_holiday(date(2023, 5, 5))
    assert not is_public_holiday(date(2024, 4, 26))
    assert len(danish_public_holidays(2023)) == 11
    assert len(danish_public_holidays(2024)) == 10


@pytest.mark.parametrize(
    "day",
    [date(2025, 6, 5), date(2025, 12, 24), date(2025, 12, 31), date(2025, 4, 19)],
)
def test_customary_days_off_are_not_public_holidays(day: date) -> None:
    # Grundlovsdag, juleaften, nytårsaften and påskelørdag.
    assert not is_public_holiday(day)
