"""Volume: the autopilot's 10,000 events through the live stream into the cache, exactly once.

A module of its own, so its server's large log does not slow the fault tests' catch-ups.
"""

from __future__ import annotations

import asyncio

import pytest
from sync_harness import assert_cache_matches_server, running

from console.api.settings import ApiSettings
from console.cache.store import Cache
from tests.support.driver import Driver


@pytest.mark.slow
async def test_10000_autopilot_events_end_up_in_the_cache_once_in_order(
    settings: ApiSettings, cache: Cache, driver: Driver
) -> None:
    async with running(settings, cache) as run:
        await run.live()
        head = await driver.autopilot_traffic(at_least=10_000)
        await asyncio.wait_for(run.sync.wait_for_seq(head), 60)
        assert run.sync.stats.stored >= 10_000
        assert run.sync.stats.bad_events == 0
        assert run.sync.stats.connects == 1  # all of it live, over one stream
        await assert_cache_matches_server(cache, driver)
        await driver.reset()
