"""Instants become Copenhagen wall-clock time; naive datetimes are refused, never assumed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.domain.localtime import NaiveDatetimeError, to_local


def test_summer_and_winter_offsets() -> None:
    assert to_local(datetime(2025, 6, 2, 12, tzinfo=UTC)).replace(tzinfo=None) == datetime(
        2025, 6, 2, 14
    )
    assert to_local(datetime(2025, 1, 2, 12, tzinfo=UTC)).replace(tzinfo=None) == datetime(
        2025, 1, 2, 13
    )


def test_other_offsets_are_converted_too() -> None:
    new_york = timezone(timedelta(hours=-4))
    assert to_local(datetime(2025, 6, 2, 8, tzinfo=new_york)).hour == 14


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match=r"naive datetime 2025-06-02T12:00:00"):
        to_local(datetime(2025, 6, 2, 12))


def test_non_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="expected a datetime, got str"):
        to_local("2025-06-02T12:00:00Z")  # type: ignore[arg-type]
