"""A cache in a temporary file, and a builder of server-like event logs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cache_event_log import EventLog

from console.cache.store import Cache


@pytest.fixture
def event_log() -> EventLog:
    return EventLog()


@pytest.fixture
def cache_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cache.sqlite3'}"


@pytest.fixture
async def cache(cache_url: str) -> AsyncIterator[Cache]:
    opened = await Cache.open(cache_url)
    yield opened
    await opened.close()
