"""The dispatch rules of DOMAIN.md as pure functions: who is alerted, who may accept, who fetches
which AED, who is released, and what free text is allowed.

The reference server applies these and the console previews them ("these 20 would be alerted");
both must reach the same answer from the same inputs, so nothing here reads a clock, a database
or the network. Time is a parameter, and the spatial queries go through :class:`NearestIndex`,
the method :class:`console.domain.spatial_index.PointIndex` provides.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from console.domain.constants import (
    ACTIVE_POSITION_MAX_AGE,
    AED_FETCHERS,
    ALERT_COUNT,
    ALERT_RADIUS_M,
    MAX_ADDRESS_CHARS,
    MAX_ALERT_MORE_COUNT,
    MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS,
    MAX_RADIUS_M,
    MAX_REASON_CHARS,
    MAX_RESPONDERS_PER_AED,
    MIN_MESSAGE_CHARS,
)
from console.domain.geometry import haversine_m, validate_lat_lon
from console.domain.localtime import NaiveDatetimeError
from console.domain.model import Aed, LatLon, Mission, ResponderState, Task, TaskKind
from console.domain.opening_hours import aed_available_now

# --------------------------------------------------------------------------- the index protocol


class NeighbourLike(Protocol):
    """One query answer: :class:`console.domain.spatial_index.Neighbour` fits."""

    @property
    def id(self) -> str: ...

    @property
    def distance_m(self) -> float: ...


N_co = TypeVar("N_co", bound=NeighbourLike, covariant=True)


class NearestIndex(Protocol[N_co]):
    """The k nearest accepted ids within a radius, nearest first, ties by id (PointIndex)."""

    def nearest(
        self,
        lat: float,
        lon: float,
        k: int,
        radius_m: float,
        accept: Callable[[str], bool] | None = None,
    ) -> Sequence[N_co]: ...


class AedLookup(Protocol):
    """The AEDs the rules may send a responder to: an index over their ids and the AEDs by id.

    The server passes :class:`AedCatalogue` built from its AED ``PointIndex`` and its live dict,
    so a status change in the dict is seen by the next assignment without rebuilding anything.
    """

    @property
    def index(self) -> NearestIndex[NeighbourLike]: ...

    @property
    def aeds(self) -> Mapping[str, Aed]: ...


@dataclass(frozen=True, slots=True)
class AedCatalogue:
    """The plain :class:`AedLookup`: an index of AED positions and the AEDs by id."""

    index: NearestIndex[NeighbourLike]
    aeds: Mapping[str, Aed]


_N = TypeVar("_N", bound=NeighbourLike)

# --------------------------------------------------------------------------- errors


class AlertMoreError(ValueError):
    """An alert request outside the contract: count not 1–20, or a radius not allowed."""


class TooFar(Exception):
    """The responder's confirmed position is outside the mission radius (DOMAIN.md rule 3).

    Not a ValueError: the input is valid, the rule says no. The server turns it into
    ``409 too-far`` and the responder into ``rejected_too_far``.
    """

    def __init__(self, distance_m: float, radius_m: float) -> None:
        super().__init__(
            f"confirmed position is {distance_m:.0f} m from the patient, "
            f"outside the {radius_m:.0f} m radius"
        )
        self.distance_m = distance_m
        self.radius_m = radius_m


class TextError(ValueError):
    """Free text the contract does not allow; ``name`` is the field."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


class NotText(TextError):
    """A text field that is not a string."""


class TextTooLong(TextError):
    """More characters than the contract allows."""

    def __init__(self, name: str, length: int, max_chars: int) -> None:
        super().__init__(name, f"{length} characters, at most {max_chars} allowed")
        self.length = length
        self.max_chars = max_chars


class TextTooShort(TextError):
    """Fewer characters than the contract requires (an empty message)."""

    def __init__(self, name: str, length: int, min_chars: int) -> None:
        super().__init__(name, f"{length} characters, at least {min_chars} required")
        self.length = length
        self.min_chars = min_chars


