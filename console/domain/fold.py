"""Folding a mission's events into its state: the one definition both sides share.

The server applies each event with :func:`apply` as it writes it, and the console folds the events
it cached; the contract promises that folding a mission's events in ``seq`` order from nothing gives
exactly ``GET /v1/missions/{id}``. Folding is *total*: an event that does not fit (an unknown
responder, a seq out of order, a transition the rules forbid, another mission's event) raises a
:class:`FoldError` the caller sees. Silently skipping it would let the console show a state the
server never had.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from console.domain.model import (
    Event,
    EventType,
    LatLon,
    Mission,
    MissionState,
    ModelError,
    Position,
    Responder,
    ResponderState,
    Task,
)


class FoldError(ValueError):
    """An event that cannot be applied to the mission as folded so far."""

    def __init__(self, event: Event, message: str) -> None:
        super().__init__(f"event seq {event.seq} ({event.type.value}): {message}")
        self.event = event


class OutOfOrder(FoldError):
    """An event whose seq is not after the previous one: a gap or replay the caller must handle."""


class UnknownResponder(FoldError):
    """A runner event for a runner who was never alerted for this mission."""


class InvalidTransition(FoldError):
    """An event the mission's or responder's current state does not allow."""


class WrongMission(FoldError):
    """An event of another mission, or one that is not a mission event at all."""


# Which responder states each runner event may start from, and where it leads.
_S = ResponderState
_TRANSITIONS: dict[EventType, tuple[frozenset[ResponderState], ResponderState | None]] = {
    EventType.RUNNER_ACCEPTED: (frozenset({_S.ALERTED}), _S.ACCEPTED),
    EventType.RUNNER_DECLINED: (frozenset({_S.ALERTED}), _S.DECLINED),
    EventType.RUNNER_REJECTED: (frozenset({_S.ALERTED}), _S.REJECTED_TOO_FAR),
    EventType.RUNNER_AED_COLLECTED: (frozenset({_S.ACCEPTED}), _S.AED_COLLECTED),
    EventType.RUNNER_ARRIVED: (frozenset({_S.ACCEPTED, _S.AED_COLLECTED}), _S.ARRIVED),
    EventType.RUNNER_ABANDONED: (frozenset({_S.ACCEPTED, _S.AED_COLLECTED}), _S.ABANDONED),
    EventType.RUNNER_RELEASED: (
        frozenset({_S.ALERTED, _S.ACCEPTED, _S.AED_COLLECTED}),
        _S.RELEASED,
    ),
    EventType.RUNNER_POSITION: (
        frozenset({_S.ALERTED, _S.ACCEPTED, _S.AED_COLLECTED, _S.ARRIVED}),
        None,
    ),
}


def fold(events: Iterable[Event]) -> Mission:
    """The Mission that a mission's events, in seq order, describe."""
    mission: Mission | None = None
    last: Event | None = None
    for event in events:
        mission = apply(mission, event, previous_seq=None if last is None else last.seq)
        last = event
    if mission is None:
        raise ValueError("fold() needs at least the mission.created event")
    return mission


def apply(mission: Mission | None, event: Event, *, previous_seq: int | None = None) -> Mission:
    """The mission after ``event``; ``previous_seq`` (when known) guards the order."""
    if previous_seq is not None and event.seq <= previous_seq:
        raise OutOfOrder(event, f"seq {event.seq} does not follow {previous_seq}")
    if mission is None:
        if event.type is not EventType.MISSION_CREATED:
            raise OutOfOrder(event, "a mission's first event must be mission.created")
        return _created(event)
    if event.type is EventType.MISSION_CREATED:
        raise OutOfOrder(event, f"mission {mission.id} was already created")
    if event.mission_id != mission.id:
        raise WrongMission(event, f"belongs to {event.mission_id!r}, not mission {mission.id!r}")
    try:
        return _HANDLERS[event.type](mission, event)
    except KeyError as exc:
        raise WrongMission(event, f"missing field {exc.args[0]!r} in data") from exc
    except ModelError as exc:
        raise WrongMission(event, str(exc)) from exc
    except (TypeError, ValueError) as exc:
        if isinstance(exc, FoldError):
            raise
        raise WrongMission(event, f"malformed data: {exc}") from exc


# --------------------------------------------------------------------------- handlers


def _created(event: Event) -> Mission:
    if event.mission_id is None:
        raise WrongMission(event, "mission.created without a mission_id")
    try:
        mission = Mission.from_json(event.data)
    except ModelError as exc:
        raise WrongMission(event, str(exc)) from exc
    if mission.id != event.mission_id:
        raise WrongMission(
            event, f"data is mission {mission.id!r}, event names {event.mission_id!r}"
        )
    if mission.responders:
        raise InvalidTransition(event, "mission.created must carry no responders")
    if not mission.is_open:
        raise InvalidTransition(event, f"a mission is created alerting, not {mission.state.value}")
    return mission


