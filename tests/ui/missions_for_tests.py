"""Missions built by hand for the model tests (the end-to-end tests use the real service)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.domain.model import (
    AgeGroup,
    LatLon,
    Mission,
    MissionState,
    Position,
    Responder,
    ResponderState,
    Task,
)

T0 = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)  # 14:00 in Copenhagen: day turnout
PATIENT = LatLon(55.6761, 12.5683)


def responder(
    rank: int,
    state: ResponderState = ResponderState.ALERTED,
    *,
    task: Task | None = None,
    north_m: float = 500.0,
    accepted_s: float | None = None,
    arrived_s: float | None = None,
) -> Responder:
    lat = PATIENT.lat + north_m / 111_195.0
    return Responder(
        runner_id=f"r{rank}",
        alias=f"HL-{rank:03d}",
        rank=rank,
        distance_m=north_m,
        state=state,
        task=task,
        alerted_at=T0,
        accepted_at=None if accepted_s is None else T0 + timedelta(seconds=accepted_s),
        arrived_at=None if arrived_s is None else T0 + timedelta(seconds=arrived_s),
        position=Position(lat, PATIENT.lon, T0),
    )


def mission(
    *responders: Responder,
    mission_id: str = "m1",
    created: datetime = T0,
    address: str = "Vesterbrogade 1",
    state: MissionState = MissionState.ALERTING,
) -> Mission:
    return Mission(
        id=mission_id,
        state=state,
        location=PATIENT,
        address=address,
        age_group=AgeGroup.ADULT,
        note="",
        radius_m=5000.0,
        created_at=created,
        created_by="demo-dispatcher",
        responders=tuple(responders),
    )
