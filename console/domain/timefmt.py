"""Contract times: UTC, ISO 8601 with ``Z`` and millisecond precision.

Both sides truncate to milliseconds when a time is created, so a time that travels through JSON
and back compares equal to the original, and ``fold(events)`` equals the server's Mission exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime


class TimeFormatError(ValueError):
    """A time string that is not an ISO 8601 UTC instant."""


def truncate_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond precision and normalise to UTC."""
    if moment.tzinfo is None:
        raise TimeFormatError(f"naive datetime {moment!r}: contract times must be timezone-aware")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond - moment.microsecond % 1000)


def utc_now() -> datetime:
    """The current instant, already truncated as the contract carries it."""
    return truncate_ms(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """``2025-06-03T14:02:11.250Z``."""
    moment = truncate_ms(moment)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_time(text: str) -> datetime:
    """Parse a contract time; offsets other than ``Z`` are accepted and converted to UTC."""
    if not isinstance(text, str) or not text:
        raise TimeFormatError(f"expected an ISO 8601 time string, got {text!r}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeFormatError(f"not an ISO 8601 time: {text!r}") from exc
    if moment.tzinfo is None:
        raise TimeFormatError(f"time without a zone: {text!r} (contract times end in Z)")
    return truncate_ms(moment)
