"""A configured PostgreSQL URL works as the cache too (the same schema steps, no PRAGMAs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from cache_event_log import EventLog

from console.cache.store import Cache
from console.domain.fold import fold

pytestmark = pytest.mark.postgres

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"amk_cache_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_the_cache_on_postgresql(pg_url: str) -> None:
    log = EventLog()
    log.mission("m-1")
    log.mission("m-2", end="close")
    cache = await Cache.open(pg_url)
    try:
        result = await cache.ingest(log.events)
        assert result.problems == ()
        assert await cache.last_seq() == log.seq
        assert await cache.mission("m-2") == fold(e for e in log.events if e.mission_id == "m-2")
        assert [m.id for m in await cache.open_missions()] == ["m-1"]
        assert await cache.busy_runner_ids() == {"m-1-r1"}
        assert (await cache.ingest(log.events)).duplicates == log.seq
    finally:
        await cache.close()
    reopened = await Cache.open(pg_url)
    try:
        assert reopened.upgraded_from == 2
        assert await reopened.event_count() == log.seq
    finally:
        await reopened.close()
