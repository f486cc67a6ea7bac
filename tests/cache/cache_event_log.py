"""Event logs as the server writes them: one global seq over all missions, for cache tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain.model import AgeGroup, Event, EventType, LatLon, Mission, MissionState

T0 = datetime(2025, 6, 3, 14, 2, 11, 250_000, tzinfo=UTC)


class EventLog:
    """Server-like events: one global seq over all missions, times one second apart."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.seq = 0

    def add(self, kind: EventType, mission_id: str | None, data: dict[str, Any]) -> Event:
        self.seq += 1
        event = Event(self.seq, kind, T0 + timedelta(seconds=self.seq), mission_id, data)
        self.events.append(event)
        return event

    def created(self, mission_id: str) -> Event:
        mission = Mission(
            id=mission_id,
            state=MissionState.ALERTING,
            location=LatLon(55.6761, 12.5683),
            address="Rådhuspladsen 1, København",
            age_group=AgeGroup.ADULT,
            note="",
            radius_m=5000.0,
            created_at=T0 + timedelta(seconds=self.seq + 1),
            created_by="demo-dispatcher",
        )
        return self.add(EventType.MISSION_CREATED, mission_id, mission.to_json())

    def alerted(self, mission_id: str, runner_id: str, rank: int) -> Event:
        data = {
            "runner_id": runner_id,
            "alias": f"HL-{runner_id}",
            "rank": rank,
            "distance_m": 100.0 * rank,
            "lat": 55.68,
            "lon": 12.57,
            "mode": "foot",
        }
        return self.add(EventType.RUNNER_ALERTED, mission_id, data)

    def accepted(self, mission_id: str, runner_id: str, aed_id: str | None = None) -> Event:
        task = {"kind": "fetch_aed", "aed_id": aed_id} if aed_id else {"kind": "go_to_patient"}
        data = {"runner_id": runner_id, "lat": 55.679, "lon": 12.569, "distance_m": 90.0}
        return self.add(EventType.RUNNER_ACCEPTED, mission_id, {**data, "task": task})

    def runner(self, kind: EventType, mission_id: str, runner_id: str, **extra: Any) -> Event:
        return self.add(kind, mission_id, {"runner_id": runner_id, **extra})

    def mission(self, mission_id: str, runners: int = 3, *, end: str | None = None) -> None:
        """A whole small mission: created, alerts, one accept, positions, maybe its end."""
        self.created(mission_id)
        for rank in range(1, runners + 1):
            self.alerted(mission_id, f"{mission_id}-r{rank}", rank)
        self.accepted(mission_id, f"{mission_id}-r1", "aed-1")
        self.runner(EventType.RUNNER_DECLINED, mission_id, f"{mission_id}-r2")
        for step in range(3):
            self.runner(
                EventType.RUNNER_POSITION,
                mission_id,
                f"{mission_id}-r1",
                lat=55.679 + step * 1e-4,
                lon=12.569,
            )
        if end == "cancel":
            self.add(EventType.MISSION_CANCELLED, mission_id, {"reason": "false alarm", "by": "d"})
            for rank in (1, 3):
                self.runner(EventType.RUNNER_RELEASED, mission_id, f"{mission_id}-r{rank}")
        elif end == "close":
            self.add(EventType.MISSION_CLOSED, mission_id, {"outcome": "ems_on_scene", "by": "d"})
            for rank in (1, 3):
                self.runner(EventType.RUNNER_RELEASED, mission_id, f"{mission_id}-r{rank}")
