"""The open missions' logs: loaded from the real cache once, extended by committed batches,
modes remembered, ended missions forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.cache.store import Cache
from console.domain.model import AgeGroup, Event, EventType, LatLon, Mission, MissionState, Mode
from console.ui.mission_log import MissionLog

T0 = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


class Log:
    def __init__(self) -> None:
        self.seq = 0

    def event(self, kind: EventType, mission_id: str, data: dict[str, Any]) -> Event:
        self.seq += 1
        return Event(self.seq, kind, T0 + timedelta(seconds=self.seq), mission_id, data)

    def created(self, mission_id: str) -> Event:
        mission = Mission(
            mission_id,
            MissionState.ALERTING,
            LatLon(55.0, 12.0),
            "Torvet 1",
            AgeGroup.ADULT,
            "",
            5000.0,
            T0,
            "demo-dispatcher",
        )
        return self.event(EventType.MISSION_CREATED, mission_id, mission.to_json())

    def alerted(self, mission_id: str, runner: str, mode: str) -> Event:
        return self.event(
            EventType.RUNNER_ALERTED,
            mission_id,
            {
                "runner_id": runner,
                "alias": f"HL-{runner}",
                "rank": 1,
                "distance_m": 300.0,
                "lat": 55.001,
                "lon": 12.0,
                "mode": mode,
            },
        )


async def test_follow_load_extend_and_forget(tmp_path: Path) -> None:
    cache = await Cache.open(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    try:
        log = Log()
        first = [log.created("m1"), log.alerted("m1", "a", "bike"), log.created("m2")]
        await cache.ingest(first)
        missions = MissionLog(cache)
        heard: list[tuple[str, tuple[int, ...]]] = []
        missions.subscribe(lambda mid, events: heard.append((mid, tuple(e.seq for e in events))))
        loaded = await missions.follow("m1")
        assert [e.seq for e in loaded] == [1, 2]
        assert missions.modes("m1") == {"a": Mode.BIKE}
        assert not missions.following("m2")

        later = [log.alerted("m1", "b", "car"), log.alerted("m2", "c", "foot")]
        missions.on_batch(await cache.ingest(later))
        assert heard == [("m1", (4,))]  # m2 is not followed
        assert missions.modes("m1") == {"a": Mode.BIKE, "b": Mode.CAR}
        missions.on_batch(await cache.ingest(later))  # the same batch again: nothing new
        assert heard == [("m1", (4,))]
        assert [e.seq for e in missions.events("m1")] == [1, 2, 4]

        missions.forget("m1")
        assert missions.events("m1") == ()
        assert missions.modes("m1") == {}
    finally:
        await cache.close()
