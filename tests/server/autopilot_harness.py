"""The server's services in-process on SQLite, a small world and a virtual clock: autopilot tests.

Everything runs through :class:`ServerServices` as ``amk-dispatchd serve --simulate`` builds it,
except that the clock is virtual, so the autopilot plays a mission in a fraction of a second and
the same seed gives the same events, times included.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from console.domain.geometry import destination_point
from console.domain.model import (
    Aed,
    AedAccess,
    AedStatus,
    AgeGroup,
    Event,
    LatLon,
    Mission,
    Mode,
    Runner,
)
from console.server import world_store
from console.server.autopilot import Autopilot
from console.server.autopilot_engine import VirtualClock
from console.server.autopilot_model import DEFAULT_BEHAVIOUR, Behaviour
from console.server.config import ServerConfig
from console.server.dispatch_schema import missions
from console.server.event_log import StoredEvent
from console.server.services import ServerServices

#: 12:00 in Copenhagen: daytime turnout, every AED open.
START = datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
PATIENT = LatLon(55.6761, 12.5683)  # Copenhagen, Rådhuspladsen
_MODES = (Mode.FOOT, Mode.BIKE, Mode.FOOT, Mode.CAR)
_GOLDEN_ANGLE = 137.508


def _around(centre: LatLon, distance_m: float, bearing: float) -> tuple[float, float]:
    lat, lon = destination_point(centre.lat, centre.lon, bearing % 360.0, distance_m)
    return round(lat, 6), round(lon, 6)


def small_world(
    runners: int = 24, aeds: int = 4, *, centre: LatLon = PATIENT
) -> tuple[list[Runner], list[Aed]]:
    """Runners on a spiral out to ~3.6 km (150 m apart), AEDs 150–600 m out; all 24/7."""
    people = []
    for i in range(runners):
        lat, lon = _around(centre, 150.0 * (i + 1), i * _GOLDEN_ANGLE)
        people.append(Runner(f"r{i:03d}", f"HL-{i:03d}", lat, lon, START, _MODES[i % 4]))
    cabinets = []
    for j in range(aeds):
        lat, lon = _around(centre, 150.0 * (j + 1), 45.0 + j * 90.0)
        cabinets.append(
            Aed(f"aed-{j}", lat, lon, f"Vej {j}", AedAccess.ALWAYS, "24/7", AedStatus.AVAILABLE)
        )
    return people, cabinets


@dataclass
class Sim:
    services: ServerServices
    clock: VirtualClock
    autopilot: Autopilot

    async def raise_mission(self, location: LatLon = PATIENT) -> str:
        dispatch = self.services.dispatch
        operation = dispatch.create_mission(
            "demo-dispatcher", location, "Rådhuspladsen 1", AgeGroup.ADULT, ""
        )
        reply = await dispatch.run(None, operation)
        assert reply.status == 201, reply.body
        mission_id: str = json.loads(reply.body)["id"]
        return mission_id

    async def events(self, mission_id: str) -> list[Event]:
        stored = await self.services.event_log.mission_events(mission_id)
        return [e.to_event() for e in stored]

    async def all_events(self) -> list[StoredEvent]:
        return await self.services.event_log.read_after(0, 1_000_000)

    async def missions(self) -> dict[str, Mission]:
        async with self.services.database.reader.connect() as conn:
            rows = await conn.execute(
                select(missions.c.id, missions.c.doc).order_by(missions.c.created_seq)
            )
            return {mid: Mission.from_json(json.loads(doc)) for mid, doc in rows}


@asynccontextmanager
async def in_process(
    folder: Path,
    *,
    seed: int = 7,
    runners: list[Runner] | None = None,
    aeds: list[Aed] | None = None,
    behaviour: Behaviour = DEFAULT_BEHAVIOUR,
    start: datetime = START,
    autopilot_on: bool = True,
) -> AsyncIterator[Sim]:
    """Services on a fresh SQLite file in ``folder`` with the world loaded and the autopilot
    switched on (virtual clock); everything is stopped afterwards."""
    clock = VirtualClock(start)
    config = ServerConfig(
        database_url=f"sqlite:///{folder / 'dispatch.sqlite3'}",
        simulate=True,
        world="empty",
        seed=seed,
        demo_password="test-pass",
        maintenance_every_s=3_600.0,
    )
    services = ServerServices.build(config, clock=clock.datetime)
    await services.start()
    try:
        if runners is None and aeds is None:
            runners, aeds = small_world()
        async with services.dispatch.log.write(sequenced=False) as tx:
            await world_store.insert_runners(tx.conn, runners or [])
            await world_store.insert_aeds(tx.conn, aeds or [], tx.now)
        await services.dispatch.reload_indexes()
        pilot = Autopilot(services, virtual_clock=clock, behaviour=behaviour)
        services.autopilot = pilot
        if autopilot_on:
            await services.set_autopilot(True, 1.0)
        yield Sim(services, clock, pilot)
    finally:
        await services.stop()
