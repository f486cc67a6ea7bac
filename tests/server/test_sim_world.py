"""The simulated Denmark world stays alive: its runners report again every 48 h, so the 72 h
purge never empties it, and a world whose positions were deleted all the same is generated
again on start. In-process with an injected clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from test_maintenance import FakeClock

from console.domain.constants import NATIONAL_ACTIVE_RUNNERS
from console.domain.model import Mode, Runner
from console.server import world_store
from console.server.config import ServerConfig, WorldName
from console.server.dispatch_schema import runners as runners_table
from console.server.services import ServerServices
from console.server.sim_world import SIM_REPORT_AFTER, ensure_world

SEED = 3
HOME = {"a": (55.40, 10.40), "b": (56.15, 10.21), "c": (57.05, 9.92)}


def config(folder: Path, world: WorldName) -> ServerConfig:
    return ServerConfig(
        database_url=f"sqlite:///{folder / 'db.sqlite3'}",
        simulate=True,
        world=world,
        seed=SEED,
        maintenance_every_s=3_600.0,
    )


async def hold_small_denmark(folder: Path, clock: FakeClock, ages_h: dict[str, float]) -> None:
    """A database that holds the Denmark world of SEED, shrunk to a few runners (so no test
    waits for the national world), with positions of the given ages."""
    services = ServerServices.build(config(folder, "empty"), clock=clock)
    await services.start()
    try:
        async with services.event_log.write(sequenced=False) as tx:
            await world_store.insert_runners(
                tx.conn,
                [
                    Runner(rid, f"HL-{rid}", *HOME[rid], clock.now - timedelta(hours=h), Mode.FOOT)
                    for rid, h in ages_h.items()
                ],
            )
            await world_store.set_world_label(tx.conn, f"denmark:{SEED}")
    finally:
        await services.stop()


async def positions(services: ServerServices) -> dict[str, tuple[float, float, object]]:
    async with services.database.reader.connect() as conn:
        rows = await conn.execute(select(runners_table))
        return {r.id: (r.lat, r.lon, r.position_at) for r in rows}


async def test_the_world_reports_every_two_days_and_the_purge_never_empties_it(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    await hold_small_denmark(tmp_path, clock, {"a": 1, "b": 50, "c": 71})
    services = ServerServices.build(config(tmp_path, "denmark"), clock=clock)
    await services.start()
    try:
        assert len(services.dispatch.runners) == 3  # the world was kept, not generated again
        first = await services.maintenance.run_once()
        assert (first.positions_reported, first.positions_deleted) == (2, 0)
        stored = await positions(services)
        for rid in ("b", "c"):  # reported where they stand, now
            assert stored[rid] == (*HOME[rid], clock.now)
            indexed = services.dispatch.runners.get(rid)
            assert indexed is not None
            assert indexed.position_at == clock.now
        assert stored["a"][2] == clock.now - timedelta(hours=1)

        clock.advance(SIM_REPORT_AFTER - timedelta(hours=2))  # "a" is 47 h old: not yet
        assert (await services.maintenance.run_once()).positions_reported == 0
        clock.advance(timedelta(days=4))  # a server that was not asked for anything
        late = await services.maintenance.run_once()
        assert (late.positions_reported, late.positions_deleted) == (3, 0)
        active = services.dispatch.runners.within_active(56.2, 10.2, 200_000, clock.now)
        assert sorted(r.id for r in active) == ["a", "b", "c"]

        # Reset to the empty world: its runners are not simulated apps, the purge applies.
        await ensure_world(services.dispatch, "empty", 0, "demo-sim", force=True)
        await services.dispatch.update_position("walker", 55.5, 10.5, Mode.FOOT)
        clock.advance(timedelta(hours=73))
        emptied = await services.maintenance.run_once()
        assert (emptied.positions_reported, emptied.positions_deleted) == (0, 1)
    finally:
        await services.stop()


async def test_without_simulation_nothing_reports_and_the_purge_applies(tmp_path: Path) -> None:
    clock = FakeClock()
    await hold_small_denmark(tmp_path, clock, {"a": 1, "b": 73})
    real = ServerConfig(database_url=config(tmp_path, "denmark").database_url, world="denmark")
    services = ServerServices.build(real, clock=clock)
    await services.start()
    try:
        report = await services.maintenance.run_once()
        assert (report.positions_reported, report.positions_deleted) == (0, 1)
    finally:
        await services.stop()


@pytest.mark.slow
async def test_a_world_whose_positions_were_deleted_is_generated_again(tmp_path: Path) -> None:
    clock = FakeClock()
    await hold_small_denmark(tmp_path, clock, {"a": 1, "b": 2})
    services = ServerServices.build(config(tmp_path, "empty"), clock=clock)
    async with services.database.writer.begin() as conn:  # e.g. purged by a server without
        await conn.execute(  # --simulate on the same database
            update(runners_table)
            .where(runners_table.c.id == "b")
            .values(lat=None, lon=None, position_at=None)
        )
    await services.database.dispose()

    services = ServerServices.build(config(tmp_path, "denmark"), clock=clock)
    await services.start()
    try:
        assert len(services.dispatch.runners) == NATIONAL_ACTIVE_RUNNERS
        async with services.database.reader.connect() as conn:
            assert not await world_store.any_position_deleted(conn)
            assert await world_store.world_label(conn) == f"denmark:{SEED}"
    finally:
        await services.stop()
