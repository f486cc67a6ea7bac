"""A configured PostgreSQL URL works as the cache too (the same schema steps, no PRAGMAs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cache_event_log import EventLog

from console.cache.schema import SCHEMA_VERSION
from console.cache.store import Cache
from console.domain.fold import fold
from console.domain.model import Aed, AedAccess, AedStatus
from tests.support.postgres import PgDatabase, postgres_available

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    database = PgDatabase.create("amk_cache")
    try:
        yield database.url
    finally:
        database.drop()


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
        register = [
            Aed(f"aed-{n}", 55.5 + n / 10, 10.5, f"Vej {n}", AedAccess.ALWAYS, None, status)
            for n, status in enumerate(AedStatus)
        ]
        await cache.replace_aeds(reversed(register), '"v1"')
        assert await cache.aeds() == register  # columns decoded in a thread
    finally:
        await cache.close()
    reopened = await Cache.open(pg_url)
    try:
        assert reopened.upgraded_from == SCHEMA_VERSION  # found current: nothing to upgrade
        assert await reopened.event_count() == log.seq
    finally:
        await reopened.close()
