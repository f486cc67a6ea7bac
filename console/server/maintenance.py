"""The periodic clean-up job: what the privacy policy and the contract say must go, goes.

* Runner positions older than 72 h are deleted (privacy policy: "slettes automatisk efter 72
  timer"), from the database and from this process's index.
* Idempotency keys past their lifetime, dead tokens and forgotten login failures are deleted.
* In simulation, an AED taken longer than ``aed_restore_after`` is made available again, as its
  owner would after checking it, with an ``aed.status`` event.

Each step reads the injected clock, so tests move time instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from console.domain.constants import ACTIVE_POSITION_MAX_AGE
from console.domain.model import AedStatus, EventType
from console.server import idempotency, world_store
from console.server.dispatch import Dispatch
from console.server.security import Security

log = logging.getLogger("amk.dispatchd.maintenance")


@dataclass(frozen=True)
class MaintenanceReport:
    positions_deleted: int
    keys_deleted: int
    aeds_restored: int


class Maintenance:
    def __init__(
        self,
        dispatch: Dispatch,
        security: Security | None,
        *,
        restore_aeds_after: timedelta | None,
        every_s: float,
    ) -> None:
        self._dispatch = dispatch
        self._security = security
        self._restore_after = restore_aeds_after
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> MaintenanceReport:
        dispatch = self._dispatch
        now = dispatch.log.clock()
        async with dispatch.log.write(sequenced=False) as tx:
            purged = await world_store.purge_positions(tx.conn, now - ACTIVE_POSITION_MAX_AGE)
            keys = await idempotency.forget_older_than(tx.conn, now - idempotency.KEY_LIFETIME)
        for runner_id in purged:
            dispatch.runners.drop(runner_id)
        restored = 0
        if self._restore_after is not None:
            restored = await self._restore_aeds(self._restore_after)
        if self._security is not None:
            await self._security.purge_expired()
        if purged or keys or restored:
            log.info(
                "clean-up: %d positions deleted, %d idempotency keys deleted, %d AEDs restored",
                len(purged),
                keys,
                restored,
            )
        return MaintenanceReport(len(purged), keys, restored)

    async def _restore_aeds(self, after: timedelta) -> int:
        dispatch = self._dispatch
        async with dispatch.log.write() as tx:
            ids = await world_store.taken_before(tx.conn, tx.now - after)
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
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("clean-up failed; trying again at the next interval")
            await asyncio.sleep(self._every_s)
