"""The cache's schema history: numbered upgrade steps, each run in its own transaction.

An older cache file is upgraded in place step by step (its events are worth keeping: they spare
a catch-up). A file this code cannot use, because a newer console wrote it or it is damaged or
not a cache at all, raises :class:`CacheUnusable`; the caller moves it aside and starts afresh.

A step creates its tables from the definitions in :mod:`console.cache.schema`, so each table is
written once. That holds while a table still has the shape the step's version released; the day
a later version changes a table, its released shape is written into the step that created it
and the new step alters it (tests/cache/test_migrations.py keeps the released shapes and fails
first). A step and the version bump commit together (SQLite and PostgreSQL both have
transactional DDL), so a crash during an upgrade leaves the file at the previous version.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Final

from sqlalchemy import Column, Connection, MetaData, String, Table, Text, inspect, select
from sqlalchemy.exc import DBAPIError

from console.cache.aed_register import encode_register
from console.cache.schema import (
    APPLICATION_ID,
    META_AED_ETAG,
    META_APPLICATION,
    META_LAST_SEQ,
    META_SCHEMA_VERSION,
    SCHEMA_VERSION,
    aed_register,
    aed_status,
    cache_meta,
    events,
    metadata,
    missions,
    outbox,
    responders,
)
from console.domain.model import Aed, ModelError

log = logging.getLogger("console.cache")


class CacheUnusable(Exception):
    """A cache file this console must not use; ``kind`` is ``newer`` or ``corrupt``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _create(conn: Connection, *tables: Table) -> None:
    metadata.create_all(conn, tables=list(tables))


def _step_1(conn: Connection) -> None:
    """Events, folded missions and the key/value table that holds the version and last seq."""
    _create(conn, cache_meta, events, missions)
    conn.execute(
        cache_meta.insert(),
        [
            {"key": META_APPLICATION, "value": APPLICATION_ID},
            {"key": META_LAST_SEQ, "value": "0"},
        ],
    )


#: The AED table as schema version 2 released it (one JSON document per AED); version 3 turned
#: it into columns.
_AEDS_V2 = Table(
    "aeds",
    MetaData(),
    Column("id", String(64), primary_key=True),
    Column("status", String(24), nullable=False),
    Column("doc", Text, nullable=False),
)


def _step_2(conn: Connection) -> None:
    """Responders as rows (filled from the folded missions), AEDs and the command outbox."""
    _create(conn, responders, outbox)
    _AEDS_V2.create(conn)
    rows = []
    for mission_id, doc in conn.execute(select(missions.c.id, missions.c.doc)):
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


def _step_3(conn: Connection) -> None:
    """The AED register as columns (read back three times faster at every start), with the
    statuses events changed apart; the version-2 rows are carried over."""
    _create(conn, aed_register, aed_status)
    register = []
    for (doc,) in conn.execute(select(_AEDS_V2.c.doc)):
        try:
            register.append(Aed.from_json(json.loads(doc)))
        except (ValueError, ModelError):
            # A damaged row: the register is fetched whole again (no ETag for a 304).
            conn.execute(cache_meta.delete().where(cache_meta.c.key == META_AED_ETAG))
    if register:
        conn.execute(
            aed_register.insert(),
            [{"name": name, "doc": doc} for name, doc in encode_register(register).items()],
        )
    _AEDS_V2.drop(conn)


#: Step N takes a file from version N-1 to N.
STEPS: Final[dict[int, Callable[[Connection], None]]] = {1: _step_1, 2: _step_2, 3: _step_3}
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
