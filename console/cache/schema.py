"""The cache's tables as the code queries them (schema version :data:`SCHEMA_VERSION`).

The upgrade steps in :mod:`console.cache.migrations` create these tables, each step those its
version added; a table that changes after its release keeps its old shape in that step.

``events`` is the truth the cache holds: every event it was sent, once (the seq is the primary
key), including those it could not use (``problem`` says why), so the position in the server's
log moves past them and they are not fetched again on every reconnect. ``missions`` holds each
mission as :func:`console.domain.fold.apply` left it after its last event, written in the same
transaction as the events, so the console never folds on a read. ``responders`` repeats the
fields that cross-mission questions need (which runners are already out on an open mission).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION: Final = 3

#: SQLite only makes ``INTEGER PRIMARY KEY`` the fast rowid; elsewhere a seq needs 64 bits.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

cache_meta = Table(
    "cache_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("mission_id", String(64), nullable=True),
    Column("data", Text, nullable=False),
    Column("problem", Text, nullable=True),
    Index("ix_events_mission_seq", "mission_id", "seq"),
)

missions = Table(
    "missions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("ended_at", String(32), nullable=True),
    Column("last_seq", SeqType, nullable=False),
    Column("doc", Text, nullable=False),
    Index("ix_missions_open_created", "is_open", "created_at"),
)

responders = Table(
    "responders",
    metadata,
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

#: The AED register as the server last sent it, one row per field: ``doc`` is that field of
#: every AED as one JSON array, in id order (:mod:`console.cache.aed_register`).
aed_register = Table(
    "aed_register",
    metadata,
    Column("name", String(24), primary_key=True),
    Column("doc", Text, nullable=False),
)

#: AED statuses that ``aed.status`` events brought since the register was stored; cleared when
#: a new register is stored (the server's list carries every status).
aed_status = Table(
    "aed_status",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("status", String(24), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
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

#: Keys of ``cache_meta``.
META_SCHEMA_VERSION: Final = "schema_version"
META_LAST_SEQ: Final = "last_seq"
META_AED_ETAG: Final = "aed_etag"
META_APPLICATION: Final = "application"
APPLICATION_ID: Final = "amk-console cache"