def _require_open(mission: Mission, event: Event) -> None:
    if not mission.is_open:
        raise InvalidTransition(event, f"mission {mission.id} has ended ({mission.state.value})")


def _alerted(mission: Mission, event: Event) -> Mission:
    _require_open(mission, event)
    data = event.data
    runner_id = _runner_id(event)
    if mission.responder(runner_id) is not None:
        raise InvalidTransition(event, f"runner {runner_id} was already alerted")
    position = LatLon.from_json(data, "runner.alerted")
    responder = Responder(
        runner_id=runner_id,
        alias=_text(data, "alias"),
        rank=_positive_int(data, "rank"),
        distance_m=_float(data, "distance_m"),
        state=ResponderState.ALERTED,
        task=None,
        alerted_at=event.at,
        accepted_at=None,
        arrived_at=None,
        position=Position(position.lat, position.lon, event.at),
    )
    return replace(mission, responders=(*mission.responders, responder))


def _runner_event(mission: Mission, event: Event) -> Mission:
    runner_id = _runner_id(event)
    responder = mission.responder(runner_id)
    if responder is None:
        raise UnknownResponder(event, f"runner {runner_id} is not a responder of {mission.id}")
    allowed_from, target = _TRANSITIONS[event.type]
    if event.type is not EventType.RUNNER_RELEASED:
        _require_open(mission, event)
    elif mission.is_open:
        raise InvalidTransition(event, "runner.released comes only after the mission has ended")
    if responder.state not in allowed_from:
        raise InvalidTransition(
            event, f"runner {runner_id} is {responder.state.value}; cannot take {event.type.value}"
        )
    changes: dict[str, Any] = {}
    if target is not None:
        changes["state"] = target
    data = event.data
    if event.type is EventType.RUNNER_ACCEPTED:
        position = LatLon.from_json(data, "runner.accepted")
        changes["accepted_at"] = event.at
        changes["position"] = Position(position.lat, position.lon, event.at)
        changes["task"] = Task.from_json(data.get("task"), "runner.accepted.task")
        changes["distance_m"] = _float(data, "distance_m")
    elif event.type is EventType.RUNNER_REJECTED:
        changes["distance_m"] = _float(data, "distance_m")
    elif event.type is EventType.RUNNER_POSITION:
        position = LatLon.from_json(data, "runner.position")
        changes["position"] = Position(position.lat, position.lon, event.at)
    elif event.type is EventType.RUNNER_ARRIVED:
        changes["arrived_at"] = event.at
    elif event.type is EventType.RUNNER_AED_COLLECTED:
        _text(data, "aed_id")
    return mission.with_responder(replace(responder, **changes))


def _expanded(mission: Mission, event: Event) -> Mission:
    _require_open(mission, event)
    radius = _float(event.data, "radius_m")
    if radius < mission.radius_m:
        raise InvalidTransition(
            event, f"radius {radius} m is below the mission's {mission.radius_m} m"
        )
    return replace(mission, radius_m=radius)


def _ended(state: MissionState, reason_field: str) -> Callable[[Mission, Event], Mission]:
    def handle(mission: Mission, event: Event) -> Mission:
        _require_open(mission, event)
        return replace(
            mission, state=state, ended_at=event.at, end_reason=_text(event.data, reason_field)
        )

    return handle


def _unchanged(mission: Mission, event: Event) -> Mission:
    _require_open(mission, event)
    return mission


def _not_a_mission_event(mission: Mission, event: Event) -> Mission:
    raise WrongMission(event, "aed.status is not part of any mission's state")


_HANDLERS: dict[EventType, Callable[[Mission, Event], Mission]] = {
    EventType.RUNNER_ALERTED: _alerted,
    **{kind: _runner_event for kind in _TRANSITIONS},
    EventType.MISSION_EXPANDED: _expanded,
    EventType.MISSION_MESSAGE: _unchanged,
    EventType.MISSION_CANCELLED: _ended(MissionState.CANCELLED, "reason"),
    EventType.MISSION_CLOSED: _ended(MissionState.CLOSED, "outcome"),
    EventType.AED_STATUS: _not_a_mission_event,
}


# --------------------------------------------------------------------------- data readers


def _runner_id(event: Event) -> str:
    value = event.data.get("runner_id")
    if not isinstance(value, str) or not value:
        raise WrongMission(event, f"runner_id must be a non-empty string, got {value!r}")
    return value


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ModelError(f"{name}: expected a string, got {value!r}")
    return value


def _float(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


def _positive_int(data: Mapping[str, Any], name: str) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"{name}: expected a positive integer, got {value!r}")
    return value
