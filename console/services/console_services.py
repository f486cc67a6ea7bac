"""The composition root of everything below the widgets: one call builds it, one closes it.

:meth:`ConsoleServices.start` opens the cache, loads every model from it and starts the event
sync and the server clock's measurement in the background, without touching the network: with
the server unreachable the console still starts, shows the cached state marked as not live
(``offline``) and connects when it can.
The UI gets this object and hands its parts to its widgets; there is no global registry.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass

import httpx

from console.api.client import DispatchClient
from console.api.problems import ApiError
from console.api.settings import ApiSettings
from console.cache.outbox import OutboxEntry, OutboxStore
from console.cache.store import Cache
from console.services.aeds import AedService
from console.services.clock import Clock, SystemClock
from console.services.event_sync import STALE_AFTER_S, EventSync
from console.services.link import LinkState, LinkStatus
from console.services.missions import MissionService
from console.services.outbox_sender import GIVE_UP_AFTER_S, OutboxSender
from console.services.replay import ReplaySource
from console.services.runners import RunnerService
from console.services.server_clock import ServerClock
from console.services.tasks import TaskKeeper

log = logging.getLogger("console.services")


@dataclass(frozen=True, slots=True)
class ServicesConfig:
    api: ApiSettings
    #: None: the cache file in the user data directory.
    cache_url: str | None = None
    stale_after_s: float = STALE_AFTER_S
    outbox_give_up_s: float = GIVE_UP_AFTER_S
    #: How often the AED register is re-checked while live (a 304 when unchanged).
    aed_refresh_s: float = 600.0


class ConsoleServices:
    def __init__(
        self,
        config: ServicesConfig,
        client: DispatchClient,
        cache: Cache,
        clock: Clock,
        rng: random.Random,
    ) -> None:
        self.config = config
        self.client = client
        self.cache = cache
        self.clock = clock
        self.tasks = TaskKeeper()
        self.sync = EventSync(
            client, cache, clock=clock, stale_after_s=config.stale_after_s, rng=rng
        )
        self.outbox = OutboxSender(
            client,
            OutboxStore(cache),
            self.tasks,
            clock=clock,
            give_up_after_s=config.outbox_give_up_s,
            rng=rng,
        )
        self.missions = MissionService(cache, self.sync, self.outbox)
        self.aeds = AedService(client, cache, self.sync)
        self.runners = RunnerService(client, cache, clock)
        self.replay = ReplaySource(client, cache)
        #: The server's time as the console knows it (measured while the link is live).
        self.server_clock = ServerClock(client, clock)
        #: Commands a previous run left unconfirmed, now failed: the UI shows them at start-up.
        self.interrupted: list[OutboxEntry] = []
        self._last_aed_refresh: float | None = None
        self._early_login: asyncio.Future[None] | None = None

    @classmethod
    async def start(
        cls,
        config: ServicesConfig,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> ConsoleServices:
        """Build everything from the cache and start syncing; needs no network.

        The AED register is still loading when this returns (``aeds.loaded``,
        ``aeds.wait_loaded()``); missions and commands are there.
        """
        clock = clock or SystemClock()
        client = DispatchClient(config.api, transport=transport, monotonic=clock.monotonic)
        # The login (a round trip and the server's password hashing) runs while the cache is
        # opened and read; the event sync's first request then finds the token ready.
        login = asyncio.ensure_future(client.warm_up())
        try:
            cache = await Cache.open(config.cache_url, now=clock.now)
        except BaseException:
            login.cancel()
            await asyncio.gather(login, return_exceptions=True)
            await client.aclose()
            raise
        services = cls(config, client, cache, clock, rng or random.Random())
        services._early_login = login
        try:
            services.interrupted = await services.outbox.start()
            await services.missions.start()
            services.aeds.start()
        except BaseException:
            await services.aclose()
            raise
        services.sync.status.subscribe(services._on_link)
        services.sync.on_history_reset(services._history_reset)
        # The sync logs in and catches up while the AED register is read from the cache (a
        # third of a second for Denmark) and while the window is built: neither waits for the
        # other.
        services.tasks.spawn(services.sync.run(), name="event-sync")
        services.tasks.spawn(services.aeds.load(), name="aed-cache")
        services.tasks.spawn(
            services.server_clock.follow(services.sync.status), name="server-clock"
        )
        return services

    @property
    def link(self) -> LinkStatus:
        return self.sync.status.value

    async def login(self, username: str, password: str) -> None:
        """Log in with new credentials (after ``unauthorised``) and let the sync try again."""
        await self.client.login(username, password)
        self.sync.credentials_changed()

    async def aclose(self) -> None:
        """Stop every task, then close the client and the cache."""
        self.missions.stop()
        self.aeds.stop()
        if self._early_login is not None:
            self._early_login.cancel()
            await asyncio.gather(self._early_login, return_exceptions=True)
        await self.tasks.aclose()
        await self.client.aclose()
        await self.cache.close()

    def _on_link(self, status: LinkStatus) -> None:
        if status.state is not LinkState.LIVE:
            return
        due = (
            self._last_aed_refresh is None
            or self.clock.monotonic() - self._last_aed_refresh >= self.config.aed_refresh_s
        )
        if due and not self.tasks.running("aed-refresh"):
            self.tasks.spawn(self._refresh_aeds(), name="aed-refresh")

    def _history_reset(self) -> None:
        """The server's log is another one: its AED statuses too, so the register is fetched
        whole as soon as the link is live."""
        self.aeds.refetch_whole()
        self._last_aed_refresh = None

    async def _refresh_aeds(self) -> None:
        while True:
            try:
                changed = await self.aeds.refresh()
                self._last_aed_refresh = self.clock.monotonic()
                log.info("AED register %s", "updated" if changed else "unchanged (304)")
            except ApiError as exc:
                log.info("AED register not refreshed: %s", exc)
                return
            await self.clock.sleep(self.config.aed_refresh_s)
            if not self.sync.status.value.state.is_live:
                return
