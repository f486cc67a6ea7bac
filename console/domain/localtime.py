"""Instants to Danish wall-clock time, refusing naive datetimes.

Opening hours and the night turnout are written in local time, while the contract carries UTC.
A naive datetime is ambiguous (is it UTC, or local?), and guessing wrong shifts every AED's hours
by one or two hours, so it is rejected rather than assumed.
"""

from __future__ import annotations

from datetime import datetime

from console.domain.constants import LOCAL_TZ


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone where an instant was needed."""


def to_local(at: datetime) -> datetime:
    """``at`` as Europe/Copenhagen wall-clock time (summer time included)."""
    if not isinstance(at, datetime):
        raise TypeError(f"expected a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetimeError(
            f"naive datetime {at.isoformat()}: pass a timezone-aware instant (e.g. UTC)"
        )
    return at.astimezone(LOCAL_TZ)
