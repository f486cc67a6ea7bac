"""An EventSync running against the real server, and the check that the cache equals the server.

Kept out of conftest.py so test modules import them by name (``from sync_harness import ...``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from console.api.client import DispatchClient
from console.api.settings import ApiSettings
from console.cache.store import Cache
from console.domain.fold import fold
from console.services.event_sync import EventSync
from console.services.link import Backoff, LinkState, LinkStatus
from tests.support.driver import Driver
from tests.support.waiting import eventually

FAST = Backoff(initial_s=0.05, cap_s=0.5)


class Running:
    """An EventSync running in the background with its client, and what it reported."""

    def __init__(self, sync: EventSync) -> None:
        self.sync = sync
        self.states: list[LinkState] = [sync.status.value.state]
        sync.status.subscribe(self._seen)
        self.task: asyncio.Task[None] = asyncio.ensure_future(sync.run())

    def _seen(self, status: LinkStatus) -> None:
        if status.state is not self.states[-1]:
            self.states.append(status.state)

    @property
    def state(self) -> LinkState:
        return self.sync.status.value.state

    async def live(self, timeout_s: float = 20.0) -> None:
        await eventually(lambda: self.state is LinkState.LIVE, timeout_s, "the link to be live")

    async def caught_up(self, driver: Driver, timeout_s: float = 30.0) -> None:
        head = (await driver.events())[-1].seq
        await asyncio.wait_for(self.sync.wait_for_seq(head), timeout_s)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.sync.client.aclose()


@contextlib.asynccontextmanager
async def running(settings: ApiSettings, cache: Cache, **kwargs: object) -> AsyncIterator[Running]:
    client = DispatchClient(settings)
    kwargs.setdefault("backoff", FAST)
    sync = EventSync(client, cache, **kwargs)  # type: ignore[arg-type]
    run = Running(sync)
    try:
        yield run
    finally:
        await run.stop()


async def assert_cache_matches_server(
    cache: Cache, driver: Driver, skip_missions: frozenset[str] = frozenset()
) -> None:
    """Every server event once, in order; each mission equal to the server's, and to its fold."""
    server_events = await driver.events()
    cached = await cache.events_after(0, limit=10**9)
    if skip_missions:  # events altered on the way on purpose: compared by seq only
        altered = {e.seq for e in [*server_events, *cached] if e.mission_id in skip_missions}
        assert {e.seq for e in cached} >= altered
        server_events = [e for e in server_events if e.seq not in altered]
        cached = [e for e in cached if e.seq not in altered]
    assert [e.seq for e in cached] == [e.seq for e in server_events], "events differ"
    assert cached == server_events
    head = (await driver.events(after=server_events[-1].seq - 1))[-1].seq
    assert await cache.event_count() == head, "duplicate or extra rows"
    assert await cache.last_seq() == head
    for mission in await driver.missions():
        if mission.id in skip_missions:
            continue
        assert await cache.mission(mission.id) == mission, f"mission {mission.id} differs"
        assert fold(await cache.mission_events(mission.id)) == mission
