"""AED opening hours: the OpenStreetMap ``opening_hours`` subset our data uses, and evaluation.

29 % of Danish AEDs hang in places that lock at night; sending a responder to one of them costs
minutes a patient does not have. So the parser is strict: anything it cannot read exactly raises
:class:`OpeningHoursError` naming the offending part, and :func:`aed_available_now` treats hours
it cannot read as closed rather than guessing.

Supported (OSM semantics):

- ``24/7``; rules separated by ``;``; a later rule replaces the hours of every day it names.
- A rule is an optional day selector followed by time ranges (``08:00-12:00,13:00-17:00``) or
  ``off`` (``closed`` is read as ``off``). No selector means every day.
- Day selectors: ``Mo``, ``Mo-Fr``, ``Mo,We,Fr``, wrapping ranges such as ``Fr-Mo``, and ``PH``
  (Danish public holidays, see :mod:`console.domain.public_holidays`), alone or in a list
  (``Sa,Su,PH``).
- A range may end at ``24:00``; an end of ``00:00`` means midnight as well. A range whose end is
  before its start runs through midnight and belongs to the day it starts: ``Fr 22:00-06:00`` is
  open early Saturday even when a later rule replaces Saturday's hours.

Rejected with a clear message: months, week numbers, years, ``SH``, sunrise/sunset, comments in
quotes, ``open``/``unknown``, fallback ``||`` and additional ``,`` rules, hours beyond ``24:00``,
a selector with no hours (``Mo-Fr`` alone: read literally it means open all day, and a forgotten
time range must not make a locked AED look available), and empty or same-start-and-end ranges.

Times are evaluated in Europe/Copenhagen wall-clock time, so summer time is handled by the time
zone database rather than by us.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from console.domain.localtime import to_local
from console.domain.model import Aed, AedAccess, AedStatus
from console.domain.public_holidays import is_public_holiday

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_ALL_DAYS = frozenset(range(7))
_MINUTES_PER_DAY = 24 * 60
_RANGE_RE = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
# Spaces around ',' and '-' inside a day list or a time list ("Mo - Fr", "08:00 - 12:00").
_SPACED_SEPARATOR_RE = re.compile(r"(?<=[A-Za-z])\s*([,-])\s*(?=[A-Z])|(?<=\d)\s*([,-])\s*(?=\d)")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNSUPPORTED_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"sunrise|sunset|dawn|dusk"), "sunrise/sunset times are not supported"),
    (re.compile(r"\b(" + "|".join(_MONTHS) + r")\b"), "months are not supported"),
    (re.compile(r"\bweek\b"), "week numbers are not supported"),
    (re.compile(r"\bSH\b"), "school holidays (SH) are not supported"),
    (re.compile(r"\b\d{4}\b"), "years are not supported"),
    (re.compile(r"\b(open|unknown)\b"), "only 'off' is supported as a state"),
    (re.compile(r"\[|\]"), "nth-weekday selectors ([1], [-1]) are not supported"),
    (re.compile(r"\d\+"), "open-ended ranges ('+') are not supported"),
    (re.compile(r"\d\s*,\s*[A-Z]"), "additional rules after ',' are not supported; use ';'"),
)


class OpeningHoursError(ValueError):
    """An opening-hours string outside the supported subset, with the offending part named."""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Minutes after local midnight: ``start`` in 0–1439, ``end`` in 1–1440.

    ``end < start`` runs through midnight into the next day; ``end == start`` is not allowed.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < _MINUTES_PER_DAY:
            raise ValueError(f"range start {self.start} min is outside 0–1439")
        if not 0 < self.end <= _MINUTES_PER_DAY:
            raise ValueError(f"range end {self.end} min is outside 1–1440")
        if self.start == self.end:
            raise ValueError(f"range {self.format()} is empty")

    @property
    def wraps(self) -> bool:
        return self.end < self.start

    def format(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``;``-separated rule: the days it names and their hours (empty ``ranges`` = off).

    A rule naming all seven weekdays already covers every holiday, so ``holidays`` is dropped
    then; that keeps one value per meaning and makes ``parse(format(x)) == x`` hold.
    """

    weekdays: frozenset[int]
    holidays: bool
    ranges: tuple[TimeRange, ...]

    def __post_init__(self) -> None:
        if not self.weekdays <= _ALL_DAYS:
            raise ValueError(f"weekdays must be in 0–6 (Monday = 0), got {sorted(self.weekdays)}")
        if not self.weekdays and not self.holidays:
            raise ValueError("a rule must name at least one weekday or PH")
        if self.weekdays == _ALL_DAYS and self.holidays:
            object.__setattr__(self, "holidays", False)

    def format(self) -> str:
        if self.weekdays == _ALL_DAYS and self.ranges == (TimeRange(0, _MINUTES_PER_DAY),):
            return "24/7"
        hours = ",".join(r.format() for r in self.ranges) if self.ranges else "off"
        return f"{_format_selector(self.weekdays, self.holidays)} {hours}"


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Parsed opening hours; immutable, so one parse is shared by every AED with that text."""

    rules: tuple[Rule, ...]
    # Index of the last rule naming each weekday (-1: none) and of the last PH rule, so that
    # evaluating 26k AEDs does not rescan the rules for every one of them.
    _last_for_weekday: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _last_for_holiday: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.rules:
            raise ValueError("opening hours need at least one rule")
        last = [-1] * 7
        last_holiday = -1
        for index, rule in enumerate(self.rules):
            for day in rule.weekdays:
                last[day] = index
            if rule.holidays:
                last_holiday = index
        object.__setattr__(self, "_last_for_weekday", tuple(last))
        object.__setattr__(self, "_last_for_holiday", last_holiday)

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Parse ``text``; cached, because thousands of AEDs share a few hundred strings."""
        if not isinstance(text, str):
            raise OpeningHoursError(f"opening hours must be a string, got {type(text).__name__}")
        result = _parse_cached(text)
        if isinstance(result, str):
            raise OpeningHoursError(result)
        return result

    def format(self) -> str:
        """Canonical text: days Monday first, two-digit times, ``; `` between rules, ``24/7``."""
        return "; ".join(rule.format() for rule in self.rules)

    def __str__(self) -> str:
        return self.format()

    def is_open(self, at: datetime) -> bool:
        """Whether the place is open at the instant ``at`` (timezone-aware)."""
        local = to_local(at)
        day = local.date()
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        today = self._rule_for(day)
        if today is not None:
            for r in today.ranges:
                end = _MINUTES_PER_DAY if r.wraps else r.end
                if r.start * 60 <= seconds < end * 60:
                    return True
        yesterday = self._rule_for(day - timedelta(days=1))
        if yesterday is not None:
            for r in yesterday.ranges:
                if r.wraps and seconds < r.end * 60:
                    return True
        return False

    def _rule_for(self, day: date) -> Rule | None:
        """The rule that decides ``day``'s hours: the last one naming it (OSM override)."""
        index = self._last_for_weekday[day.weekday()]
        if self._last_for_holiday > index and is_public_holiday(day):
            index = self._last_for_holiday
        return self.rules[index] if index >= 0 else None


