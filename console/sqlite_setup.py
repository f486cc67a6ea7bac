"""SQLite as both I/O layers use it: WAL, and each engine deciding how its transactions begin.

The console's cache (:mod:`console.cache.engine`) and the reference server's embedded database
(:mod:`console.server.database`) both keep two engines on one file. The writer's transactions
start with ``BEGIN IMMEDIATE``, so a write transaction holds the write lock from its first read:
the Python driver would otherwise begin only at the first write, after the reads it depends on,
and two writers could each decide on stale data. The reader's start with a plain ``BEGIN``,
which under WAL never waits for a writer. ``synchronous=NORMAL`` is WAL's durable-enough
setting (a power cut may lose the last commits, never corrupt the file).

Here, not in either layer, because both need exactly this and neither may import the other.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

#: How long a writer waits for another connection's (or process's) write lock before failing, ms.
SQLITE_BUSY_TIMEOUT_MS: Final = 10_000


def sqlite_engine(
    url: URL, *, writes: bool, pool_size: int, max_overflow: int, foreign_keys: bool = False
) -> AsyncEngine:
    """An engine on the SQLite file ``url`` whose transactions begin as a writer's or a reader's.

    ``foreign_keys`` turns SQLite's enforcement on (it is off per connection by default).
    """
    begin = "BEGIN IMMEDIATE" if writes else "BEGIN"
    pragmas = ["journal_mode=WAL", "synchronous=NORMAL"]
    if foreign_keys:
        pragmas.append("foreign_keys=ON")
    pragmas.append(f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver, so "begin" below decides how it starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
