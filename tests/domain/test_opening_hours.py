"""AED opening hours: the OSM subset parses exactly, evaluates in Danish time, and anything else
is one OpeningHoursError that names the offending part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.constants import LOCAL_TZ
from console.domain.localtime import NaiveDatetimeError
from console.domain.model import Aed, AedAccess, AedStatus
from console.domain.opening_hours import (
    AedAvailability,
    OpeningHours,
    OpeningHoursError,
    Rule,
    TimeRange,
    aed_availability,
    aed_available_now,
)

ALL_DAYS = frozenset(range(7))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def is_open(text: str, at: datetime) -> bool:
    return OpeningHours.parse(text).is_open(at)


# 2025-06-02 is a Monday; 2025-06-06 a Friday, 06-07 Saturday, 06-08 Sunday (Whit Sunday!),
# so the weekend tests use the week before: 2025-05-26 Monday ... 2025-06-01 Sunday.
MON, TUE, WED, THU, FRI, SAT, SUN = (local(2025, 5, 26) + timedelta(days=i) for i in range(7))


def at(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second)


# --------------------------------------------------------------------------- evaluation


@given(st.datetimes(timezones=st.just(UTC)))
def test_24_7_is_always_open(moment: datetime) -> None:
    assert is_open("24/7", moment)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MON, 8), True),
        (at(MON, 7, 59, 59), False),
        (at(MON, 15, 59, 59), True),
        (at(MON, 16), False),
        (at(FRI, 12), True),
        (at(SAT, 12), False),
        (at(SUN, 12), False),
    ],
)
def test_weekday_range_opens_at_start_and_closes_at_end(moment: datetime, expected: bool) -> None:
    assert is_open("Mo-Fr 08:00-16:00", moment) is expected


def test_instants_are_compared_in_copenhagen_time_not_utc() -> None:
    # 06:30 UTC in June is 08:30 in Copenhagen (UTC+2): open, although 06:30 is before 08:00.
    assert is_open("Mo-Fr 08:00-16:00", utc(2025, 6, 2, 6, 30))
    assert not is_open("Mo-Fr 08:00-16:00", utc(2025, 6, 2, 14, 30))  # 16:30 local


def test_spring_forward_shifts_the_utc_opening_by_one_hour() -> None:
    # Summer time starts 2025-03-30 01:00 UTC: 06:30 UTC is 07:30 local the day before,
    # 08:30 local on the day.
    assert not is_open("08:00-16:00", utc(2025, 3, 29, 6, 30))
    assert is_open("08:00-16:00", utc(2025, 3, 30, 6, 30))
    assert is_open("08:00-16:00", utc(2025, 3, 29, 7, 30))


def test_hour_skipped_by_spring_forward_never_opens() -> None:
    hours = OpeningHours.parse("Su 02:00-03:00")
    moment = utc(2025, 3, 30, 0, 0)
    while moment < utc(2025, 3, 30, 3, 0):
        assert not hours.is_open(moment), moment
        moment += timedelta(minutes=5)


def test_fall_back_shifts_the_utc_opening_and_repeats_the_hour() -> None:
    # Summer time ends 2025-10-26 01:00 UTC.
    assert is_open("08:00-16:00", utc(2025, 10, 25, 6, 30))  # 08:30 CEST
    assert not is_open("08:00-16:00", utc(2025, 10, 26, 6, 30))  # 07:30 CET
    assert is_open("08:00-16:00", utc(2025, 10, 26, 7, 30))  # 08:30 CET
    repeated = OpeningHours.parse("Su 02:00-03:00")
    assert repeated.is_open(utc(2025, 10, 26, 0, 30))  # 02:30 CEST
    assert repeated.is_open(utc(2025, 10, 26, 1, 30))  # 02:30 CET, the second time
    assert not repeated.is_open(utc(2025, 10, 26, 2, 0))  # 03:00 CET


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(FRI, 21, 59), False),
        (at(FRI, 22), True),
        (at(FRI, 23, 59), True),
        (at(SAT, 0), True),
        (at(SAT, 5, 59, 59), True),
        (at(SAT, 6), False),
        (at(SAT, 23), False),
        (at(THU, 23), False),
        (at(FRI, 3), False),
    ],
)
def test_range_through_midnight_belongs_to_the_day_it_starts(
    moment: datetime, expected: bool
) -> None:
    assert is_open("Fr 22:00-06:00", moment) is expected


def test_overriding_the_next_day_keeps_the_night_that_spills_into_it() -> None:
    hours = OpeningHours.parse("Fr 22:00-06:00; Sa off")
    assert hours.is_open(at(SAT, 3))
    assert not hours.is_open(at(SAT, 12))


def test_sunday_night_spills_into_monday_across_the_week_boundary() -> None:
    assert is_open("Su 22:00-02:00", at(MON + timedelta(days=7), 1))
    assert not is_open("Su 22:00-02:00", at(MON + timedelta(days=7), 2))


def test_range_ending_at_24_00_and_00_00_runs_to_midnight() -> None:
    for text in ("Sa 20:00-24:00", "Sa 20:00-00:00"):
        assert is_open(text, at(SAT, 23, 59, 59))
        assert not is_open(text, at(SUN, 0))
    assert OpeningHours.parse("Sa 20:00-00:00") == OpeningHours.parse("Sa 20:00-24:00")


def test_later_rule_replaces_the_hours_of_the_days_it_names() -> None:
    hours = OpeningHours.parse("Mo-Fr 08:00-16:00; We 10:00-12:00")
    assert not hours.is_open(at(WED, 9))
    assert hours.is_open(at(WED, 11))
    assert not hours.is_open(at(WED, 13))
    assert hours.is_open(at(TUE, 9))


def test_off_closes_the_day_and_order_decides() -> None:
    assert not is_open("Mo-Su 08:00-20:00; Su off", at(SUN, 12))
    assert is_open("Mo-Su 08:00-20:00; Su off", at(SAT, 12))
    assert is_open("Su off; Mo-Su 08:00-20:00", at(SUN, 12))
    assert not is_open("off", at(MON, 12))
    assert not is_open("Mo-Fr 08:00-16:00; Su closed", at(SUN, 12))


def test_split_day_is_closed_over_lunch() -> None:
    hours = OpeningHours.parse("Mo-Fr 08:00-12:00,13:00-17:00")
    observed = [hours.is_open(at(TUE, h, 30)) for h in (7, 8, 11, 12, 13, 16, 17)]
    assert observed == [False, True, True, False, True, True, False]


@pytest.mark.parametrize(
    ("text", "open_days"),
    [
        ("Fr-Mo 10:00-12:00", {MON, FRI, SAT, SUN}),
        ("Mo,We,Fr 10:00-12:00", {MON, WED, FRI}),
        ("Sa-Su 10:00-12:00", {SAT, SUN}),
        ("Mo-Su 10:00-12:00", {MON, TUE, WED, THU, FRI, SAT, SUN}),
        ("10:00-12:00", {MON, TUE, WED, THU, FRI, SAT, SUN}),
        ("Tu 10:00-12:00", {TUE}),
        ("Mo-Tu,Th 10:00-12:00", {MON, TUE, THU}),
        ("Su-Mo 10:00-12:00", {SUN, MON}),
    ],
)
def test_day_selectors_name_the_right_days(text: str, open_days: set[datetime]) -> None:
    week = [MON, TUE, WED, THU, FRI, SAT, SUN]
    assert {day for day in week if is_open(text, at(day, 11))} == open_days


def test_public_holidays_follow_the_rule_order() -> None:
    easter_monday, tuesday_after = local(2025, 4, 21, 10), local(2025, 4, 22, 10)
    assert not is_open("Mo-Fr 08:00-16:00; PH off", easter_monday)
    assert is_open("Mo-Fr 08:00-16:00; PH off", tuesday_after)
    assert is_open("PH off; Mo-Fr 08:00-16:00", easter_monday)
    christmas_day, thursday_before = local(2025, 12, 25, 11), local(2025, 12, 18, 11)
    assert is_open("Sa,Su,PH 10:00-14:00", christmas_day)
    assert not is_open("Sa,Su,PH 10:00-14:00", thursday_before)
    assert is_open("Mo-Fr 08:00-16:00; PH 10:00-12:00", christmas_day)
    assert not is_open("Mo-Fr 08:00-16:00; PH 10:00-12:00", local(2025, 12, 25, 13))


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match="naive"):
        OpeningHours.parse("24/7").is_open(datetime(2025, 6, 2, 12))


# --------------------------------------------------------------------------- malformed text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mo-Fr 25:00-26:00", r"'25:00' out of range 00:00–24:00 in '25:00-26:00'"),
        ("Mo-Fr 24:30-02:00", r"'24:30' out of range"),
        ("Xx 08:00-16:00", r"'Xx' is not a weekday"),
        ("mo-fr 08:00-16:00", r"'mo' is not a weekday"),
        ("Mo-Fr 08:00", r"time range '08:00' has no end"),
        ("", r"empty"),
        ("   ", r"empty"),
        ("sunrise-sunset", r"sunrise/sunset"),
        ("Mo-Fr sunrise-18:00", r"sunrise/sunset"),
        ("Jan-Mar Mo-Fr 08:00-16:00", r"months are not supported"),
        ("week 01-26 Mo 08:00-10:00", r"week numbers"),
        ("2025 Mo 08:00-10:00", r"years are not supported"),
        ("SH off", r"school holidays"),
        ('Mo-Fr 08:00-16:00 "ring first"', r"comments in quotes"),
        ("Mo-Fr 08:00-16:00 || Sa 10:00-12:00", r"fallback rules"),
        ("Mo 08:00-12:00, Tu 13:00-17:00", r"additional rules after ','"),
        ("Mo-Fr 08:00-16:00 open", r"only 'off'"),
        ("Mo[1] 08:00-12:00", r"nth-weekday"),
        ("Mo-Fr 08:00+", r"open-ended"),
        ("Mo-Fr", r"'Mo-Fr' has no hours"),
        ("PH", r"'PH' has no hours"),
        ("Mo-Fr 08:00-16:00;", r"rule 2 '': empty rule"),
        ("Mo-Fr 08:00-16:00;; Sa off", r"rule 2 '': empty rule"),
        ("Mo-Fr 08:00-16:00; Tx off", r"rule 2 'Tx off': 'Tx' is not a weekday"),
        ("Mo-Fr 8:00-16:00", r"'8:00-16:00' is not a time range HH:MM-HH:MM"),
        ("Mo-Fr 08:60-09:00", r"minute 60 out of range"),
        ("Mo-Fr 24:00-02:00", r"cannot start at 24:00"),
        ("Mo-Fr 08:00-08:00", r"starts and ends at the same time"),
        ("Mo-Fr 08:00-16:00 Sa", r"unexpected 'Sa'"),
        ("08:00-16:00 Mo", r"unexpected 'Mo' after the times"),
        ("Mo,,Fr 08:00-16:00", r"empty day"),
        ("Mo- 08:00-16:00", r"empty day"),
        ("Mo-Fr 08:00-12:00,", r"empty time range"),
        ("Mo-Fr: 08:00-16:00", r"'Fr:' is not a weekday"),
        ("Mo-Fr now", r"expected times such as 08:00-16:00 or 'off', got 'now'"),
    ],
)
def test_malformed_text_raises_with_the_offending_part(text: str, message: str) -> None:
    with pytest.raises(OpeningHoursError, match=message) as caught:
        OpeningHours.parse(text)
    assert repr(text) in str(caught.value)


def test_malformed_text_raises_every_time_although_parses_are_cached() -> None:
    for _ in range(2):
        with pytest.raises(OpeningHoursError):
            OpeningHours.parse("Mo-Fr 25:00-26:00")


def test_non_string_is_refused() -> None:
    with pytest.raises(OpeningHoursError, match="must be a string, got int"):
        OpeningHours.parse(8)  # type: ignore[arg-type]


def test_parses_are_shared_between_aeds_with_the_same_text() -> None:
    assert OpeningHours.parse("Mo-Fr 07:00-19:00") is OpeningHours.parse("Mo-Fr 07:00-19:00")


@pytest.mark.parametrize(
    "build",
    [
        lambda: TimeRange(-1, 60),
        lambda: TimeRange(1440, 60),
        lambda: TimeRange(60, 0),
        lambda: TimeRange(60, 1441),
        lambda: TimeRange(60, 60),
        lambda: Rule(frozenset(), False, ()),
        lambda: Rule(frozenset({7}), False, ()),
        lambda: OpeningHours(()),
    ],
)
def test_building_invalid_values_directly_is_refused(build: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        build()  # type: ignore[operator]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("24/7", "24/7"),
        ("Mo-Su 00:00-24:00", "24/7"),
        ("00:00-24:00", "24/7"),
        ("Mo-Fr 08:00-16:00", "Mo-Fr 08:00-16:00"),
        ("Mo - Fr  08:00 - 16:00", "Mo-Fr 08:00-16:00"),
        ("Fr-Mo 10:00-12:00", "Mo,Fr-Su 10:00-12:00"),
        ("Mo,We,Fr,Sa 10:00-12:00", "Mo,We,Fr-Sa 10:00-12:00"),
        ("Sa-Su 10:00-12:00", "Sa-Su 10:00-12:00"),
        ("Sa,Su 10:00-12:00", "Sa-Su 10:00-12:00"),
        ("Mo,Tu,Th 10:00-12:00", "Mo-Tu,Th 10:00-12:00"),
        ("Mo-Su 07:00-22:00", "Mo-Su 07:00-22:00"),
        ("07:00-22:00", "Mo-Su 07:00-22:00"),
        ("off", "Mo-Su off"),
        ("Mo,We,Fr 08:00-12:00, 13:00-17:00", "Mo,We,Fr 08:00-12:00,13:00-17:00"),
        ("Mo-Su,PH 08:00-16:00", "Mo-Su 08:00-16:00"),
        ("PH,Sa,Su 10:00-14:00", "Sa-Su,PH 10:00-14:00"),
        ("Mo-Fr 08:00-16:00;PH off", "Mo-Fr 08:00-16:00; PH off"),
        ("Sa 20:00-00:00", "Sa 20:00-24:00"),
        ("Su closed", "Su off"),
        ("22:00-06:00", "Mo-Su 22:00-06:00"),
        ("24/7; Su off", "24/7; Su off"),
    ],
)
def test_format_gives_canonical_text(text: str, canonical: str) -> None:
    hours = OpeningHours.parse(text)
    assert hours.format() == canonical
    assert str(hours) == canonical


_ranges = st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda r: r[0] != r[1])
_selectors = st.tuples(st.frozensets(st.integers(0, 6)), st.booleans()).filter(
    lambda selector: bool(selector[0]) or selector[1]
)
_rules = st.builds(
    lambda selector, ranges: Rule(selector[0], selector[1], ranges),
    _selectors,
    st.lists(_ranges.map(lambda r: TimeRange(*r)), max_size=3).map(tuple),
)


@given(st.lists(_rules, min_size=1, max_size=5).map(lambda rules: OpeningHours(tuple(rules))))
def test_parse_of_format_is_the_same_value(hours: OpeningHours) -> None:
    text = hours.format()
    assert OpeningHours.parse(text) == hours
    assert OpeningHours.parse(text).format() == text


def test_omitted_selector_and_every_weekday_mean_the_same() -> None:
    assert OpeningHours.parse("08:00-16:00") == OpeningHours.parse("Mo-Su 08:00-16:00")
    assert OpeningHours.parse("Fr-Mo 10:00-12:00") == OpeningHours.parse("Mo,Fr,Sa,Su 10:00-12:00")


# --------------------------------------------------------------------------- AEDs


def aed(access: AedAccess, hours: str | None, status: AedStatus = AedStatus.AVAILABLE) -> Aed:
    return Aed("a1", 55.68, 12.57, "Skolevej 1", access, hours, status)


@pytest.mark.parametrize(
    ("subject", "moment", "expected"),
    [
        (aed(AedAccess.ALWAYS, None), at(SUN, 3), AedAvailability.ALWAYS),
        (aed(AedAccess.ALWAYS, "Mo-Fr 08:00-16:00"), at(SUN, 3), AedAvailability.ALWAYS),
        (aed(AedAccess.LIMITED, "Mo-Fr 08:00-16:00"), at(MON, 9), AedAvailability.OPEN_NOW),
        (aed(AedAccess.LIMITED, "Mo-Fr 08:00-16:00"), at(MON, 17), AedAvailability.CLOSED_NOW),
        (aed(AedAccess.LIMITED, None), at(MON, 9), AedAvailability.CLOSED_NOW),
        (aed(AedAccess.LIMITED, "Mo-Fr 25:00-26:00"), at(MON, 9), AedAvailability.CLOSED_NOW),
        (aed(AedAccess.ALWAYS, None, AedStatus.TAKEN), at(MON, 9), AedAvailability.TAKEN),
        (
            aed(AedAccess.LIMITED, "Mo-Fr 08:00-16:00", AedStatus.TAKEN),
            at(MON, 9),
            AedAvailability.TAKEN,
        ),
        (
            aed(AedAccess.ALWAYS, None, AedStatus.OUT_OF_SERVICE),
            at(MON, 9),
            AedAvailability.OUT_OF_SERVICE,
        ),
    ],
)
def test_aed_availability(subject: Aed, moment: datetime, expected: AedAvailability) -> None:
    assert aed_availability(subject, moment) is expected
    usable = expected in (AedAvailability.ALWAYS, AedAvailability.OPEN_NOW)
    assert aed_available_now(subject, moment) is usable