class AedAvailability(StrEnum):
    """What the map legend shows for an AED at a given moment."""

    ALWAYS = "always"
    OPEN_NOW = "open_now"
    CLOSED_NOW = "closed_now"
    TAKEN = "taken"
    OUT_OF_SERVICE = "out_of_service"

    @property
    def usable(self) -> bool:
        return self in (AedAvailability.ALWAYS, AedAvailability.OPEN_NOW)


def aed_availability(aed: Aed, at: datetime) -> AedAvailability:
    """Classify ``aed`` at ``at``; limited access with missing or unreadable hours is closed.

    Unreadable hours are not an error here: one bad string among 26k AEDs must not stop a
    dispatch. Servers should reject such strings on input with :meth:`OpeningHours.parse`.
    """
    if aed.status is AedStatus.TAKEN:
        return AedAvailability.TAKEN
    if aed.status is AedStatus.OUT_OF_SERVICE:
        return AedAvailability.OUT_OF_SERVICE
    if aed.access is AedAccess.ALWAYS:
        return AedAvailability.ALWAYS
    if aed.opening_hours is None:
        return AedAvailability.CLOSED_NOW
    try:
        hours = OpeningHours.parse(aed.opening_hours)
    except OpeningHoursError:
        return AedAvailability.CLOSED_NOW
    return AedAvailability.OPEN_NOW if hours.is_open(at) else AedAvailability.CLOSED_NOW


def aed_available_now(aed: Aed, at: datetime) -> bool:
    """Whether a responder could take ``aed`` at ``at`` (dispatch rule 4's "available")."""
    return aed_availability(aed, at).usable


# --------------------------------------------------------------------------- parsing


@functools.lru_cache(maxsize=2048)
def _parse_cached(text: str) -> OpeningHours | str:
    """The parse, or the error message: bad strings repeat across AEDs too, so cache both."""
    try:
        return _parse(text)
    except OpeningHoursError as exc:
        return str(exc)


def _parse(text: str) -> OpeningHours:
    def fail(problem: str) -> OpeningHoursError:
        return OpeningHoursError(f"cannot read opening hours {text!r}: {problem}")

    if not text.strip():
        raise fail("it is empty (use null for unknown hours)")
    if '"' in text:
        raise fail("comments in quotes are not supported")
    if "||" in text:
        raise fail("fallback rules ('||') are not supported")
    parts = text.split(";")
    rules = []
    for number, part in enumerate(parts, start=1):
        try:
            rules.append(_parse_rule(part))
        except OpeningHoursError as exc:
            if len(parts) == 1:
                raise fail(str(exc)) from None
            raise fail(f"rule {number} {part.strip()!r}: {exc}") from None
    return OpeningHours(tuple(rules))


