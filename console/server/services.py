"""The composition root of one server process: builds every part, starts and stops them in order.

Order matters at start-up: the schema is migrated before anything reads it; on PostgreSQL the
LISTEN connection is up before the event hub reads the log's end (so no commit falls between
the two unheard); the indexes are loaded before the first request can alert anyone.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from console.domain.service_area import ServiceArea
from console.domain.timefmt import utc_now
from console.server.accounts import ensure_demo_users, remove_demo_users
from console.server.config import ServerConfig
from console.server.database import Database, open_database
from console.server.dispatch import Dispatch
from console.server.event_hub import EventHub
from console.server.event_log import EVENTS_CHANNEL, RUNNERS_CHANNEL, EventLog
from console.server.live_index import AedIndex, RunnerIndex
from console.server.maintenance import Maintenance
from console.server.migrate import upgrade_to_head
from console.server.pg_listener import PgListener
from console.server.security import Security
from console.server.sim_world import ensure_world

log = logging.getLogger("amk.dispatchd")

Clock = Callable[[], datetime]

#: Who the simulator's own actions (a world reset) are recorded as.
SIM_ACTOR = "demo-sim"


class Autopilot(Protocol):
    """The seam for ``console/server/autopilot.py``: the sim endpoint and ``--autopilot`` call it.

    The autopilot drives virtual runners through :class:`Dispatch` (the same rules as real
    runners) and follows the missions through :class:`EventHub`, both reachable from the
    :class:`ServerServices` its factory receives.
    """

    @property
    def enabled(self) -> bool: ...

    @property
    def speed(self) -> float: ...

    @property
    def time_scale(self) -> float:
        """Simulated seconds per second of the server's clock (1 when off)."""
        ...

    async def configure(self, enabled: bool, speed: float) -> None: ...

    async def aclose(self) -> None: ...


AutopilotFactory = Callable[["ServerServices"], Autopilot]


def settle_heap() -> None:
    """Move everything alive now (the world: ~500k objects) out of the garbage collector's way.

    A full collection would otherwise walk the whole national world every few thousand
    allocations, a pause of tens of milliseconds in the middle of a request (measured as the
    p99 of raising a mission). Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


def find_autopilot_factory() -> AutopilotFactory | None:
    """``console.server.autopilot.create_autopilot`` when that module is installed."""
    try:
        module = importlib.import_module("console.server.autopilot")
    except ModuleNotFoundError as exc:
        if exc.name != "console.server.autopilot":
            raise
        return None
    factory: AutopilotFactory | None = getattr(module, "create_autopilot", None)
    return factory


@dataclass
class ServerServices:
    config: ServerConfig
    database: Database
    event_log: EventLog
    hub: EventHub
    dispatch: Dispatch
    security: Security
    maintenance: Maintenance
    clock: Clock
    autopilot_factory: AutopilotFactory | None
    autopilot: Autopilot | None = None
    listener: PgListener | None = None
    #: Set when the server begins to shut down: event streams end so connections can close.
    shutting_down: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _started: bool = field(default=False, repr=False)

    @classmethod
    def build(
        cls,
        config: ServerConfig,
        *,
        clock: Clock = utc_now,
        autopilot_factory: AutopilotFactory | None = None,
    ) -> ServerServices:
        database = open_database(config.database_url)
        event_log = EventLog(database, clock)
        hub = EventHub(event_log)
        event_log.on_commit(hub.poke)
        dispatch = Dispatch(event_log, RunnerIndex(), AedIndex(), ServiceArea.denmark())
        # Another process's mission events change who is out on a mission.
        hub.on_batch(
            lambda batch: (
                dispatch.missions_changed()
                if any(event.mission_id is not None for event in batch)
                else None
            )
        )
        security = Security(database.writer, database.reader, clock=clock)
        maintenance = Maintenance(
            dispatch,
            security,
            restore_aeds_after=config.aed_restore_after if config.simulate else None,
            every_s=config.maintenance_every_s,
            simulating=config.simulate,
        )
        services = cls(
            config=config,
            database=database,
            event_log=event_log,
            hub=hub,
            dispatch=dispatch,
            security=security,
            maintenance=maintenance,
            clock=clock,
            autopilot_factory=autopilot_factory or find_autopilot_factory(),
        )
        # A taken AED's owner checks it after 30 *simulated* minutes: as fast as the autopilot.
        maintenance.time_scale = services.sim_time_scale
        return services

    async def start(self) -> None:
        config = self.config
        await upgrade_to_head(self.database)
        async with self.database.writer.begin() as conn:
            if config.simulate:
                await ensure_demo_users(conn, config.demo_password, clock=self.clock)
            else:
                await remove_demo_users(conn)
        if self.database.is_postgres:
            self.listener = PgListener(
                self.database.libpq_conninfo(),
                {EVENTS_CHANNEL: self._on_events_notice, RUNNERS_CHANNEL: self._on_runner_notice},
                on_reconnect=self._resync,
            )
            await self.listener.start()
        loaded = config.simulate and await ensure_world(
            self.dispatch, config.world, config.seed, SIM_ACTOR, force=False
        )
        if not loaded:  # a freshly loaded world is in the indexes already
            await self.dispatch.reload_indexes()
        await self.hub.start()
        settle_heap()
        self.maintenance.start()
        self._started = True
        if config.simulate and config.autopilot_speed is not None:
            await self.set_autopilot(True, config.autopilot_speed)

    async def stop(self) -> None:
        if self.autopilot is not None:
            await self.autopilot.aclose()
        await self.maintenance.stop()
        await self.dispatch.aclose()
        await self.hub.stop()
        if self.listener is not None:
            await self.listener.stop()
        await self.database.dispose()

    async def set_autopilot(self, enabled: bool, speed: float) -> Autopilot | None:
        """Start, retune or stop the autopilot; None when this build has none."""
        if self.autopilot is None:
            if self.autopilot_factory is None:
                return None
            self.autopilot = self.autopilot_factory(self)
        await self.autopilot.configure(enabled, speed)
        return self.autopilot

    def sim_time_scale(self) -> float:
        """Simulated seconds per second of this server's clock: the autopilot's, or 1."""
        return 1.0 if self.autopilot is None else self.autopilot.time_scale

    async def _on_events_notice(self, payload: str) -> None:
        self.hub.poke(int(payload) if payload.isdigit() else None)

    async def _on_runner_notice(self, payload: str) -> None:
        await self.dispatch.on_runner_notice(payload)

    async def _resync(self) -> None:
        """After a lost LISTEN connection: notices may be gone, so read everything again."""
        await self.dispatch.reload_indexes()
        self.hub.poke()
