"""Fixtures for a console cache in a temporary file (a pytest plugin, see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.cache.store import Cache


@pytest.fixture
def cache_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cache.sqlite3'}"


@pytest.fixture
async def cache(cache_url: str) -> AsyncIterator[Cache]:
    opened = await Cache.open(cache_url)
    yield opened
    await opened.close()
