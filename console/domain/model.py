"""The contract's objects (Runner, AED, Mission, Responder, Event) as immutable values.

Both the reference server and the console build these from JSON and write them back, so the
conversion lives here, once. ``from_json`` ignores unknown fields (the contract says clients
must) and raises :class:`ModelError` with the offending field for anything malformed, so bad data
from the network becomes one clear error rather than a ``KeyError`` deep in a widget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from console.domain.timefmt import TimeFormatError, format_time, parse_time

Json = dict[str, Any]
_E = TypeVar("_E", bound=StrEnum)


class ModelError(ValueError):
    """A contract object that cannot be read: missing field, wrong type or unknown value."""


class Mode(StrEnum):
    FOOT = "foot"
    BIKE = "bike"
    CAR = "car"


class AedAccess(StrEnum):
    ALWAYS = "24/7"
    LIMITED = "limited"


class AedStatus(StrEnum):
    AVAILABLE = "available"
    TAKEN = "taken"
    OUT_OF_SERVICE = "out_of_service"


class MissionState(StrEnum):
    ALERTING = "alerting"
    CANCELLED = "cancelled"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self is MissionState.ALERTING


class AgeGroup(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    UNKNOWN = "unknown"


class ResponderState(StrEnum):
    ALERTED = "alerted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED_TOO_FAR = "rejected_too_far"
    AED_COLLECTED = "aed_collected"
    ARRIVED = "arrived"
    ABANDONED = "abandoned"
    RELEASED = "released"

    @property
    def is_out(self) -> bool:
        """Still on the way: a cancel or close releases responders in these states."""
        return self in _OUT_STATES


_OUT_STATES = frozenset(
    {ResponderState.ALERTED, ResponderState.ACCEPTED, ResponderState.AED_COLLECTED}
)


class TaskKind(StrEnum):
    FETCH_AED = "fetch_aed"
    GO_TO_PATIENT = "go_to_patient"


class EventType(StrEnum):
    MISSION_CREATED = "mission.created"
    RUNNER_ALERTED = "runner.alerted"
    RUNNER_ACCEPTED = "runner.accepted"
    RUNNER_DECLINED = "runner.declined"
    RUNNER_REJECTED = "runner.rejected"
    RUNNER_POSITION = "runner.position"
    RUNNER_AED_COLLECTED = "runner.aed_collected"
    RUNNER_ARRIVED = "runner.arrived"
    RUNNER_ABANDONED = "runner.abandoned"
    RUNNER_RELEASED = "runner.released"
    MISSION_EXPANDED = "mission.expanded"
    MISSION_MESSAGE = "mission.message"
    MISSION_CANCELLED = "mission.cancelled"
    MISSION_CLOSED = "mission.closed"
    AED_STATUS = "aed.status"


# --------------------------------------------------------------------------- field readers


def _field(data: Mapping[str, Any], name: str, what: str) -> Any:
    if not isinstance(data, Mapping):
        raise ModelError(f"{what}: expected a JSON object, got {type(data).__name__}")
    if name not in data:
        raise ModelError(f"{what}: missing field {name!r}")
    return data[name]


def _str(data: Mapping[str, Any], name: str, what: str, *, nullable: bool = False) -> Any:
    value = _field(data, name, what)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise ModelError(f"{what}.{name}: expected a string, got {value!r}")
    return value


def _id(data: Mapping[str, Any], name: str, what: str) -> str:
    value = _str(data, name, what)
    if not value:
        raise ModelError(f"{what}.{name}: must not be empty")
    return str(value)


def _num(data: Mapping[str, Any], name: str, what: str) -> float:
    value = _field(data, name, what)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(f"{what}.{name}: expected a finite number, got {value!r}")
    return float(value)


def _int(data: Mapping[str, Any], name: str, what: str) -> int:
    value = _field(data, name, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(f"{what}.{name}: expected an integer, got {value!r}")
    return value


def _time(data: Mapping[str, Any], name: str, what: str, *, nullable: bool = False) -> Any:
    value = _field(data, name, what)
    if value is None and nullable:
        return None
    try:
        return parse_time(value)
    except TimeFormatError as exc:
        raise ModelError(f"{what}.{name}: {exc}") from exc


def _enum(cls: type[_E], data: Mapping[str, Any], name: str, what: str) -> _E:
    value = _field(data, name, what)
    try:
        return cls(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in cls)
        raise ModelError(f"{what}.{name}: {value!r} is not one of {allowed}") from exc


def _opt_time(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)


# --------------------------------------------------------------------------- objects


@dataclass(frozen=True, slots=True)
class LatLon:
    lat: float
    lon: float

    def to_json(self) -> Json:
        return {"lat": self.lat, "lon": self.lon}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], what: str = "location") -> LatLon:
        return cls(lat=_num(data, "lat", what), lon=_num(data, "lon", what))


@dataclass(frozen=True, slots=True)
class Position:
    """A responder's last known position and when it was reported."""

    lat: float
    lon: float
    at: datetime

    def to_json(self) -> Json:
        return {"lat": self.lat, "lon": self.lon, "at": format_time(self.at)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], what: str = "position") -> Position:
        return cls(
            lat=_num(data, "lat", what), lon=_num(data, "lon", what), at=_time(data, "at", what)
        )


