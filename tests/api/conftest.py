"""The real dispatch server for the client's tests (the harness is shared with tests/services)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _harness() -> ModuleType:
    """tests/services/live_dispatchd.py, loaded by path (test folders are not packages)."""
    name = "live_dispatchd"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / "services" / "live_dispatchd.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


live = _harness()


@pytest.fixture(scope="module")
def dispatchd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("dispatchd")
    server = live.Dispatchd(f"sqlite:///{folder / 'dispatch.sqlite3'}", folder / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def driver(dispatchd: Any) -> AsyncIterator[Any]:
    async with live.Driver(dispatchd.base_url) as made:
        await made.reset()
        yield made


@pytest.fixture
async def proxy(dispatchd: Any) -> AsyncIterator[Any]:
    proxied = live.LoopbackProxy(dispatchd.port)
    await proxied.start()
    yield proxied
    await proxied.close()