# --------------------------------------------------------------------------- alerting


def is_active(position_at: datetime, now: datetime) -> bool:
    """A runner is active while their position is younger than 72 h; exactly 72 h is too old."""
    return now - position_at < ACTIVE_POSITION_MAX_AGE


def select_runners_to_alert(
    index: NearestIndex[_N],
    location: LatLon,
    now: datetime,
    position_at: Mapping[str, datetime],
    exclude: Collection[str],
    count: int = ALERT_COUNT,
    radius_m: float = ALERT_RADIUS_M,
) -> list[_N]:
    """The ``count`` nearest active runners within ``radius_m`` of the patient, not excluded.

    DOMAIN.md rule 2 (raising: 20 within 5 km) and alert-more (1–20, up to 10 km). ``exclude``
    holds the runners already alerted for this mission and those engaged in another open mission
    (rule 5, see :func:`engaged_runner_ids`). A runner missing from ``position_at`` has no known
    position time and is not active. Nearest first, ties by id (the index's order): the order in
    which ranks are handed out.
    """
    _require_aware("now", now)
    _check_count(count)
    _check_radius(radius_m, AlertMoreError)
    validate_lat_lon(location.lat, location.lon)

    def accept(runner_id: str) -> bool:
        if runner_id in exclude:
            return False
        reported = position_at.get(runner_id)
        return reported is not None and is_active(reported, now)

    return list(index.nearest(location.lat, location.lon, count, radius_m, accept))


def validate_alert_more(count: int, radius_m: float, mission_radius_m: float) -> None:
    """Alert-more's limits (dispatch-api.md): count 1–20, radius from the mission's to 10 km."""
    _check_count(count)
    _check_radius(radius_m, AlertMoreError)
    if radius_m < mission_radius_m:
        raise AlertMoreError(
            f"radius_m {radius_m:g} is below the mission's radius {mission_radius_m:g}; "
            "alert-more can only widen the search"
        )


#: States of a runner who has accepted and not given up (DOMAIN.md rule 5).
_ENGAGED = frozenset(
    {ResponderState.ACCEPTED, ResponderState.AED_COLLECTED, ResponderState.ARRIVED}
)


def engaged_runner_ids(missions: Iterable[Mission]) -> frozenset[str]:
    """Runners who accepted an open mission and have not given up: never alerted for another.

    DOMAIN.md rule 5. ``arrived`` counts: a responder doing CPR is busy until the mission ends.
    """
    return frozenset(
        r.runner_id
        for mission in missions
        if mission.is_open
        for r in mission.responders
        if r.state in _ENGAGED
    )


# --------------------------------------------------------------------------- acceptance


def check_acceptance(location: LatLon, radius_m: float, lat: float, lon: float) -> float:
    """The distance of a confirmed position from the patient; :class:`TooFar` outside the radius.

    DOMAIN.md rule 3. A position exactly on the radius is inside, as it is for alerting.
    """
    validate_lat_lon(lat, lon)
    validate_lat_lon(location.lat, location.lon)
    _check_radius(radius_m)
    distance = haversine_m(location.lat, location.lon, lat, lon)
    if distance > radius_m:
        raise TooFar(distance, radius_m)
    return distance


# --------------------------------------------------------------------------- task assignment


