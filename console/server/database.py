"""Opening the service's database: SQLite (WAL) embedded by default, PostgreSQL for real.

Two engines are kept. ``writer`` runs the transactions that change state; on SQLite each one
starts with ``BEGIN IMMEDIATE`` so it holds the database's write lock from its first read (the
Python driver would otherwise start the transaction only at the first write, after the rule
checks had read stale data). ``reader`` serves the read-only calls with plain ``BEGIN``, which
under WAL never waits for a writer. On PostgreSQL both are the same engine: row locks do the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

#: How long a SQLite writer waits for another process's write lock before giving up, ms.
SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseUrlError(ValueError):
    """A ``--db`` URL of a kind the service does not support."""


def default_database_url() -> str:
    """The embedded database in the user's data directory (created when missing)."""
    folder = Path(platformdirs.user_data_dir("amk-dispatchd", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'dispatch.sqlite3'}"


def normalise_url(raw: str) -> URL:
    """Accept the short forms people type and pin the async drivers the service ships with."""
    try:
        url = make_url(raw)
    except Exception as exc:  # SQLAlchemy raises ArgumentError for any unparsable URL
        raise DatabaseUrlError(f"not a database URL: {raw!r}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise DatabaseUrlError(
                "an in-memory SQLite database cannot be shared by connections; give a file path"
            )
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise DatabaseUrlError(
        f"unsupported database {backend!r}: use sqlite:///PATH or postgresql+psycopg://..."
    )


@dataclass(frozen=True)
class Database:
    url: URL
    writer: AsyncEngine
    reader: AsyncEngine
    #: PostgreSQL only: autocommit connections for single-statement writes (runner positions),
    #: which need neither a BEGIN nor a ROLLBACK when the connection goes back to the pool.
    autocommit: AsyncEngine | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    def libpq_conninfo(self) -> str:
        """The URL as psycopg's own connect() takes it (for the LISTEN connection)."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
        if self.autocommit is not None:
            await self.autocommit.dispose()


def open_database(raw_url: str) -> Database:
    url = normalise_url(raw_url)
    if url.get_backend_name() == "postgresql":
        # No pre-ping: it would add a round trip to every request; a dropped connection fails
        # one request, and the pool then replaces it. Connections beyond the pool size are
        # closed on return, so the pool is sized for a busy server's concurrency (reconnecting
        # costs more than the request).
        engine = create_async_engine(url, pool_size=30, max_overflow=30, pool_recycle=1800)
        autocommit = create_async_engine(
            url,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            pool_size=20,
            max_overflow=20,
            pool_recycle=1800,
        )
        return Database(url=url, writer=engine, reader=engine, autocommit=autocommit)
    if url.database:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE")
    reader = _sqlite_engine(url, begin="BEGIN")
    return Database(url=url, writer=writer, reader=reader)


def _sqlite_engine(url: URL, *, begin: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=5, max_overflow=10)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver, so "begin" below decides how it starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
