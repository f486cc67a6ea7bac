"""The clean-up job with an injected clock: positions go after 72 h, taken AEDs come back in
simulation, old idempotency keys go. In-process, so time moves without waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from console.domain.model import Aed, AedAccess, AedStatus, EventType, Mode
from console.server import idempotency, world_store
from console.server.config import ServerConfig
from console.server.dispatch_schema import aeds, events, runners
from console.server.services import ServerServices


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[ServerServices, FakeClock]]:
    clock = FakeClock()
    config = ServerConfig(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        simulate=True,
        world="empty",
        maintenance_every_s=3600,
    )
    built = ServerServices.build(config, clock=clock)
    await built.start()
    yield built, clock
    await built.stop()


async def test_positions_older_than_72_hours_are_deleted(
    services: tuple[ServerServices, FakeClock],
) -> None:
    server, clock = services
    await server.dispatch.update_position("old", 55.67, 12.56, Mode.FOOT)
    clock.advance(timedelta(hours=48))
    await server.dispatch.update_position("fresh", 55.68, 12.57, Mode.BIKE)
    clock.advance(timedelta(hours=24, seconds=1))

    report = await server.maintenance.run_once()

    assert report.positions_deleted == 1
    assert server.dispatch.runners.get("old") is None
    assert server.dispatch.runners.get("fresh") is not None
    async with server.database.reader.connect() as conn:
        rows = {r.id: r for r in await conn.execute(select(runners))}
    assert (rows["old"].lat, rows["old"].lon, rows["old"].position_at) == (None, None, None)
    assert rows["fresh"].lat == 55.68
    # Nothing else is left to delete until more time passes.
    assert (await server.maintenance.run_once()).positions_deleted == 0


async def test_a_taken_aed_is_made_available_again_in_simulation(
    services: tuple[ServerServices, FakeClock],
) -> None:
    server, clock = services
    async with server.event_log.write(sequenced=False) as tx:
        aed = Aed("aed-x", 55.6, 12.5, "Her", AedAccess.ALWAYS, "24/7", AedStatus.TAKEN)
        await world_store.insert_aeds(tx.conn, [aed], tx.now)
    clock.advance(timedelta(minutes=29))
    assert (await server.maintenance.run_once()).aeds_restored == 0
    clock.advance(timedelta(minutes=2))
    assert (await server.maintenance.run_once()).aeds_restored == 1
    async with server.database.reader.connect() as conn:
        status = (await conn.execute(select(aeds.c.status))).scalar_one()
        last = (await conn.execute(select(events).order_by(events.c.seq.desc()))).first()
    assert status == "available"
    assert last is not None
    assert last.type == EventType.AED_STATUS.value
    assert last.mission_id is None


async def test_idempotency_keys_are_forgotten_after_their_lifetime(
    services: tuple[ServerServices, FakeClock],
) -> None:
    server, clock = services
    key = idempotency.IdempotencyKey.of("anna", "k1", "POST", "/v1/missions", {"a": 1})
    assert key is not None
    async with server.event_log.write(sequenced=False) as tx:
        await idempotency.remember(tx.conn, key, 201, "{}", tx.now)
    clock.advance(idempotency.KEY_LIFETIME - timedelta(seconds=1))
    assert (await server.maintenance.run_once()).keys_deleted == 0
    clock.advance(timedelta(seconds=2))
    assert (await server.maintenance.run_once()).keys_deleted == 1


async def _take_aed(server: ServerServices, aed_id: str) -> None:
    async with server.event_log.write(sequenced=False) as tx:
        aed = Aed(aed_id, 55.6, 12.5, "Her", AedAccess.ALWAYS, "24/7", AedStatus.TAKEN)
        await world_store.insert_aeds(tx.conn, [aed], tx.now)


async def test_the_restore_follows_the_autopilots_speed(
    services: tuple[ServerServices, FakeClock],
) -> None:
    server, clock = services
    assert server.maintenance.restore_check_interval_s() == 180  # a tenth of 30 minutes
    pilot = await server.set_autopilot(True, 60.0)
    assert pilot is not None
    try:
        # 30 simulated minutes at speed 60 are 30 s of the server's clock, checked every 3 s.
        assert server.maintenance.restore_after() == timedelta(seconds=30)
        assert server.maintenance.restore_check_interval_s() == 3.0
        await _take_aed(server, "aed-fast")
        clock.advance(timedelta(seconds=29))
        assert (await server.maintenance.run_once()).aeds_restored == 0
        clock.advance(timedelta(seconds=2))
        assert await server.maintenance.restore_taken_aeds() == 1
        # At the contract's top speed the check still waits a second between runs.
        await server.set_autopilot(True, 10_000.0)
        assert server.maintenance.restore_check_interval_s() == 1.0
        # Off again: the owner takes 30 minutes of the clock.
        await server.set_autopilot(False, 60.0)
        await _take_aed(server, "aed-slow")
        clock.advance(timedelta(minutes=29))
        assert await server.maintenance.restore_taken_aeds() == 0
        clock.advance(timedelta(minutes=2))
        assert await server.maintenance.restore_taken_aeds() == 1
    finally:
        await pilot.aclose()
    async with server.database.reader.connect() as conn:
        statuses = {row.id: row.status for row in await conn.execute(select(aeds))}
    assert statuses == {"aed-fast": "available", "aed-slow": "available"}


async def test_without_simulation_nothing_is_restored(tmp_path: Path) -> None:
    clock = FakeClock()
    config = ServerConfig(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", world="empty")
    server = ServerServices.build(config, clock=clock)
    await server.start()
    try:
        await _take_aed(server, "aed-real")
        clock.advance(timedelta(days=2))
        assert server.maintenance.restore_after() is None
        assert (await server.maintenance.run_once()).aeds_restored == 0
    finally:
        await server.stop()
