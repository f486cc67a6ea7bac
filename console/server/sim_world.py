"""The simulated world in the database: generated from a seed, loaded once, reset on request.

Generating Denmark takes a second or two and inserting its 83,489 rows about as long, so a
restart on a database that already holds the same world and seed keeps it (and the positions
and AED statuses it has since). A reset cancels the open missions first, with their
``runner.released`` events, so no responder is left out on a mission whose world has gone.

Keeping the world alive. A real runner is active while its app reports, and the privacy job
deletes positions 72 h old. The generated runners have no app, so after three days without the
autopilot (which moves only responders) the Denmark world would be empty. Two rules keep it:

* While the server runs, each runner of a simulated Denmark world reports again, where it
  stands, once its position is :data:`SIM_REPORT_AFTER` old (:func:`keep_world_reporting`, run
  by the maintenance job before its purge). The report goes through
  :meth:`Dispatch.update_position`, the path of ``PUT /v1/runner/position``: the same row,
  index, notice to the other processes and durability. Every runner of a simulated Denmark
  world counts, those added through ``/v1/sim/runners`` too: in simulation no one is real.
* On start, a Denmark world whose positions were deleted all the same (the database was used
  without ``--simulate``, or by a version without the rule above) is generated again.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import datetime, timedelta
from typing import Final

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

#: A simulated runner's app reports again once its position is this old: a day inside the 72 h
#: of the purge, and no sooner, because a freshly generated world's positions are up to 48 h
#: old and would otherwise half report at once; afterwards ~20 a minute report, a trickle.
SIM_REPORT_AFTER: Final = timedelta(hours=48)
#: Reports sent together, so the position writer stores them in a few statements.
_REPORT_CHUNK: Final = 1_000


def world_label(world: WorldName, seed: int) -> str:
    return f"denmark:{seed}" if world == "denmark" else "empty"


def _is_denmark(label: str | None) -> bool:
    return label is not None and label.startswith("denmark:")


async def keep_world_reporting(dispatch: Dispatch, now: datetime) -> int:
    """A simulated Denmark world's runners report where they are once their position is
    :data:`SIM_REPORT_AFTER` old (see the module docstring); returns how many reported."""
    async with dispatch.log.database.reader.connect() as conn:
        if not _is_denmark(await world_store.world_label(conn)):
            return 0
    cutoff = now - SIM_REPORT_AFTER
    due = [rid for rid, at in dispatch.runners.position_times.items() if at <= cutoff]
    reported = 0
    for start in range(0, len(due), _REPORT_CHUNK):
        runners = [dispatch.runners.get(rid) for rid in due[start : start + _REPORT_CHUNK]]
        present = [r for r in runners if r is not None]  # one may have gone meanwhile
        await asyncio.gather(
            *(dispatch.update_position(r.id, r.lat, r.lon, r.mode) for r in present)
        )
        reported += len(present)
    return reported


async def ensure_world(
    dispatch: Dispatch, world: WorldName, seed: int, by: str, *, force: bool
) -> bool:
    """Load ``world`` unless the database already holds it; True when it was (re)loaded."""
    label = world_label(world, seed)
    if not force:
        async with dispatch.log.database.reader.connect() as conn:
            if await world_store.world_label(conn) == label:
                if not _is_denmark(label) or not await world_store.any_position_deleted(conn):
                    return False
                log.info("the positions of world %s were deleted: generating it again", label)
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
