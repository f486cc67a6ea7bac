"""The security tables (users, tokens, login failures) on the service's one ``MetaData``.

Only the sha256 of a token is stored: a copy of the database (a backup, a support dump) then
holds nothing that can be replayed against the API. Login failures live here rather than in
memory so that every server process on one PostgreSQL database sees the same lock-out; a
username could otherwise be guessed five times per process.

Runners have no personal data here (DOMAIN.md, Privacy): a runner token carries only the
runner's contract id. A ``runner`` *user* (a real deployment's app login) is bound to one
runner id the same way.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from console.server.schema import UtcDateTime, metadata

#: The roles of the contract (dispatch-api.md, Roles); also checked by the database.
ROLE_NAMES: Final = ("dispatcher", "supervisor", "runner", "sim")

USERNAME_MAX_CHARS: Final = 64
RUNNER_ID_MAX_CHARS: Final = 64

_ROLE_CHECK = "role IN (" + ", ".join(f"'{name}'" for name in ROLE_NAMES) + ")"

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(USERNAME_MAX_CHARS), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    # Set only for role "runner": the one runner this account may act for.
    Column("runner_id", String(RUNNER_ID_MAX_CHARS), nullable=True),
    # argon2id PHC string ($argon2id$v=19$m=...$salt$hash): parameters travel with the hash.
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint(_ROLE_CHECK, name="role"),
    CheckConstraint("(role = 'runner') = (runner_id IS NOT NULL)", name="runner_binding"),
)

tokens = Table(
    "tokens",
    metadata,
    # Hex sha256 of the bearer token; the token itself is never stored.
    Column("token_hash", String(64), primary_key=True),
    # Null for a runner token the simulator issued: such a token belongs to no user account.
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("role", String(16), nullable=False),
    Column("runner_id", String(RUNNER_ID_MAX_CHARS), nullable=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime(), nullable=False),
    # The absolute end of the token's life; the idle timeout is counted from last_used_at.
    Column("expires_at", UtcDateTime(), nullable=False),
    CheckConstraint(_ROLE_CHECK, name="role"),
    CheckConstraint("user_id IS NOT NULL OR runner_id IS NOT NULL", name="owner"),
    Index("ix_tokens_user_id", "user_id"),
    Index("ix_tokens_expires_at", "expires_at"),
)

login_failures = Table(
    "login_failures",
    metadata,
    # Keyed by the username as typed (when well-formed), existing or not: a lock-out must look
    # the same for unknown names, or it would tell an attacker which accounts exist.
    Column("username", String(USERNAME_MAX_CHARS), primary_key=True),
    # Consecutive failures since the last success or the end of the last lock.
    Column("failures", Integer, nullable=False),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("last_failure_at", UtcDateTime(), nullable=False),
)
