"""The dispatch service's own tables, on the shared ``MetaData`` of :mod:`console.server.schema`.

The event log is the truth: ``events`` holds every contract event with its server-wide ``seq``.
``missions.doc`` is the Mission JSON that :func:`console.domain.fold.apply` produced from those
events, written in the same transaction, so a read never folds; ``last_seq`` is the seq of the
last event folded in, which lets a process cache parsed open missions and reload only the ones
that moved.

``counters`` has one row per counter; the ``seq`` row is locked by every writing transaction
(``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so writers commit in
seq order and a reader never sees seq N+1 before N.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from console.server.schema import UtcDateTime, metadata

counters = Table(
    "counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

server_meta = Table(
    "server_meta",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("mission_id", String(40), nullable=True),
    Column("data", Text, nullable=False),
    Index("ix_events_mission_id_seq", "mission_id", "seq"),
)

missions = Table(
    "missions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("created_seq", BigInteger, nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("doc", Text, nullable=False),
    Index("ix_missions_state_created_seq", "state", "created_seq"),
)

runners = Table(
    "runners",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("alias", String(64), nullable=False),
    # A runner's position is deleted (NULL) 72 h after its last update: privacy policy.
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("position_at", UtcDateTime, nullable=True, index=True),
    Column("mode", String(8), nullable=False),
)

aeds = Table(
    "aeds",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("address", String(200), nullable=False),
    Column("access", String(8), nullable=False),
    Column("opening_hours", String(200), nullable=True),
    Column("status", String(16), nullable=False),
    Column("status_at", UtcDateTime, nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("mission_id", String(40), ForeignKey("missions.id"), nullable=False, index=True),
    Column("runner_id", String(64), nullable=True),
    Column("text", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("by", String(64), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)