def assign_task(
    accepted_before: int,
    location: LatLon,
    radius_m: float,
    aeds: AedLookup,
    now: datetime,
    load: Mapping[str, int],
) -> Task:
    """The task for a responder who accepts after ``accepted_before`` others of this mission.

    DOMAIN.md rule 4: the first four fetch the AED nearest the patient that is available now,
    within the radius, and has fewer than five responders sent to it over all open missions
    (``load``, see :func:`aed_load`); ties by id. From the fifth on, or when no AED qualifies,
    straight to the patient.
    """
    if isinstance(accepted_before, bool) or not isinstance(accepted_before, int):
        raise TypeError(f"accepted_before must be an int, got {accepted_before!r}")
    if accepted_before < 0:
        raise ValueError(f"accepted_before must be >= 0, got {accepted_before}")
    _require_aware("now", now)
    _check_radius(radius_m)
    validate_lat_lon(location.lat, location.lon)
    if accepted_before >= AED_FETCHERS:
        return Task.go_to_patient()
    catalogue = aeds.aeds

    def usable(aed_id: str) -> bool:
        aed = catalogue.get(aed_id)
        return (
            aed is not None
            and load.get(aed_id, 0) < MAX_RESPONDERS_PER_AED
            and aed_available_now(aed, now)
        )

    found = aeds.index.nearest(location.lat, location.lon, 1, radius_m, usable)
    return Task.fetch_aed(found[0].id) if found else Task.go_to_patient()


def aed_load(missions: Iterable[Mission]) -> Counter[str]:
    """Responders on their way to each AED over all open missions (the cap of rule 4).

    Only ``accepted`` fetchers count: once one reports ``aed_collected`` the AED is taken, and an
    arrived or abandoned responder is no longer headed for it.
    """
    return Counter(
        r.task.aed_id
        for mission in missions
        if mission.is_open
        for r in mission.responders
        if r.state is ResponderState.ACCEPTED
        and r.task is not None
        and r.task.kind is TaskKind.FETCH_AED
        and r.task.aed_id is not None
    )


# --------------------------------------------------------------------------- ending


def release_on_end(mission: Mission) -> list[str]:
    """Runners still out (alerted, accepted, AED collected) when the mission is cancelled or
    closed; each gets a ``runner.released`` event, in rank order."""
    out = sorted((r.rank, r.runner_id) for r in mission.responders if r.state.is_out)
    return [runner_id for _, runner_id in out]


# --------------------------------------------------------------------------- free text


def validate_text(name: str, value: object, max_chars: int, *, min_chars: int = 0) -> str:
    """``value`` unchanged if it is a string of ``min_chars``–``max_chars`` characters.

    Characters are Unicode code points (``len``), as JSON and the server's validation count them.
    Text is stored verbatim, so nothing is stripped or normalised here.
    """
    if not isinstance(value, str):
        raise NotText(name, f"expected a string, got {type(value).__name__}")
    if len(value) > max_chars:
        raise TextTooLong(name, len(value), max_chars)
    if len(value) < min_chars:
        raise TextTooShort(name, len(value), min_chars)
    return value


def validate_address(value: object) -> str:
    return validate_text("address", value, MAX_ADDRESS_CHARS)


def validate_note(value: object) -> str:
    return validate_text("note", value, MAX_NOTE_CHARS)


def validate_reason(value: object) -> str:
    return validate_text("reason", value, MAX_REASON_CHARS)


def validate_outcome(value: object) -> str:
    """The contract gives ``outcome`` the same limit as ``reason``."""
    return validate_text("outcome", value, MAX_REASON_CHARS)


def validate_message(value: object) -> str:
    return validate_text("text", value, MAX_MESSAGE_CHARS, min_chars=MIN_MESSAGE_CHARS)


# --------------------------------------------------------------------------- helpers


def _check_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise AlertMoreError(f"count must be an integer, got {count!r}")
    if not 1 <= count <= MAX_ALERT_MORE_COUNT:
        raise AlertMoreError(f"count must be 1–{MAX_ALERT_MORE_COUNT}, got {count}")


def _check_radius(radius_m: float, error: type[ValueError] = ValueError) -> None:
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float):
        raise error(f"radius_m must be a number of metres, got {radius_m!r}")
    if not math.isfinite(radius_m) or not 0 < radius_m <= MAX_RADIUS_M:
        raise error(f"radius_m must be above 0 and at most {MAX_RADIUS_M:g} m, got {radius_m!r}")


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(f"{name} {moment.isoformat()} is naive; pass an aware instant")
