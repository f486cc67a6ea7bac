"""The real dispatch server (one per test module), a proxy per test, and comparisons with it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from live_dispatchd import DEMO_PASSWORD, Dispatchd, Driver, LoopbackProxy

from console.api.settings import ApiSettings
from console.cache.store import Cache
from console.domain.fold import fold


@pytest.fixture(scope="module")
def dispatchd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dispatchd]:
    folder = tmp_path_factory.mktemp("dispatchd")
    server = Dispatchd(f"sqlite:///{folder / 'dispatch.sqlite3'}", folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def proxy(dispatchd: Dispatchd) -> AsyncIterator[LoopbackProxy]:
    if dispatchd.proc is None or dispatchd.proc.poll() is not None:
        dispatchd.start()  # a previous test left it down
    proxied = LoopbackProxy(dispatchd.port)
    await proxied.start()
    yield proxied
    await proxied.close()


@pytest.fixture
async def driver(dispatchd: Dispatchd, proxy: LoopbackProxy) -> AsyncIterator[Driver]:
    async with Driver(dispatchd.base_url) as made:
        await made.reset()
        yield made


@pytest.fixture
def settings(proxy: LoopbackProxy) -> ApiSettings:
    """The console's settings: through the proxy, as the dispatcher."""
    return ApiSettings(
        proxy.url,
        username="demo-dispatcher",
        password=DEMO_PASSWORD,
        call_timeout_s=5.0,
        connect_timeout_s=2.0,
    )


@pytest.fixture
def cache_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cache.sqlite3'}"


@pytest.fixture
async def cache(cache_url: str) -> AsyncIterator[Cache]:
    opened = await Cache.open(cache_url)
    yield opened
    await opened.close()


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool],
    timeout_s: float = 20.0,
    what: str = "condition",
) -> None:
    """Poll ``check`` (real time) until true; the tests' only real waiting."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.05)


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
