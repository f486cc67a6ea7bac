"""The events of the dispatch operations, written once for both of their implementations.

:class:`console.server.dispatch.Dispatch` runs the operations in database transactions and
:class:`console.server.sim_dispatch.SimulatedDispatch` runs them in memory for the calibration.
Both must emit exactly the same events with exactly the same data, or the calibration would
measure a different service (``tests/server/test_sim_dispatch.py`` compares them). So what an
operation emits is decided here, and each implementation only says how to emit (``Emit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from console.domain.constants import ALERT_RADIUS_M
from console.domain.model import (
    Aed,
    AedStatus,
    AgeGroup,
    EventType,
    LatLon,
    Mission,
    MissionState,
    ResponderState,
    Runner,
    Task,
)
from console.domain.rules import release_on_end
from console.domain.spatial_index import Neighbour

#: Emits one event of the mission being changed (and folds it in).
Emit = Callable[[EventType, Mapping[str, Any]], None]

#: Responders who accepted and are moving: a status report also moves them on the map.
ON_THE_WAY: Final = frozenset({ResponderState.ACCEPTED, ResponderState.AED_COLLECTED})


def new_mission(
    mission_id: str,
    location: LatLon,
    *,
    address: str,
    age_group: AgeGroup,
    note: str,
    at: datetime,
    by: str,
) -> Mission:
    """The Mission that ``mission.created`` carries: alerting, the standard radius, no one yet."""
    return Mission(
        id=mission_id,
        state=MissionState.ALERTING,
        location=location,
        address=address,
        age_group=age_group,
        note=note,
        radius_m=ALERT_RADIUS_M,
        created_at=at,
        created_by=by,
    )


def emit_alerts(
    emit: Emit,
    chosen: Sequence[Neighbour],
    runner_of: Callable[[str], Runner | None],
    after_rank: int,
) -> None:
    """``runner.alerted`` for the chosen runners, nearest first, ranks going on after
    ``after_rank``; a runner whose record has gone meanwhile is skipped."""
    rank = after_rank
    for neighbour in chosen:
        runner = runner_of(neighbour.id)
        if runner is None:  # pragma: no cover - the index and the records change together
            continue
        rank += 1
        emit(
            EventType.RUNNER_ALERTED,
            {
                "runner_id": runner.id,
                "alias": runner.alias,
                "rank": rank,
                "distance_m": neighbour.distance_m,
                "lat": runner.lat,
                "lon": runner.lon,
                "mode": runner.mode.value,
            },
        )


def accepted(runner_id: str, at: LatLon, distance_m: float, task: Task) -> Mapping[str, Any]:
    return {
        "runner_id": runner_id,
        "lat": at.lat,
        "lon": at.lon,
        "distance_m": distance_m,
        "task": task.to_json(),
    }


def rejected_too_far(runner_id: str, distance_m: float) -> Mapping[str, Any]:
    return {"runner_id": runner_id, "reason": "too_far", "distance_m": distance_m}


def moved(runner_id: str, at: LatLon) -> Mapping[str, Any]:
    return {"runner_id": runner_id, "lat": at.lat, "lon": at.lon}


def emit_end(
    emit: Emit, mission: Callable[[], Mission], *, cancel: bool, text: str, by: str
) -> None:
    """``mission.cancelled`` (``text`` the reason) or ``mission.closed`` (the outcome), then
    ``runner.released`` for every responder the ended mission still had out."""
    if cancel:
        emit(EventType.MISSION_CANCELLED, {"reason": text, "by": by})
    else:
        emit(EventType.MISSION_CLOSED, {"outcome": text, "by": by})
    for runner_id in release_on_end(mission()):
        emit(EventType.RUNNER_RELEASED, {"runner_id": runner_id})


class AedsNow(Mapping[str, Aed]):
    """The AED catalogue with the statuses known now laid over it (few AEDs are unavailable,
    so they are kept apart rather than copying 26k records)."""

    def __init__(self, aeds: Mapping[str, Aed], unavailable: Mapping[str, AedStatus]) -> None:
        self._aeds = aeds
        self._unavailable = unavailable

    def __getitem__(self, aed_id: str) -> Aed:
        aed = self._aeds[aed_id]
        status = self._unavailable.get(aed_id, AedStatus.AVAILABLE)
        return aed if aed.status is status else replace(aed, status=status)

    def __iter__(self) -> Iterator[str]:
        return iter(self._aeds)

    def __len__(self) -> int:
        return len(self._aeds)