@dataclass(frozen=True, slots=True)
class Task:
    kind: TaskKind
    aed_id: str | None = None

    @classmethod
    def fetch_aed(cls, aed_id: str) -> Task:
        return cls(TaskKind.FETCH_AED, aed_id)

    @classmethod
    def go_to_patient(cls) -> Task:
        return cls(TaskKind.GO_TO_PATIENT)

    def to_json(self) -> Json:
        if self.kind is TaskKind.FETCH_AED:
            return {"kind": self.kind.value, "aed_id": self.aed_id}
        return {"kind": self.kind.value}

    @classmethod
    def from_json(cls, data: Any, what: str = "task") -> Task | None:
        if data is None:
            return None
        kind = _enum(TaskKind, data, "kind", what)
        if kind is TaskKind.FETCH_AED:
            return cls(kind, _id(data, "aed_id", what))
        return cls(kind)


@dataclass(frozen=True, slots=True)
class Runner:
    """What a console may see of a runner: a pseudonym and a position, never a person."""

    id: str
    alias: str
    lat: float
    lon: float
    position_at: datetime
    mode: Mode

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "alias": self.alias,
            "lat": self.lat,
            "lon": self.lon,
            "position_at": format_time(self.position_at),
            "mode": self.mode.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Runner:
        what = "runner"
        return cls(
            id=_id(data, "id", what),
            alias=_str(data, "alias", what),
            lat=_num(data, "lat", what),
            lon=_num(data, "lon", what),
            position_at=_time(data, "position_at", what),
            mode=_enum(Mode, data, "mode", what),
        )


@dataclass(frozen=True, slots=True)
class Aed:
    id: str
    lat: float
    lon: float
    address: str
    access: AedAccess
    opening_hours: str | None
    status: AedStatus

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "lat": self.lat,
            "lon": self.lon,
            "address": self.address,
            "access": self.access.value,
            "opening_hours": self.opening_hours,
            "status": self.status.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Aed:
        what = "aed"
        return cls(
            id=_id(data, "id", what),
            lat=_num(data, "lat", what),
            lon=_num(data, "lon", what),
            address=_str(data, "address", what),
            access=_enum(AedAccess, data, "access", what),
            opening_hours=_str(data, "opening_hours", what, nullable=True),
            status=_enum(AedStatus, data, "status", what),
        )


def aed_address(aed: Aed | None, aed_id: object) -> str:
    """What to name the AED ``aed_id`` by for a dispatcher: ``aed``'s address when it is that
    AED and has one; "" while the register does not know it (the caller names it by its id)."""
    if aed is None or aed.id != aed_id:
        return ""
    return aed.address.strip()


