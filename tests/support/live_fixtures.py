"""Fixtures for tests on the real server: one server per test module, a proxy and a driver each.

A pytest plugin (``pytest_plugins`` in tests/conftest.py), so the client's and the services'
tests share one definition; a fixture is only made for the tests that ask for it.

Starting a server migrates a fresh database (~1-2 s), hence one per module; each test's driver
begins with ``POST /v1/sim/reset``, which ends what the previous test left open. A test may
kill the server: the next test's proxy starts it again on the same database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.dispatchd import Dispatchd
from tests.support.driver import Driver
from tests.support.proxy import LoopbackProxy


@pytest.fixture(scope="module")
def dispatchd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dispatchd]:
    folder = tmp_path_factory.mktemp("dispatchd")
    server = Dispatchd(f"sqlite:///{folder / 'dispatch.sqlite3'}", folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def proxy(dispatchd: Dispatchd) -> AsyncIterator[LoopbackProxy]:
    if not dispatchd.running:
        dispatchd.start()  # a previous test left it down
    proxied = LoopbackProxy(dispatchd.port)
    await proxied.start()
    yield proxied
    await proxied.close()


@pytest.fixture
async def driver(dispatchd: Dispatchd, proxy: LoopbackProxy) -> AsyncIterator[Driver]:
    """Talks to the server directly (not through the proxy), after the proxy's restart check."""
    async with Driver(dispatchd.base_url) as made:
        await made.reset()
        yield made
