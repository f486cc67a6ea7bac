"""Schema versions: a fresh file is current, an old one is upgraded, a bad one is set aside."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from cache_event_log import EventLog
from sqlalchemy import create_engine, inspect, text

from console.cache import schema
from console.cache.engine import CacheUrlError, default_cache_url, normalise_url
from console.cache.migrations import STEPS, _set_version
from console.cache.store import Cache
from console.domain.fold import fold
from console.domain.model import Aed, AedAccess, AedStatus


def _columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: {column["name"] for column in inspector.get_columns(table)}
            for table in inspector.get_table_names()
        }
    finally:
        engine.dispose()


async def test_a_fresh_cache_has_exactly_the_current_schema(cache_url: str) -> None:
    cache = await Cache.open(cache_url)
    await cache.close()
    expected = {
        table.name: {c.name for c in table.columns} for table in schema.metadata.sorted_tables
    }
    assert _columns(cache_url) == expected
    with sqlite3.connect(cache_url.removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT value FROM cache_meta WHERE key='schema_version'").fetchone() == (
            str(schema.SCHEMA_VERSION),
        )


#: The columns of the tables each schema version released, as cache files in the field hold them.
#: The steps build their tables from console/cache/schema.py; this is the history they must keep.
RELEASED: dict[int, dict[str, set[str]]] = {
    1: {
        "cache_meta": {"key", "value"},
        "events": {"seq", "type", "at", "mission_id", "data", "problem"},
        "missions": {"id", "state", "is_open", "created_at", "ended_at", "last_seq", "doc"},
    },
}
RELEASED[2] = {
    **RELEASED[1],
    "responders": {"mission_id", "runner_id", "rank", "state", "task_kind", "aed_id", "lat", "lon"},
    "aeds": {"id", "status", "doc"},
    "outbox": {
        "key", "kind", "mission_id", "body", "state", "reason", "created_at", "updated_at",
        "attempts", "result",
    },
}  # fmt: skip
RELEASED[3] = {
    **{table: columns for table, columns in RELEASED[2].items() if table != "aeds"},
    "aed_register": {"name", "doc"},
    "aed_status": {"id", "status"},
}


def test_each_step_builds_the_tables_its_version_released(cache_url: str) -> None:
    assert sorted(RELEASED) == sorted(STEPS), "a new schema version needs its released tables here"
    engine = create_engine(cache_url)
    try:
        for version in sorted(STEPS):
            with engine.begin() as conn:
                STEPS[version](conn)
            assert _columns(cache_url) == RELEASED[version], f"schema version {version}"
    finally:
        engine.dispose()


def _version_1_file(url: str, log: EventLog) -> None:
    """A cache as the first console version left it: events and folded missions only."""
    engine = create_engine(url)
    with engine.begin() as conn:
        STEPS[1](conn)
        _set_version(conn, 1)
        rows = [
            {
                "seq": e.seq,
                "type": e.type.value,
                "at": e.at.isoformat().replace("+00:00", "Z"),
                "mission_id": e.mission_id,
                "data": json.dumps(dict(e.data)),
                "problem": None,
            }
            for e in log.events
        ]
        conn.execute(schema.events.insert(), rows)
        mission = fold(log.events)
        conn.execute(
            schema.missions.insert().values(
                id=mission.id,
                state=mission.state.value,
                is_open=True,
                created_at="2025-06-03T14:02:12.250Z",
                ended_at=None,
                last_seq=log.seq,
                doc=json.dumps(mission.to_json()),
            )
        )
        conn.execute(
            schema.cache_meta.update()
            .where(schema.cache_meta.c.key == "last_seq")
            .values(value=str(log.seq))
        )
    engine.dispose()


async def test_a_version_1_cache_is_upgraded_and_keeps_its_events(
    cache_url: str, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    _version_1_file(cache_url, event_log)

    cache = await Cache.open(cache_url)
    try:
        assert cache.upgraded_from == 1
        assert cache.set_aside is None
        assert await cache.last_seq() == event_log.seq
        assert await cache.mission("m-1") == fold(event_log.events)
        # The upgrade step filled the new responders table from the folded missions.
        assert await cache.busy_runner_ids() == {"m-1-r1"}
        assert await cache.aeds() == []
    finally:
        await cache.close()


def _version_2_aeds(url: str, register: list[Aed], damaged: bool = False) -> None:
    """A cache as version 2 left it: one JSON document per AED (and the register's ETag)."""
    engine = create_engine(url)
    try:
        for version in (1, 2):
            with engine.begin() as conn:
                STEPS[version](conn)
                _set_version(conn, version)
        with engine.begin() as conn:
            rows = [
                {"id": a.id, "status": a.status.value, "doc": json.dumps(a.to_json())}
                for a in register
            ]
            if damaged:
                rows[0]["doc"] = '{"id": "aed-1"'
            insert = text("INSERT INTO aeds (id, status, doc) VALUES (:id, :status, :doc)")
            conn.execute(insert, rows)
            conn.execute(schema.cache_meta.insert().values(key=schema.META_AED_ETAG, value='"v2"'))
    finally:
        engine.dispose()


def _aeds(n: int) -> list[Aed]:
    return [
        Aed(f"aed-{i}", 55.0 + i / 10, 12.0, f"Vej {i}", AedAccess.ALWAYS, None, AedStatus.TAKEN)
        for i in range(1, n + 1)
    ]


async def test_a_version_2_register_is_carried_into_columns(cache_url: str) -> None:
    _version_2_aeds(cache_url, _aeds(3))
    cache = await Cache.open(cache_url)
    try:
        assert cache.upgraded_from == 2
        assert await cache.aeds() == _aeds(3)
        assert await cache.aed_etag() == '"v2"'
    finally:
        await cache.close()
    assert "aeds" not in _columns(cache_url)


async def test_a_damaged_version_2_register_drops_its_etag_so_it_is_fetched_whole(
    cache_url: str,
) -> None:
    _version_2_aeds(cache_url, _aeds(3), damaged=True)
    cache = await Cache.open(cache_url)
    try:
        assert await cache.aeds() == _aeds(3)[1:]
        assert await cache.aed_etag() is None
    finally:
        await cache.close()


def _set_schema_version(url: str, version: str) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE cache_meta SET value=? WHERE key='schema_version'", (version,))


@pytest.mark.allow_log_warnings
async def test_a_newer_cache_is_set_aside_never_deleted(
    cache_url: str, event_log: EventLog, caplog: pytest.LogCaptureFixture
) -> None:
    event_log.mission("m-1")
    first = await Cache.open(cache_url)
    await first.ingest(event_log.events)
    await first.close()
    _set_schema_version(cache_url, "99")

    cache = await Cache.open(cache_url)
    try:
        notice = cache.set_aside
        assert notice is not None
        newer = f"schema version 99, newer than this console's {schema.SCHEMA_VERSION}"
        assert newer in notice.reason
        assert notice.moved_to.name.startswith("cache.sqlite3.newer-")
        assert await cache.last_seq() == 0
        assert await cache.event_count() == 0
    finally:
        await cache.close()
    with sqlite3.connect(notice.moved_to) as kept:
        assert kept.execute("SELECT count(*) FROM events").fetchone() == (event_log.seq,)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [notice.message()]
    assert "a fresh cache is being filled from the server" in warnings[0]


@pytest.mark.allow_log_warnings
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is not a database, it is a note" * 200, "damaged"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged"),
    ],
)
async def test_a_damaged_file_is_set_aside(
    tmp_path: Path, content: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(content)
    cache = await Cache.open(f"sqlite:///{path}")
    try:
        assert cache.set_aside is not None
        assert reason in cache.set_aside.reason
        assert cache.set_aside.moved_to.read_bytes() == content
        assert cache.set_aside.moved_to.name.startswith("cache.sqlite3.corrupt-")
        assert await cache.last_seq() == 0
    finally:
        await cache.close()
    assert caplog.records


@pytest.mark.allow_log_warnings
async def test_another_programs_database_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    cache = await Cache.open(f"sqlite:///{path}")
    try:
        assert cache.set_aside is not None
        assert "not a console cache" in cache.set_aside.reason
    finally:
        await cache.close()
    with sqlite3.connect(cache.set_aside.moved_to) as kept:
        assert kept.execute("SELECT name FROM sqlite_master").fetchall() == [("recipes",)]


def test_the_default_cache_lives_in_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = default_cache_url()
    assert url == f"sqlite+aiosqlite:///{tmp_path / 'amk-console' / 'cache.sqlite3'}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("mysql://x/y", "unsupported cache database 'mysql'"),
        ("not a url", "not a database URL"),
    ],
)
def test_unusable_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(CacheUrlError, match=message):
        normalise_url(url)


def test_short_urls_get_the_async_drivers() -> None:
    assert normalise_url("sqlite:////tmp/c.db").drivername == "sqlite+aiosqlite"
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
