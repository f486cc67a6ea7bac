"""When will a responder be there? A deliberately simple ETA from straight-line distance.

The dispatcher wants one number per responder ("there in about 4 minutes") to judge whether to
alert more; existing systems give none. We have no road network on the server and do not want
one in the hot path, so the model is:

    ETA = turnout + straight-line distance × route factor(mode) / speed(mode)

and, for a responder sent to fetch an AED, the two legs (runner → AED, AED → patient) plus a
pick-up time. Every figure lives in :mod:`console.domain.constants`; the reasoning:

- **Turnout** (alert → leaving): median 1:45 by day, 2:22 at night (DOMAIN.md, "What the
  studies show"). Night is 23:00–07:00 local time (issue "Foundation"), judged at the alert.
- **Route factor** (circuity, network ÷ straight-line distance): Newell (1980) found ~1.2 for
  random urban point pairs, O'Sullivan (1996) 1.21–1.23 around transit stations; Ballou,
  Rahardja & Sakai (2002) give national road circuity factors, higher in Europe than in the US;
  Boscoe, Henry & Zdeb (2012) ~1.4 for driving, higher over short distances. Our trips are short
  (≤ 5 km) and Danish towns are permeable to pedestrians and cyclists, so foot and bike use 1.3
  and the car, bound to one-way streets and the road grid, 1.4.
- **Speed**: 3 m/s (10.8 km/h, ~5:30 min/km) for a volunteer running hard over 1–3 km; 5 m/s
  (18 km/h) for a cyclist in a hurry, a little above Copenhagen's everyday ~16 km/h; 10 m/s
  (36 km/h) for a car door to door in town under the 50 km/h limit, junctions and parking included.
- **AED pick-up**: 30 s to find the cabinet, open it (perhaps with a code) and take the AED.

These are planning estimates, not a promise: the console shows them as "about". They should be
recalibrated against the scheme's own arrival times when those are available.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from console.domain.constants import (
    AED_PICKUP_S,
    NIGHT_ENDS,
    NIGHT_STARTS,
    ROUTE_FACTOR_BIKE,
    ROUTE_FACTOR_CAR,
    ROUTE_FACTOR_FOOT,
    SPEED_BIKE_M_S,
    SPEED_CAR_M_S,
    SPEED_FOOT_M_S,
    TURNOUT_DAY_S,
    TURNOUT_NIGHT_S,
)
from console.domain.localtime import to_local
from console.domain.model import Mode

_ROUTE_FACTOR = {
    Mode.FOOT: ROUTE_FACTOR_FOOT,
    Mode.BIKE: ROUTE_FACTOR_BIKE,
    Mode.CAR: ROUTE_FACTOR_CAR,
}
_SPEED_M_S = {Mode.FOOT: SPEED_FOOT_M_S, Mode.BIKE: SPEED_BIKE_M_S, Mode.CAR: SPEED_CAR_M_S}


class EtaError(ValueError):
    """Input the ETA model cannot use: a negative or non-finite distance, times out of order."""


def route_factor(mode: Mode) -> float:
    """Network distance per straight-line metre for ``mode``."""
    return _ROUTE_FACTOR[_mode(mode)]


def speed_m_s(mode: Mode) -> float:
    """Travel speed along the route for ``mode``, metres per second."""
    return _SPEED_M_S[_mode(mode)]


def travel_seconds(distance_m: float, mode: Mode) -> float:
    """Moving time for a straight-line ``distance_m``: for a responder already on the way."""
    _check_distance("distance_m", distance_m)
    return distance_m * route_factor(mode) / speed_m_s(mode)


def turnout_seconds(at: datetime) -> float:
    """Median alert → leaving time for an alert at ``at``: longer at night (23:00–07:00 local)."""
    local = to_local(at).time()
    night = local >= NIGHT_STARTS or local < NIGHT_ENDS
    return TURNOUT_NIGHT_S if night else TURNOUT_DAY_S


def eta_seconds(distance_m: float, mode: Mode, *, turnout_s: float = TURNOUT_DAY_S) -> float:
    """Seconds from the alert to the patient, straight there.

    ``turnout_s`` defaults to the daytime median; pass :func:`turnout_seconds` of the alert time
    for the night figure, or 0 for a responder who is already moving.
    """
    _check_duration("turnout_s", turnout_s)
    return turnout_s + travel_seconds(distance_m, mode)


def eta_via_aed_seconds(
    runner_to_aed_m: float,
    aed_to_patient_m: float,
    mode: Mode,
    *,
    turnout_s: float = TURNOUT_DAY_S,
    pickup_s: float = AED_PICKUP_S,
) -> float:
    """Seconds from the alert to the patient for a responder who fetches an AED on the way."""
    _check_duration("turnout_s", turnout_s)
    _check_duration("pickup_s", pickup_s)
    legs = travel_seconds(runner_to_aed_m, mode) + travel_seconds(aed_to_patient_m, mode)
    return turnout_s + legs + pickup_s


def expected_arrival(
    distance_m: float,
    mode: Mode,
    alerted_at: datetime,
    accepted_at: datetime | None = None,
    *,
    aed_to_patient_m: float | None = None,
) -> datetime:
    """The instant (UTC) a responder alerted at ``alerted_at`` should reach the patient.

    A responder leaves one turnout after the alert, but never before accepting: the address is
    shown only on acceptance (DOMAIN.md rule 3). So a late acceptance pushes the departure to the
    acceptance itself. With ``aed_to_patient_m``, ``distance_m`` is the leg to the AED.
    """
    alerted = to_local(alerted_at)
    departure = alerted + timedelta(seconds=turnout_seconds(alerted))
    if accepted_at is not None:
        accepted = to_local(accepted_at)
        if accepted < alerted:
            raise EtaError(
                f"accepted_at {accepted_at.isoformat()} is before alerted_at "
                f"{alerted_at.isoformat()}"
            )
        departure = max(departure, accepted)
    if aed_to_patient_m is None:
        moving = travel_seconds(distance_m, mode)
    else:
        moving = eta_via_aed_seconds(distance_m, aed_to_patient_m, mode, turnout_s=0.0)
    return (departure + timedelta(seconds=moving)).astimezone(UTC)


def _check_distance(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EtaError(f"{name} must be a number of metres, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise EtaError(f"{name} must be a finite, non-negative number of metres, got {value!r}")


def _check_duration(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EtaError(f"{name} must be a number of seconds, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise EtaError(f"{name} must be a finite, non-negative number of seconds, got {value!r}")


def _mode(mode: Mode) -> Mode:
    try:
        return Mode(mode)
    except ValueError:
        allowed = ", ".join(m.value for m in Mode)
        raise EtaError(f"unknown travel mode {mode!r}; expected one of {allowed}") from None
