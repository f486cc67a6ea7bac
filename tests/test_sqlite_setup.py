"""The shared SQLite engine set-up: WAL, a writer that locks at its first read, a free reader."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from console.sqlite_setup import SQLITE_BUSY_TIMEOUT_MS, sqlite_engine

MakeEngine = Callable[..., AsyncEngine]


@pytest.fixture
async def make_engine(tmp_path: Path) -> AsyncIterator[MakeEngine]:
    url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    made: list[AsyncEngine] = []

    def make(**options: bool) -> AsyncEngine:
        engine = sqlite_engine(url, pool_size=1, max_overflow=0, **options)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.dispose()


def _other_writer_can_start(path: Path) -> bool:
    """Whether another process's writer gets the lock now (it does not wait for it)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    finally:
        other.close()


@pytest.mark.parametrize("foreign_keys", [False, True])
async def test_every_connection_gets_the_pragmas(
    make_engine: MakeEngine, foreign_keys: bool
) -> None:
    engine = make_engine(writes=True, foreign_keys=foreign_keys)
    async with engine.connect() as conn:
        found = [
            (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        ]
    assert found == ["wal", 1, SQLITE_BUSY_TIMEOUT_MS, int(foreign_keys)]


async def test_a_writer_holds_the_write_lock_from_its_first_read(
    make_engine: MakeEngine, tmp_path: Path
) -> None:
    engine = make_engine(writes=True)
    async with engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
        assert not _other_writer_can_start(tmp_path / "db.sqlite3")
    assert _other_writer_can_start(tmp_path / "db.sqlite3")


async def test_a_reader_never_takes_the_write_lock(make_engine: MakeEngine, tmp_path: Path) -> None:
    writer = make_engine(writes=True)
    async with writer.begin() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
    reader = make_engine(writes=False)
    async with reader.begin() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
        assert _other_writer_can_start(tmp_path / "db.sqlite3")
