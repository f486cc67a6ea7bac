"""The outbox: every raise, cancel, close, alert-more and message, on disk before it is sent.

A command is written here (with the ``Idempotency-Key`` it will carry) and committed *before*
the first byte goes to the server, so no crash can lose an alert the dispatcher raised: after a
restart it is still listed. What happens to it is the sender's business
(:mod:`console.services.outbox_sender`); this module only records states:

- ``sending``: written, not yet confirmed by the server;
- ``sent``: the server answered 2xx (``result`` holds its answer);
- ``failed``: given up, with the reason; only the dispatcher sends it again (same key);
- ``dismissed``: a failed command the dispatcher set aside (handled another way): never sent,
  never offered for retry again, not even after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from console.api.commands import Command, CommandKind
from console.cache import schema as s
from console.cache.store import Cache
from console.domain.timefmt import format_time, parse_time


class OutboxError(LookupError):
    """An outbox operation on a command that does not exist or is in the wrong state."""


class OutboxState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DISMISSED = "dismissed"

    @property
    def is_open(self) -> bool:
        """Still the dispatcher's business: in flight, or failed and not set aside."""
        return self in (OutboxState.SENDING, OutboxState.FAILED)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    key: str
    command: Command
    state: OutboxState
    reason: str | None
    created_at: datetime
    updated_at: datetime
    attempts: int
    result: dict[str, Any] | None

    @property
    def status_text(self) -> str:
        """What the dispatcher reads: ``sending``, ``sent``, ``failed: <reason>`` or
        ``dismissed (not sent): <reason>``."""
        if self.state is OutboxState.FAILED:
            return f"failed: {self.reason or 'unknown reason'}"
        if self.state is OutboxState.DISMISSED:
            return f"dismissed (not sent): {self.reason or 'unknown reason'}"
        return self.state.value

    @property
    def mission_id(self) -> str | None:
        """The mission the command is about; for a sent raise, the mission it created."""
        if self.command.mission_id is not None:
            return self.command.mission_id
        if self.result is not None and isinstance(self.result.get("id"), str):
            return str(self.result["id"])
        return None


class OutboxStore:
    """The outbox table of a :class:`Cache`."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    async def add(self, command: Command, key: str) -> OutboxEntry:
        """Write a new command as ``sending``; committed when this returns."""
        now = format_time(self._cache.now())
        row = {
            "key": key,
            "kind": command.kind.value,
            "mission_id": command.mission_id,
            "body": command.body_json(),
            "state": OutboxState.SENDING.value,
            "reason": None,
            "created_at": now,
            "updated_at": now,
            "attempts": 0,
            "result": None,
        }
        async with self._cache.writing() as conn:
            existing = await conn.execute(select(s.outbox.c.key).where(s.outbox.c.key == key))
            if existing.first() is not None:
                raise OutboxError(f"idempotency key {key} is already in the outbox")
            await conn.execute(s.outbox.insert().values(**row))
        return _entry(row)

    async def get(self, key: str) -> OutboxEntry:
        async with self._cache.reading() as conn:
            return _entry(await _row(conn, key))

    async def entries(self, *, include_sent: bool = True) -> list[OutboxEntry]:
        """The outbox, oldest first; without ``include_sent``, only the open commands (sending
        or failed: not the sent ones, nor the failed ones the dispatcher dismissed)."""
        query = select(s.outbox).order_by(s.outbox.c.created_at, s.outbox.c.key)
        if not include_sent:
            open_states = [state.value for state in OutboxState if state.is_open]
            query = query.where(s.outbox.c.state.in_(open_states))
        async with self._cache.reading() as conn:
            return [_entry(row) for row in (await conn.execute(query)).mappings()]

    async def record_attempt(self, key: str) -> OutboxEntry:
        return await self._change(key, {OutboxState.SENDING}, attempts=1)

    async def mark_sent(self, key: str, result: dict[str, Any]) -> OutboxEntry:
        return await self._change(
            key, {OutboxState.SENDING}, state=OutboxState.SENT, reason=None, result=result
        )

    async def mark_failed(self, key: str, reason: str) -> OutboxEntry:
        return await self._change(
            key, {OutboxState.SENDING}, state=OutboxState.FAILED, reason=reason
        )

    async def mark_dismissed(self, key: str) -> OutboxEntry:
        """The dispatcher sets a failed command aside; its reason for failing is kept."""
        return await self._change(
            key, {OutboxState.FAILED}, state=OutboxState.DISMISSED, keep_reason=True
        )

    async def mark_retry(self, key: str) -> OutboxEntry:
        """The dispatcher sends a failed command again: back to ``sending``, same key."""
        return await self._change(key, {OutboxState.FAILED}, state=OutboxState.SENDING, reason=None)

    async def fail_interrupted(self, reason: str) -> list[OutboxEntry]:
        """At start-up: every command left ``sending`` by a previous run becomes ``failed``.

        The console must never resend on its own after a restart: the dispatcher may have
        handled the call another way in the meantime (by phone, on another console).
        """
        now = format_time(self._cache.now())
        async with self._cache.writing() as conn:
            rows = (
                (
                    await conn.execute(
                        select(s.outbox).where(s.outbox.c.state == OutboxState.SENDING.value)
                    )
                )
                .mappings()
                .all()
            )
            if rows:
                await conn.execute(
                    update(s.outbox)
                    .where(s.outbox.c.state == OutboxState.SENDING.value)
                    .values(state=OutboxState.FAILED.value, reason=reason, updated_at=now)
                )
        return [
            _entry({**row, "state": OutboxState.FAILED.value, "reason": reason, "updated_at": now})
            for row in rows
        ]

    async def _change(
        self,
        key: str,
        allowed_from: set[OutboxState],
        *,
        state: OutboxState | None = None,
        reason: str | None = None,
        keep_reason: bool = False,
        result: dict[str, Any] | None = None,
        attempts: int = 0,
    ) -> OutboxEntry:
        async with self._cache.writing() as conn:
            row = await _row(conn, key)
            current = OutboxState(row["state"])
            if current not in allowed_from:
                raise OutboxError(f"command {key} is {current.value}; cannot change it that way")
            now = format_time(self._cache.now())
            values: dict[str, Any] = {"updated_at": now, "attempts": row["attempts"] + attempts}
            if state is not None:
                values["state"] = state.value
                values["reason"] = row["reason"] if keep_reason else reason
            if result is not None:
                values["result"] = json.dumps(result, separators=(",", ":"))
            await conn.execute(update(s.outbox).where(s.outbox.c.key == key).values(**values))
        return _entry({**row, **values})


async def _row(conn: AsyncConnection, key: str) -> RowMapping:
    row = (await conn.execute(select(s.outbox).where(s.outbox.c.key == key))).mappings().first()
    if row is None:
        raise OutboxError(f"no command with key {key} in the outbox")
    return row


def _entry(row: Any) -> OutboxEntry:
    body = json.loads(row["body"])
    command = Command(CommandKind(row["kind"]), row["mission_id"], body)
    result = row["result"]
    return OutboxEntry(
        key=row["key"],
        command=command,
        state=OutboxState(row["state"]),
        reason=row["reason"],
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        attempts=row["attempts"],
        result=None if result is None else json.loads(result),
    )