@dataclass(frozen=True, slots=True)
class Responder:
    """A runner within one mission."""

    runner_id: str
    alias: str
    rank: int
    distance_m: float
    state: ResponderState
    task: Task | None
    alerted_at: datetime
    accepted_at: datetime | None
    arrived_at: datetime | None
    position: Position

    def to_json(self) -> Json:
        return {
            "runner_id": self.runner_id,
            "alias": self.alias,
            "rank": self.rank,
            "distance_m": self.distance_m,
            "state": self.state.value,
            "task": None if self.task is None else self.task.to_json(),
            "alerted_at": format_time(self.alerted_at),
            "accepted_at": _opt_time(self.accepted_at),
            "arrived_at": _opt_time(self.arrived_at),
            "position": self.position.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Responder:
        what = "responder"
        return cls(
            runner_id=_id(data, "runner_id", what),
            alias=_str(data, "alias", what),
            rank=_int(data, "rank", what),
            distance_m=_num(data, "distance_m", what),
            state=_enum(ResponderState, data, "state", what),
            task=Task.from_json(_field(data, "task", what)),
            alerted_at=_time(data, "alerted_at", what),
            accepted_at=_time(data, "accepted_at", what, nullable=True),
            arrived_at=_time(data, "arrived_at", what, nullable=True),
            position=Position.from_json(_field(data, "position", what)),
        )


@dataclass(frozen=True, slots=True)
class Mission:
    id: str
    state: MissionState
    location: LatLon
    address: str
    age_group: AgeGroup
    note: str
    radius_m: float
    created_at: datetime
    created_by: str
    ended_at: datetime | None = None
    end_reason: str | None = None
    responders: tuple[Responder, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    def responder(self, runner_id: str) -> Responder | None:
        for responder in self.responders:
            if responder.runner_id == runner_id:
                return responder
        return None

    def with_responder(self, responder: Responder) -> Mission:
        """A copy with ``responder`` replacing the one with its id (or appended when new)."""
        kept = tuple(r for r in self.responders if r.runner_id != responder.runner_id)
        if len(kept) == len(self.responders):
            return replace(self, responders=(*self.responders, responder))
        return replace(
            self,
            responders=tuple(
                responder if r.runner_id == responder.runner_id else r for r in self.responders
            ),
        )

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "state": self.state.value,
            "location": self.location.to_json(),
            "address": self.address,
            "patient": {"age_group": self.age_group.value},
            "note": self.note,
            "radius_m": self.radius_m,
            "created_at": format_time(self.created_at),
            "created_by": self.created_by,
            "ended_at": _opt_time(self.ended_at),
            "end_reason": self.end_reason,
            "responders": [r.to_json() for r in self.responders],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Mission:
        what = "mission"
        responders = _field(data, "responders", what)
        if not isinstance(responders, list):
            raise ModelError(f"{what}.responders: expected a list")
        return cls(
            id=_id(data, "id", what),
            state=_enum(MissionState, data, "state", what),
            location=LatLon.from_json(_field(data, "location", what), "mission.location"),
            address=_str(data, "address", what),
            age_group=_enum(AgeGroup, _field(data, "patient", what), "age_group", "patient"),
            note=_str(data, "note", what),
            radius_m=_num(data, "radius_m", what),
            created_at=_time(data, "created_at", what),
            created_by=_str(data, "created_by", what),
            ended_at=_time(data, "ended_at", what, nullable=True),
            end_reason=_str(data, "end_reason", what, nullable=True),
            responders=tuple(Responder.from_json(r) for r in responders),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the server's event log; ``seq`` orders all events of the server."""

    seq: int
    type: EventType
    at: datetime
    mission_id: str | None
    data: Mapping[str, Any]

    def to_json(self) -> Json:
        return {
            "seq": self.seq,
            "type": self.type.value,
            "at": format_time(self.at),
            "mission_id": self.mission_id,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        what = "event"
        seq = _int(data, "seq", what)
        if seq <= 0:
            raise ModelError(f"event.seq: must be positive, got {seq}")
        payload = _field(data, "data", what)
        if not isinstance(payload, Mapping):
            raise ModelError("event.data: expected a JSON object")
        mission_id = _field(data, "mission_id", what)
        if mission_id is not None and (not isinstance(mission_id, str) or not mission_id):
            raise ModelError(
                f"event.mission_id: expected a non-empty string or null, got {mission_id!r}"
            )
        return cls(
            seq=seq,
            type=_enum(EventType, data, "type", what),
            at=_time(data, "at", what),
            mission_id=mission_id,
            data=dict(payload),
        )
