"""Danish public holidays (helligdage), for the ``PH`` selector of AED opening hours.

Opening hours such as ``Mo-Fr 08:00-16:00; PH off`` are common for AEDs in offices and schools;
ignoring ``PH`` would promise a responder an AED behind a locked door on Easter Monday. The set
follows the Danish holiday act (helligdagsloven): New Year's Day, Maundy Thursday, Good Friday,
Easter Sunday and Monday, Ascension Day, Whit Sunday and Monday, Christmas Day and Boxing Day,
plus General Prayer Day (store bededag) up to 2023, when it was abolished as a holiday from 2024.
Constitution Day, Christmas Eve and New Year's Eve are customary days off, not public holidays,
so they are not included. Earlier changes to the law are not modelled.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

#: The last year in which store bededag (4th Friday after Easter) was a public holiday.
_LAST_STORE_BEDEDAG_YEAR = 2023


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" algorithm)."""
    if not 1583 <= year <= 9999:
        raise ValueError(f"year {year} is outside the Gregorian calendar range 1583–9999")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=64)
def danish_public_holidays(year: int) -> frozenset[date]:
    """Every public holiday of ``year``; cached because opening hours ask once per evaluation."""
    easter = easter_sunday(year)
    offsets = [-3, -2, 0, 1, 39, 49, 50]
    if year <= _LAST_STORE_BEDEDAG_YEAR:
        offsets.append(26)
    movable = {easter + timedelta(days=offset) for offset in offsets}
    fixed = {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
    return frozenset(movable | fixed)


def is_public_holiday(day: date) -> bool:
    """Whether ``day`` (a local calendar date) is a Danish public holiday."""
    return day in danish_public_holidays(day.year)
