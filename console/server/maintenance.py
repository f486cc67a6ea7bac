"""The periodic clean-up job: what the privacy policy and the contract say must go, goes.

* Runner positions older than 72 h are deleted (privacy policy: "slettes automatisk efter 72
  timer"), from the database and from this process's index.
* In simulation, first, the runners of a Denmark world report again every two days, so the
  purge never empties the simulated world (:func:`console.server.sim_world.keep_world_reporting`).
* Idempotency keys past their lifetime, dead tokens and forgotten login failures are deleted.
* In simulation, an AED taken longer than ``aed_restore_after`` is made available again, as its
  owner would after checking it, with an ``aed.status`` event. That span is *simulated* time:
  with the autopilot at speed 60 the owner checks after 30 s of the server's clock, not after
  30 simulated hours, so the restore check also runs often enough to keep up with it.

Each step reads the injected clock, so tests move time instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from console.domain.constants import ACTIVE_POSITION_MAX_AGE
from console.domain.model import AedStatus, EventType
from console.server import idempotency, world_store
from console.server.dispatch import Dispatch
from console.server.security import Security
from console.server.sim_world import keep_world_reporting
from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.maintenance")

#: The restore check runs this many times per restore span (in the server's clock), so an AED
#: comes back at most a tenth of the span late whatever the autopilot's speed ...
RESTORE_CHECKS_PER_SPAN = 10
#: ... but not more often than this, in seconds: at speed 10,000 the span is 0.18 s.
MIN_RESTORE_CHECK_S = 1.0


@dataclass(frozen=True)
class MaintenanceReport:
    positions_deleted: int
    keys_deleted: int
    aeds_restored: int
    #: Simulation: runners of the Denmark world whose apps reported again (see sim_world).
    positions_reported: int = 0


class Maintenance:
    def __init__(
        self,
        dispatch: Dispatch,
        security: Security | None,
        *,
        restore_aeds_after: timedelta | None,
        every_s: float,
        time_scale: Callable[[], float] = lambda: 1.0,
        simulating: bool = False,
    ) -> None:
        self._dispatch = dispatch
        self._security = security
        self._restore_after = restore_aeds_after
        self._simulating = simulating
        self._every_s = every_s
        #: Simulated seconds per second of the server's clock (the autopilot's speed while it
        #: runs in real time; 1 otherwise). Public so the composition root can bind it to the
        #: autopilot, which is made after this job.
        self.time_scale = time_scale
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> MaintenanceReport:
        dispatch = self._dispatch
        now = dispatch.log.clock()
        reported = 0
        if self._simulating:  # first, so a simulated world's runners are never purged
            reported = await keep_world_reporting(dispatch, now)
        async with dispatch.log.write(sequenced=False) as tx:
            purged = await world_store.purge_positions(tx.conn, now - ACTIVE_POSITION_MAX_AGE)
            keys = await idempotency.forget_older_than(tx.conn, now - idempotency.KEY_LIFETIME)
        for runner_id in purged:
            dispatch.runners.drop(runner_id)
        restored = await self.restore_taken_aeds()
        if self._security is not None:
            await self._security.purge_expired()
        if purged or keys or restored or reported:
            log.info(
                "clean-up: %d positions deleted, %d idempotency keys deleted, %d AEDs restored,"
                " %d simulated runners reported",
                len(purged),
                keys,
                restored,
                reported,
            )
        return MaintenanceReport(len(purged), keys, restored, reported)

    def restore_after(self) -> timedelta | None:
        """How long, on the server's clock, a taken AED stays taken (None: not simulating)."""
        if self._restore_after is None:
            return None
        return self._restore_after / max(self.time_scale(), 1e-9)

    def restore_check_interval_s(self) -> float:
        """Seconds between restore checks: a tenth of the restore span, within bounds."""
        after = self.restore_after()
        if after is None:
            return self._every_s
        step = after.total_seconds() / RESTORE_CHECKS_PER_SPAN
        return min(self._every_s, max(MIN_RESTORE_CHECK_S, step))

    async def restore_taken_aeds(self) -> int:
        """Simulation: make the AEDs taken longer than the restore span available again."""
        after = self.restore_after()
        if after is None:
            return 0
        dispatch = self._dispatch
        cutoff = dispatch.log.clock() - after
        async with dispatch.log.database.reader.connect() as conn:
            if not await world_store.taken_before(conn, cutoff):
                return 0  # the usual answer, found without taking the seq lock
        async with dispatch.log.write() as tx:
            ids = await world_store.taken_before(tx.conn, cutoff)
            for aed_id in ids:
                await world_store.set_aed_status(tx.conn, aed_id, AedStatus.AVAILABLE, tx.now)
                tx.emit(
                    EventType.AED_STATUS,
                    None,
                    {"aed_id": aed_id, "status": AedStatus.AVAILABLE.value},
                )
        return len(ids)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="maintenance")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _loop(self) -> None:
        full_due = 0.0
        while True:
            try:
                if time.monotonic() >= full_due:
                    full_due = time.monotonic() + self._every_s
                    await self.run_once()
                else:
                    restored = await self.restore_taken_aeds()
                    if restored:
                        log.info("clean-up: %d AEDs restored", restored)
            except Exception:
                log.exception("clean-up failed; trying again at the next interval")
            await asyncio.sleep(self.restore_check_interval_s())