def _parse_rule(part: str) -> Rule:
    stripped = part.strip()
    if not stripped:
        raise OpeningHoursError("empty rule (a stray ';'?)")
    if stripped == "24/7":
        return Rule(_ALL_DAYS, False, (TimeRange(0, _MINUTES_PER_DAY),))
    for pattern, hint in _UNSUPPORTED_HINTS:
        if pattern.search(stripped):
            raise OpeningHoursError(hint)
    tokens = _SPACED_SEPARATOR_RE.sub(lambda m: m.group(1) or m.group(2), stripped).split()
    if len(tokens) > 2:
        raise OpeningHoursError(
            f"unexpected {' '.join(tokens[2:])!r} after {' '.join(tokens[:2])!r}"
            " (one day selector and one list of times per rule; separate rules with ';')"
        )
    if len(tokens) == 1:
        (token,) = tokens
        if _is_hours(token):
            return Rule(_ALL_DAYS, False, _parse_hours(token))
        _parse_selector(token)  # a misspelt day is the more useful message
        raise OpeningHoursError(
            f"{token!r} has no hours; write e.g. '{token} 08:00-16:00', '{token} off' or '24/7'"
        )
    selector, hours = tokens
    if _is_hours(selector):
        raise OpeningHoursError(f"unexpected {hours!r} after the times {selector!r}")
    weekdays, holidays = _parse_selector(selector)
    if not _is_hours(hours):
        raise OpeningHoursError(f"expected times such as 08:00-16:00 or 'off', got {hours!r}")
    return Rule(weekdays, holidays, _parse_hours(hours))


def _is_hours(token: str) -> bool:
    return token in ("off", "closed") or token[:1].isdigit()


def _parse_hours(token: str) -> tuple[TimeRange, ...]:
    if token in ("off", "closed"):
        return ()
    return tuple(_parse_range(item) for item in token.split(","))


def _parse_range(item: str) -> TimeRange:
    if not item:
        raise OpeningHoursError("empty time range (a stray ','?)")
    if _RANGE_RE.fullmatch(item) is None:
        if re.fullmatch(r"\d\d:\d\d", item):
            raise OpeningHoursError(f"time range {item!r} has no end; expected HH:MM-HH:MM")
        raise OpeningHoursError(f"{item!r} is not a time range HH:MM-HH:MM (two-digit hours)")
    start = _minutes(item, item[:5], may_be_24=False)
    end = _minutes(item, item[6:], may_be_24=True)
    if start == end:
        raise OpeningHoursError(
            f"time range {item!r} starts and ends at the same time; use 00:00-24:00 for all day"
        )
    return TimeRange(start, end or _MINUTES_PER_DAY)


def _minutes(item: str, hhmm: str, *, may_be_24: bool) -> int:
    hours, minutes = int(hhmm[:2]), int(hhmm[3:])
    if minutes > 59:
        raise OpeningHoursError(f"minute {minutes} out of range 00–59 in {item!r}")
    if hours > 24 or (hours == 24 and minutes):
        raise OpeningHoursError(f"{hhmm!r} out of range 00:00–24:00 in {item!r}")
    if hours == 24 and not may_be_24:
        raise OpeningHoursError(f"a range cannot start at 24:00 ({item!r}); use 00:00")
    return hours * 60 + minutes


def _parse_selector(token: str) -> tuple[frozenset[int], bool]:
    weekdays: set[int] = set()
    holidays = False
    for item in token.split(","):
        if item == "PH":
            holidays = True
            continue
        first, dash, last = item.partition("-")
        if not dash:
            weekdays.add(_weekday(first))
            continue
        start, stop = _weekday(first), _weekday(last)
        span = (stop - start) % 7
        weekdays.update((start + offset) % 7 for offset in range(span + 1))
    return frozenset(weekdays), holidays


def _weekday(name: str) -> int:
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    if not name:
        raise OpeningHoursError("empty day in the selector (a stray ',' or '-'?)")
    raise OpeningHoursError(
        f"{name!r} is not a weekday; expected one of {', '.join(WEEKDAYS)} or PH"
    )


# --------------------------------------------------------------------------- formatting


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _format_selector(weekdays: Iterable[int], holidays: bool) -> str:
    """Monday-first runs of consecutive days as ranges (``Mo-Fr``, ``Sa-Su``), single days alone.

    Every day is written ``Mo-Su`` rather than left out: a dispatcher reading the legend should
    not have to know that a bare time means every day.
    """
    items: list[str] = []
    run: list[int] = []
    for day in [*sorted(weekdays), None]:
        if run and day is not None and day == run[-1] + 1:
            run.append(day)
            continue
        if len(run) >= 2:
            items.append(f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}")
        else:
            items.extend(WEEKDAYS[d] for d in run)
        run = [] if day is None else [day]
    if holidays:
        items.append("PH")
    return ",".join(items)
