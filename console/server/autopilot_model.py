"""How virtual responders, the ambulance and the centre behave: the calibrated numbers and draws.

The autopilot of a running server and ``amk-dispatchd calibrate`` both draw from here, so the
figures the calibration prints are the figures the autopilot produces. Nothing here touches a
database or a clock: every draw takes its :class:`random.Random`, and the ones that depend on
the hour take the instant.

Where a number comes from:

* **Acceptance** 40 %: the status report's "ca. 75 hjerteløbere ... hver dag" over "aktiveret i
  gennemsnit 10 gange om dagen" is 7.5 acceptances per activation. Nearly every activation on
  the Denmark world alerts the full 20 (measured: 98 % do) and ~1.5 % of alerts end refused as
  too far (below), so 0.40 × 19.8 − 0.3 ≈ 7.5; ``calibrate`` prints the figure (7.50–7.65
  over five seeds).
* **Decline** 30 %, the rest never answer (phone in a pocket, asleep): no published figure; the
  split only decides how many alerts stay unanswered until the mission ends.
* **Answer delay** median 30 s; **turnout** (alert → leaving) median 1:45 by day and 2:22 at
  night (DOMAIN.md, via :func:`console.domain.eta.turnout_seconds`), log-normal spread.
* **Travel** at the ETA model's speed and route factor per mode (:mod:`console.domain.eta`),
  times a personal pace (log-normal, 15 % spread): a straight line on the map, covered in the
  time the route would take.
* **Moved since the last position** 10 %: FAQ, "du har bevæget dig længere væk"; the confirmed
  position is up to 8 km off, so some of those acceptances are refused as too far.
* **Abandon** 15 % of those who set out, somewhere along the way. Together with the responders
  released when the ambulance takes over this gives the FAQ's "op til 70 procent ... når ikke
  frem".
* **Ambulance** on scene after a log-normal delay, median 9 min (Danish A-call medians are
  8–10 min), 90th percentile ~15 min; the autopilot then closes the mission ``ems_on_scene``.
* **Cancelled** 16 % (status report: "annulleret i 16 pct."), at a uniform point before the
  ambulance would have arrived, so the share is exactly the drawn one.
* **Arrests** happen where people live: a municipality by population, a town in it by
  population, a point around the town as the world generator spreads its residents.

With these, ``amk-dispatchd calibrate --missions 1000`` gives a responder before the ambulance
in ~92 % of activations. The report's "mindst 70 pct." is a lower bound from the responders'
own reports; ours is higher mainly because the world generator puts responders where people
live (median distance of the nearest to an arrest: 140 m), which no parameter here should undo.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from console.domain.constants import AED_PICKUP_S, EARTH_RADIUS_M
from console.domain.eta import travel_seconds, turnout_seconds
from console.domain.geometry import destination_point, haversine_m
from console.domain.model import LatLon, Mode
from console.domain.reference_data import Town, municipalities, towns
from console.domain.service_area import ServiceArea
from console.domain.world import MAX_SPREAD_M, MIN_SPREAD_M, MIN_TOWN_WEIGHT

#: ``end_reason`` of a mission the ambulance took over.
EMS_ON_SCENE: Final = "ems_on_scene"
#: ``reason`` of a mission the centre called off (the status report's commonest example).
CANCEL_REASON: Final = "annulleret af vagtcentralen: ikke behov for hjerteløbere"

#: Residents spread around their town as in the world generator: 1 km for a village, growing
#: with the cube root of the population up to 4 km for a city.
_SPREAD_REFERENCE_POPULATION: Final = 5_000
_METRES_PER_DEGREE: Final = EARTH_RADIUS_M * math.pi / 180.0
_MAX_LOCATION_DRAWS: Final = 50


class BehaviourError(ValueError):
    """A behaviour parameter outside its meaningful range."""


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Every probability and distribution of the simulation, with the calibrated defaults."""

    accept_p: float = 0.40
    decline_p: float = 0.30
    answer_median_s: float = 30.0
    answer_sigma: float = 0.8
    turnout_sigma: float = 0.35
    pace_sigma: float = 0.15
    moved_p: float = 0.10
    moved_max_m: float = 8_000.0
    abandon_p: float = 0.15
    ems_median_s: float = 540.0
    ems_sigma: float = 0.4
    cancel_p: float = 0.16
    #: A responder's app reports the position this often while on the way (simulated seconds).
    position_interval_s: float = 10.0
    #: After the mission a responder is back home between these (the app reports it).
    home_after_s: tuple[float, float] = (1_800.0, 7_200.0)

    def __post_init__(self) -> None:
        for name in ("accept_p", "decline_p", "moved_p", "abandon_p", "cancel_p"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise BehaviourError(f"{name} must be a probability in [0, 1], got {value!r}")
        if self.accept_p + self.decline_p > 1.0:
            raise BehaviourError(
                f"accept_p + decline_p must not exceed 1, got {self.accept_p + self.decline_p}"
            )
        for name in (
            "answer_median_s",
            "ems_median_s",
            "position_interval_s",
            "moved_max_m",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise BehaviourError(f"{name} must be positive, got {value!r}")
        for name in ("answer_sigma", "turnout_sigma", "pace_sigma", "ems_sigma"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise BehaviourError(f"{name} must be >= 0, got {value!r}")
        low, high = self.home_after_s
        if not 0 < low <= high:
            raise BehaviourError(f"home_after_s must be 0 < low <= high, got {self.home_after_s}")


DEFAULT_BEHAVIOUR: Final = Behaviour()


def rng_for(seed: int, *parts: str) -> random.Random:
    """A generator of its own for one mission or one responder of one mission.

    Keyed by ids, not drawn from one shared stream, so a responder's choices do not depend on the
    order in which the autopilot happened to hear of the alerts: the same seed and the same
    missions give the same story, also after a restart. ``random.Random`` seeds a string through
    SHA-512, the same on every platform and independent of ``PYTHONHASHSEED``.
    """
    return random.Random("|".join((str(seed), *parts)))


class Answer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ResponderPlan:
    """What one alerted runner will do, drawn once when the alert is seen."""

    answer: Answer
    #: Alert → pressing accept or decline, seconds.
    answer_after_s: float
    #: Alert → leaving, seconds (never before the answer).
    turnout_s: float
    #: Multiplies the ETA model's speed: 1.1 is 10 % faster than the median responder.
    pace: float
    #: Off the last known position when accepting: (metres, bearing in degrees), or None.
    moved: tuple[float, float] | None
    #: Fraction of the trip's duration after which the responder gives up, or None.
    abandon_at: float | None
    #: Mission end → back home, seconds.
    home_after_s: float


@dataclass(frozen=True, slots=True)
class MissionPlan:
    """What the world outside the responders does: the ambulance, and perhaps a cancellation."""

    ems_after_s: float
    cancel_after_s: float | None

    @property
    def ends_after_s(self) -> float:
        return self.ems_after_s if self.cancel_after_s is None else self.cancel_after_s


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma) if sigma > 0 else median


def draw_responder_plan(
    behaviour: Behaviour, rng: random.Random, alerted: datetime
) -> ResponderPlan:
    """One responder's plan. Every draw is made whatever the answer, in a fixed order, so
    changing one probability does not reshuffle the other draws of the same responder."""
    u_answer = rng.random()
    answer_after = _lognormal(rng, behaviour.answer_median_s, behaviour.answer_sigma)
    turnout = _lognormal(rng, turnout_seconds(alerted), behaviour.turnout_sigma)
    pace = _lognormal(rng, 1.0, behaviour.pace_sigma)
    u_moved = rng.random()
    moved_m = rng.uniform(0.0, behaviour.moved_max_m)
    bearing = rng.uniform(0.0, 360.0)
    u_abandon = rng.random()
    abandon_fraction = rng.uniform(0.1, 0.9)
    home_after = rng.uniform(*behaviour.home_after_s)
    if u_answer < behaviour.accept_p:
        answer = Answer.ACCEPT
    elif u_answer < behaviour.accept_p + behaviour.decline_p:
        answer = Answer.DECLINE
    else:
        answer = Answer.NONE
    return ResponderPlan(
        answer=answer,
        answer_after_s=answer_after,
        turnout_s=max(turnout, answer_after),
        pace=pace,
        moved=(moved_m, bearing) if u_moved < behaviour.moved_p else None,
        abandon_at=abandon_fraction if u_abandon < behaviour.abandon_p else None,
        home_after_s=home_after,
    )


def draw_mission_plan(behaviour: Behaviour, rng: random.Random) -> MissionPlan:
    ems = _lognormal(rng, behaviour.ems_median_s, behaviour.ems_sigma)
    u_cancel = rng.random()
    fraction = rng.uniform(0.1, 0.9)
    cancel = ems * fraction if u_cancel < behaviour.cancel_p else None
    return MissionPlan(ems_after_s=ems, cancel_after_s=cancel)


def confirmed_position(last_known: LatLon, plan: ResponderPlan) -> LatLon:
    """Where the runner really is when accepting: the last known position, unless they moved."""
    if plan.moved is None:
        return last_known
    distance, bearing = plan.moved
    lat, lon = destination_point(last_known.lat, last_known.lon, bearing, distance)
    return LatLon(round(lat, 6), round(lon, 6))


# --------------------------------------------------------------------------- the trip


class StepKind(StrEnum):
    MOVE = "move"
    COLLECT = "collect"
    ARRIVE = "arrive"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing a responder on the way does at simulated time ``at``."""

    at: float
    kind: StepKind
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class _Leg:
    start: LatLon
    end: LatLon
    begins: float
    ends: float

    def point(self, at: float) -> tuple[float, float]:
        span = self.ends - self.begins
        f = 1.0 if span <= 0 else min(1.0, max(0.0, (at - self.begins) / span))
        return (
            round(self.start.lat + (self.end.lat - self.start.lat) * f, 6),
            round(self.start.lon + (self.end.lon - self.start.lon) * f, 6),
        )


def plan_trip(
    start: LatLon,
    aed: LatLon | None,
    patient: LatLon,
    mode: Mode,
    *,
    depart_at: float,
    pace: float,
    interval_s: float | None,
    abandon_at: float | None = None,
    pickup_s: float = AED_PICKUP_S,
) -> list[Step]:
    """The steps of a trip along straight lines, via the AED when there is one.

    Each leg takes the ETA model's time for its mode (:func:`console.domain.eta.travel_seconds`)
    divided by ``pace``; a ``MOVE`` is reported every ``interval_s`` (None: no position reports,
    the calibration's choice, since positions change no figure). At the AED the responder spends
    ``pickup_s`` and then reports ``COLLECT``; the trip ends in ``ARRIVE``, or in ``ABANDON`` at
    the fraction ``abandon_at`` of its duration.
    """
    if not (math.isfinite(pace) and pace > 0):
        raise BehaviourError(f"pace must be positive, got {pace!r}")
    if interval_s is not None and not (math.isfinite(interval_s) and interval_s > 0):
        raise BehaviourError(f"interval_s must be positive, got {interval_s!r}")
    if abandon_at is not None and not 0.0 <= abandon_at <= 1.0:
        raise BehaviourError(f"abandon_at must be a fraction in [0, 1], got {abandon_at!r}")
    legs: list[_Leg] = []
    marks: list[Step] = []
    t = depart_at
    waypoints = [start] if aed is None else [start, aed]
    waypoints.append(patient)
    for index, (a, b) in enumerate(itertools.pairwise(waypoints)):
        duration = travel_seconds(haversine_m(a.lat, a.lon, b.lat, b.lon), mode) / pace
        legs.append(_Leg(a, b, t, t + duration))
        t += duration
        if aed is not None and index == 0:
            t += pickup_s
            marks.append(Step(t, StepKind.COLLECT, aed.lat, aed.lon))
    marks.append(Step(t, StepKind.ARRIVE, patient.lat, patient.lon))
    steps: list[Step] = []
    if interval_s is not None:
        for leg in legs:
            at = leg.begins + interval_s
            while at < leg.ends:
                steps.append(Step(at, StepKind.MOVE, *leg.point(at)))
                at += interval_s
    steps.extend(marks)
    steps.sort(key=lambda s: s.at)  # stable: a MOVE never follows the COLLECT it precedes
    if abandon_at is None:
        return steps
    give_up = depart_at + abandon_at * (t - depart_at)
    kept = [s for s in steps if s.at < give_up]
    # Giving up while taking the AED out: the next leg has not begun, so its point is the AED.
    where = next((leg.point(give_up) for leg in legs if give_up <= leg.ends), None)
    if where is None:  # pragma: no cover - give_up <= t, the last leg's end
        where = (patient.lat, patient.lon)
    kept.append(Step(give_up, StepKind.ABANDON, *where))
    return kept


# --------------------------------------------------------------------------- where arrests happen


class ArrestSampler:
    """Draws arrest locations like the population: municipality, then town, then a point.

    Municipality by population (the reference data's derived population), then a town of it by
    population (unknown populations count as :data:`MIN_TOWN_WEIGHT`, as in the world generator),
    then a Gaussian point around the town with the generator's residential spread, drawn again
    until it lies in the service area (``Dispatch`` refuses a mission outside it).
    """

    def __init__(self, area: ServiceArea | None = None) -> None:
        self._area = area or ServiceArea.denmark()
        munis = municipalities()
        all_towns = towns()
        members: dict[str, list[int]] = {m.name: [] for m in munis}
        for index, town in enumerate(all_towns):
            members[town.kommune].append(index)
        self._towns = all_towns
        self._muni_members = [members[m.name] for m in munis]
        self._muni_cum = list(itertools.accumulate(float(m.population) for m in munis))
        self._town_cum = [
            list(
                itertools.accumulate(
                    float(max(all_towns[i].population, MIN_TOWN_WEIGHT)) for i in ids
                )
            )
            for ids in self._muni_members
        ]

    def sample(self, rng: random.Random) -> LatLon:
        return self.sample_near(self.sample_town(rng), rng)

    def sample_town(self, rng: random.Random) -> Town:
        muni = _pick(self._muni_cum, rng)
        members = self._muni_members[muni]
        return self._towns[members[_pick(self._town_cum[muni], rng)]]

    def sample_near(self, town: Town, rng: random.Random) -> LatLon:
        """A resident's home around ``town``, inside the service area."""
        weight = max(town.population, MIN_TOWN_WEIGHT)
        spread = min(
            MAX_SPREAD_M,
            max(MIN_SPREAD_M, MIN_SPREAD_M * (weight / _SPREAD_REFERENCE_POPULATION) ** (1 / 3)),
        )
        cos_lat = math.cos(math.radians(town.lat))
        for _ in range(_MAX_LOCATION_DRAWS):
            lat = round(town.lat + rng.gauss(0.0, spread) / _METRES_PER_DEGREE, 6)
            lon = round(town.lon + rng.gauss(0.0, spread) / (_METRES_PER_DEGREE * cos_lat), 6)
            if self._area.contains(lat, lon):
                return LatLon(lat, lon)
        return LatLon(round(town.lat, 6), round(town.lon, 6))


def _pick(cumulative: Sequence[float], rng: random.Random) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
