"""The simulated world in the database: generated from a seed, loaded once, reset on request.

Generating Denmark takes a second or two and inserting its 83,489 rows about as long, so a
restart on a database that already holds the same world and seed keeps it (and the positions
and AED statuses it has since). A reset cancels the open missions first, with their
``runner.released`` events, so no responder is left out on a mission whose world has gone.
"""

from __future__ import annotations

import asyncio
import gc
import logging

from sqlalchemy import select

from console.domain.model import Aed, MissionState, Runner
from console.domain.world import generate_world
from console.server import world_store
from console.server.config import WorldName
from console.server.dispatch import Dispatch
from console.server.dispatch_schema import missions
from console.server.event_log import RUNNERS_CHANNEL, WriteTx

log = logging.getLogger("amk.dispatchd.world")

RESET_REASON = "simulation reset"


def world_label(world: WorldName, seed: int) -> str:
    return f"denmark:{seed}" if world == "denmark" else "empty"


async def ensure_world(
    dispatch: Dispatch, world: WorldName, seed: int, by: str, *, force: bool
) -> bool:
    """Load ``world`` unless the database already holds it; True when it was (re)loaded."""
    label = world_label(world, seed)
    if not force:
        async with dispatch.log.database.reader.connect() as conn:
            if await world_store.world_label(conn) == label:
                return False
    runners: tuple[Runner, ...] = ()
    aeds: tuple[Aed, ...] = ()
    if world == "denmark":
        generated = await asyncio.to_thread(generate_world, seed, dispatch.log.clock())
        runners, aeds = generated.runners, generated.aeds

    async def replace_world(tx: WriteTx) -> None:
        open_ids = (
            await tx.conn.execute(
                select(missions.c.id)
                .where(missions.c.state == MissionState.ALERTING.value)
                .order_by(missions.c.created_seq)
            )
        ).scalars()
        for mission_id in list(open_ids):
            await dispatch.end_mission(by, mission_id, cancel=True, text=RESET_REASON)(tx)
        await world_store.clear_world(tx.conn)
        await world_store.insert_runners(tx.conn, runners)
        await world_store.insert_aeds(tx.conn, aeds, tx.now)
        await world_store.set_world_label(tx.conn, label)
        tx.notify(RUNNERS_CHANNEL, dispatch.reload_notice())

    async with dispatch.log.write() as tx:
        await replace_world(tx)
    dispatch.runners.replace_all(runners)
    dispatch.aeds.replace_all(aeds)
    gc.collect()  # the old world is garbage now; the new one needs no scanning (see services)
    gc.freeze()
    log.info(
        "loaded world %s: %d runners, %d AEDs", label, len(dispatch.runners), len(dispatch.aeds)
    )
    return True
