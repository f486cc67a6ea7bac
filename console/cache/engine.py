"""Opening the cache database: where it lives, SQLite's settings, and what to do with a bad file.

The cache is SQLite in WAL mode by default, one file in the user's data directory, with a writer
engine and a reader engine set up by :mod:`console.sqlite_setup` (why they begin differently is
explained there).

A file the console cannot use is never deleted: it is renamed next to itself with the reason and
the time in its name (``cache.sqlite3.newer-20250603T140211``), a warning says where it went, and
a fresh cache is built, which the event sync then fills from the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import platformdirs
import sqlalchemy.dialects.sqlite.aiosqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from console.cache.migrations import CacheUnusable, stored_version, upgrade
from console.sqlite_setup import sqlite_engine

log = logging.getLogger("console.cache")

#: The default cache's dialect, imported with this module rather than by the first
#: ``create_engine`` (SQLAlchemy finds dialects lazily), which would stall the opening of the
#: cache on the event loop.
_LOADED_AHEAD: Final = (sqlalchemy.dialects.sqlite.aiosqlite,)

CACHE_FILE_NAME: Final = "cache.sqlite3"


class CacheUrlError(ValueError):
    """A cache URL of a kind the console cannot use."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """A cache file that was moved away instead of used."""

    original: Path
    moved_to: Path
    reason: str

    def message(self) -> str:
        return (
            f"The local cache {self.original} could not be used ({self.reason}); it was kept as "
            f"{self.moved_to.name} and a fresh cache is being filled from the server."
        )


@dataclass(frozen=True, slots=True)
class CacheEngines:
    url: URL
    writer: AsyncEngine
    reader: AsyncEngine

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def default_cache_url() -> str:
    """The cache file in the user's data directory (the directory is created when missing)."""
    folder = platformdirs.user_data_path("amk-console", appauthor=False)
    return f"sqlite+aiosqlite:///{folder / CACHE_FILE_NAME}"


def normalise_url(raw: str) -> URL:
    """Pin the async drivers; refuse an in-memory SQLite (each connection would see its own)."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise CacheUrlError(f"not a database URL: {raw!r}") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise CacheUrlError("an in-memory SQLite cache cannot be shared; give a file path")
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise CacheUrlError(f"unsupported cache database {backend!r}: use sqlite:///PATH")


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database).expanduser()


def create_engines(url: URL) -> CacheEngines:
    path = sqlite_path(url)
    if path is None:
        engine = create_async_engine(url, pool_size=5, pool_pre_ping=True)
        return CacheEngines(url, engine, engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One writer connection: the cache has one writer at a time by design.
    writer = sqlite_engine(url, writes=True, pool_size=1, max_overflow=2)
    reader = sqlite_engine(url, writes=False, pool_size=4, max_overflow=2)
    return CacheEngines(url, writer, reader)


async def prepare(engines: CacheEngines) -> int:
    """Check the file and bring its schema to the current version; its version before."""
    try:
        async with engines.writer.connect() as conn:
            if engines.is_sqlite:
                check = (await conn.exec_driver_sql("PRAGMA quick_check")).scalars().all()
                await conn.rollback()
                if check != ["ok"]:
                    raise CacheUnusable("corrupt", f"integrity check failed: {check[:3]}")
            version = await conn.run_sync(stored_version)
            await conn.rollback()
            await conn.run_sync(upgrade, version)
            return version
    except DBAPIError as exc:
        if engines.is_sqlite and _is_damage(exc):
            raise CacheUnusable("corrupt", f"the file is damaged ({exc.orig})") from exc
        raise


def _is_damage(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(
        marker in text
        for marker in ("not a database", "malformed", "disk image", "file is encrypted")
    )


def aside_path(path: Path, kind: str, now: Callable[[], datetime]) -> Path:
    """A free name beside the cache file for a copy of it: ``cache.sqlite3.<kind>-<time>``."""
    stamp = now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{kind}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{kind}-{stamp}-{counter}")
    return target


def set_aside(path: Path, kind: str, now: Callable[[], datetime]) -> Path:
    """Rename the cache file (and its WAL companions) out of the way; the new main path."""
    target = aside_path(path, kind, now)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target
