"""The cache's schema history: numbered upgrade steps, each run in its own transaction.

An older cache file is upgraded in place step by step (its events are worth keeping: they spare
a catch-up). A file this code cannot use, because a newer console wrote it or it is damaged or
not a cache at all, raises :class:`CacheUnusable`; the caller moves it aside and starts afresh.

Each step's tables are written out here as they were at that version and never edited later:
the current definitions in :mod:`console.cache.schema` may change, history may not. A step and
the version bump commit together (SQLite and PostgreSQL both have transactional DDL), so a crash
during an upgrade leaves the file at the previous version, not half-way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
)
from sqlalchemy.exc import DBAPIError

from console.cache.schema import (
    APPLICATION_ID,
    META_APPLICATION,
    META_LAST_SEQ,
    META_SCHEMA_VERSION,
    SCHEMA_VERSION,
    cache_meta,
)

log = logging.getLogger("console.cache")


class CacheUnusable(Exception):
    """A cache file this console must not use; ``kind`` is ``newer`` or ``corrupt``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _seq() -> BigInteger:
    return BigInteger().with_variant(Integer(), "sqlite")


# --------------------------------------------------------------------------- version 1


def _step_1(conn: Connection) -> None:
    """Events, folded missions and the key/value table that holds the version and last seq."""
    md = MetaData()
    Table(
        "cache_meta",
        md,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
    )
    Table(
        "events",
        md,
        Column("seq", _seq(), primary_key=True, autoincrement=False),
        Column("type", String(64), nullable=False),
        Column("at", String(32), nullable=False),
        Column("mission_id", String(64), nullable=True),
        Column("data", Text, nullable=False),
        Column("problem", Text, nullable=True),
        Index("ix_events_mission_seq", "mission_id", "seq"),
    )
    Table(
        "missions",
        md,
        Column("id", String(64), primary_key=True),
        Column("state", String(16), nullable=False),
        Column("is_open", Boolean, nullable=False),
        Column("created_at", String(32), nullable=False),
        Column("ended_at", String(32), nullable=True),
        Column("last_seq", _seq(), nullable=False),
        Column("doc", Text, nullable=False),
        Index("ix_missions_open_created", "is_open", "created_at"),
    )
    md.create_all(conn)
    conn.execute(
        cache_meta.insert(),
        [
            {"key": META_APPLICATION, "value": APPLICATION_ID},
            {"key": META_LAST_SEQ, "value": "0"},
        ],
    )


# --------------------------------------------------------------------------- version 2


def _step_2(conn: Connection) -> None:
    """Responders as rows (filled from the folded missions), AEDs and the command outbox."""
    md = MetaData()
    responders = Table(
        "responders",
        md,
        Column("mission_id", String(64), primary_key=True),
        Column("runner_id", String(64), primary_key=True),
        Column("rank", Integer, nullable=False),
        Column("state", String(24), nullable=False),
        Column("task_kind", String(24), nullable=True),
        Column("aed_id", String(64), nullable=True),
        Column("lat", Float, nullable=False),
        Column("lon", Float, nullable=False),
        Index("ix_responders_runner", "runner_id"),
    )
    Table(
        "aeds",
        md,
        Column("id", String(64), primary_key=True),
        Column("status", String(24), nullable=False),
        Column("doc", Text, nullable=False),
    )
    Table(
        "outbox",
        md,
        Column("key", String(64), primary_key=True),
        Column("kind", String(24), nullable=False),
        Column("mission_id", String(64), nullable=True),
        Column("body", Text, nullable=False),
        Column("state", String(16), nullable=False),
        Column("reason", Text, nullable=True),
        Column("created_at", String(32), nullable=False),
        Column("updated_at", String(32), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("result", Text, nullable=True),
        Index("ix_outbox_state", "state"),
    )
    md.create_all(conn)
    missions_v1 = Table("missions", MetaData(), Column("id", String), Column("doc", Text))
    rows = []
    for mission_id, doc in conn.execute(select(missions_v1.c.id, missions_v1.c.doc)):
        for responder in json.loads(doc).get("responders", []):
            task = responder.get("task") or {}
            rows.append(
                {
                    "mission_id": mission_id,
                    "runner_id": responder["runner_id"],
                    "rank": responder["rank"],
                    "state": responder["state"],
                    "task_kind": task.get("kind"),
                    "aed_id": task.get("aed_id"),
                    "lat": responder["position"]["lat"],
                    "lon": responder["position"]["lon"],
                }
            )
    if rows:
        conn.execute(responders.insert(), rows)


#: Step N takes a file from version N-1 to N.
STEPS: Final[dict[int, Callable[[Connection], None]]] = {1: _step_1, 2: _step_2}
assert sorted(STEPS) == list(range(1, SCHEMA_VERSION + 1)), "one step per schema version"


def stored_version(conn: Connection) -> int:
    """The file's schema version: 0 for an empty file; :class:`CacheUnusable` for a stranger."""
    try:
        tables = set(inspect(conn).get_table_names())
    except DBAPIError as exc:
        raise CacheUnusable(
            "corrupt", f"the file cannot be read as a database ({exc.orig})"
        ) from exc
    if not tables:
        return 0
    if "cache_meta" not in tables:
        raise CacheUnusable(
            "corrupt", f"the file is a database but not a console cache (tables: {sorted(tables)})"
        )
    rows = {key: value for key, value in conn.execute(select(cache_meta.c.key, cache_meta.c.value))}
    if rows.get(META_APPLICATION) != APPLICATION_ID:
        raise CacheUnusable("corrupt", "the file's cache_meta does not name an AMK console cache")
    raw = rows.get(META_SCHEMA_VERSION, "1")
    if not raw.isdigit():
        raise CacheUnusable("corrupt", f"unreadable schema version {raw!r}")
    return int(raw)


def upgrade(conn: Connection, from_version: int) -> int:
    """Run the steps after ``from_version``, each committed with its version; the new version."""
    if from_version > SCHEMA_VERSION:
        raise CacheUnusable(
            "newer",
            f"the cache has schema version {from_version}, newer than this console's "
            f"{SCHEMA_VERSION} (written by a newer console)",
        )
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        with conn.begin():
            STEPS[version](conn)
            _set_version(conn, version)
        if from_version:
            log.info("cache upgraded to schema version %d", version)
    return SCHEMA_VERSION


def _set_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        cache_meta.update()
        .where(cache_meta.c.key == META_SCHEMA_VERSION)
        .values(value=str(version))
    )
    if updated.rowcount == 0:
        conn.execute(cache_meta.insert().values(key=META_SCHEMA_VERSION, value=str(version)))
