"""Runners and AEDs in the database: rows to domain objects and back, and bulk world loads.

A national world is 83,489 rows. They go in with one ``executemany`` per table, which both
drivers batch (SQLAlchemy's "insertmanyvalues"), so loading takes a second or two instead of a
minute; ``server_meta`` remembers which world and seed the rows are, so a restart does not
rebuild what is already there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from console.domain.model import Aed, AedAccess, AedStatus, Mode, Runner
from console.server.dispatch_schema import aeds, counters, runners, server_meta

WORLD_META_KEY = "world"
_CHUNK = 5_000


def runner_row(runner: Runner) -> dict[str, Any]:
    return {
        "id": runner.id,
        "alias": runner.alias,
        "lat": runner.lat,
        "lon": runner.lon,
        "position_at": runner.position_at,
        "mode": runner.mode.value,
    }


def aed_row(aed: Aed, status_at: datetime) -> dict[str, Any]:
    return {
        "id": aed.id,
        "lat": aed.lat,
        "lon": aed.lon,
        "address": aed.address,
        "access": aed.access.value,
        "opening_hours": aed.opening_hours,
        "status": aed.status.value,
        "status_at": status_at,
    }


def _runner(row: Any) -> Runner:
    return Runner(
        id=row.id,
        alias=row.alias,
        lat=row.lat,
        lon=row.lon,
        position_at=row.position_at,
        mode=Mode(row.mode),
    )


def _aed(row: Any) -> Aed:
    return Aed(
        id=row.id,
        lat=row.lat,
        lon=row.lon,
        address=row.address,
        access=AedAccess(row.access),
        opening_hours=row.opening_hours,
        status=AedStatus(row.status),
    )


async def load_positioned_runners(conn: AsyncConnection) -> list[Runner]:
    """Every runner that still has a position (the 72 h purge clears the others')."""
    rows = await conn.execute(select(runners).where(runners.c.position_at.is_not(None)))
    return [_runner(row) for row in rows]


async def get_runner(conn: AsyncConnection, runner_id: str) -> Runner | None:
    row = (await conn.execute(select(runners).where(runners.c.id == runner_id))).first()
    if row is None or row.position_at is None:
        return None
    return _runner(row)


async def runner_exists(conn: AsyncConnection, runner_id: str) -> bool:
    found = await conn.execute(select(runners.c.id).where(runners.c.id == runner_id))
    return found.first() is not None


async def existing_ids(conn: AsyncConnection, table: Any, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await conn.execute(select(table.c.id).where(table.c.id.in_(chunk)))
        found.update(row.id for row in rows)
    return found


async def save_position(conn: AsyncConnection, runner: Runner, *, create: bool) -> None:
    if create:
        await conn.execute(insert(runners), [runner_row(runner)])
    else:
        await conn.execute(
            update(runners)
            .where(runners.c.id == runner.id)
            .values(
                lat=runner.lat,
                lon=runner.lon,
                position_at=runner.position_at,
                mode=runner.mode.value,
            )
        )


async def load_aeds(conn: AsyncConnection, ids: Sequence[str] | None = None) -> list[Aed]:
    query = select(aeds).order_by(aeds.c.id)
    if ids is not None:
        query = query.where(aeds.c.id.in_(ids))
    return [_aed(row) for row in await conn.execute(query)]


async def unavailable_aeds(conn: AsyncConnection) -> dict[str, AedStatus]:
    """AEDs that are taken or out of service: few, so read whole in every assignment."""
    rows = await conn.execute(
        select(aeds.c.id, aeds.c.status).where(aeds.c.status != AedStatus.AVAILABLE.value)
    )
    return {row.id: AedStatus(row.status) for row in rows}


async def set_aed_status(
    conn: AsyncConnection, aed_id: str, status: AedStatus, at: datetime
) -> None:
    await conn.execute(
        update(aeds).where(aeds.c.id == aed_id).values(status=status.value, status_at=at)
    )
    await bump_aed_version(conn)


async def taken_before(conn: AsyncConnection, cutoff: datetime) -> list[str]:
    rows = await conn.execute(
        select(aeds.c.id)
        .where(aeds.c.status == AedStatus.TAKEN.value, aeds.c.status_at < cutoff)
        .order_by(aeds.c.id)
    )
    return [row.id for row in rows]


async def aed_version(conn: AsyncConnection) -> int:
    found = await conn.execute(select(counters.c.value).where(counters.c.name == "aeds"))
    return int(found.scalar_one())


async def bump_aed_version(conn: AsyncConnection) -> None:
    await conn.execute(
        update(counters).where(counters.c.name == "aeds").values(value=counters.c.value + 1)
    )


async def insert_runners(conn: AsyncConnection, batch: Iterable[Runner]) -> None:
    rows = [runner_row(runner) for runner in batch]
    for start in range(0, len(rows), _CHUNK):
        await conn.execute(insert(runners), rows[start : start + _CHUNK])


async def insert_aeds(conn: AsyncConnection, batch: Iterable[Aed], at: datetime) -> None:
    rows = [aed_row(aed, at) for aed in batch]
    for start in range(0, len(rows), _CHUNK):
        await conn.execute(insert(aeds), rows[start : start + _CHUNK])
    if rows:
        await bump_aed_version(conn)


async def clear_world(conn: AsyncConnection) -> None:
    await conn.execute(delete(runners))
    await conn.execute(delete(aeds))
    await bump_aed_version(conn)


async def world_label(conn: AsyncConnection) -> str | None:
    found = await conn.execute(
        select(server_meta.c.value).where(server_meta.c.name == WORLD_META_KEY)
    )
    return found.scalar_one_or_none()


async def set_world_label(conn: AsyncConnection, label: str) -> None:
    await conn.execute(delete(server_meta).where(server_meta.c.name == WORLD_META_KEY))
    await conn.execute(insert(server_meta), [{"name": WORLD_META_KEY, "value": label}])


async def any_position_deleted(conn: AsyncConnection) -> bool:
    """Whether some runner has lost its position to the purge."""
    found = await conn.execute(select(runners.c.id).where(runners.c.position_at.is_(None)).limit(1))
    return found.first() is not None


async def purge_positions(conn: AsyncConnection, cutoff: datetime) -> list[str]:
    """Delete every position last updated before ``cutoff``; the runners' ids are returned."""
    stale = [
        row.id
        for row in await conn.execute(select(runners.c.id).where(runners.c.position_at < cutoff))
    ]
    if stale:
        await conn.execute(
            update(runners)
            .where(runners.c.position_at < cutoff)
            .values(lat=None, lon=None, position_at=None)
        )
    return stale
