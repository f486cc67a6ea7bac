"""``Idempotency-Key``: the same key (per user) and body answer the first response again.

The key is checked and stored inside the same locked transaction as the change it guards, so
ten identical requests sent at once serialise on the seq lock: the first does the work and
stores its response, the nine others find it and answer it again. Only 2xx responses are kept
(the contract): a failed request may be retried with its key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from console.server.dispatch_schema import idempotency_keys
from console.server.problems import ProblemError

#: The contract keeps keys "at least 24 h"; the cleanup job deletes older ones.
KEY_LIFETIME = timedelta(hours=48)
MAX_KEY_CHARS = 200


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    username: str
    key: str
    fingerprint: str

    @classmethod
    def of(
        cls, username: str, key: str | None, method: str, path: str, body: Any
    ) -> IdempotencyKey | None:
        """The key of a request, or None when it sent none.

        The fingerprint covers method, path and the parsed body in canonical form, so the same
        JSON with other spacing or key order is the same request, and reusing a key on another
        endpoint is a mismatch.
        """
        if key is None:
            return None
        if not key or len(key) > MAX_KEY_CHARS or not key.isprintable():
            raise ProblemError.of(
                "validation",
                f"Idempotency-Key must be 1–{MAX_KEY_CHARS} printable characters",
            )
        canonical = json.dumps(
            [method, path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return cls(username, key, digest)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: str


async def recall(conn: AsyncConnection, key: IdempotencyKey) -> StoredResponse | None:
    row = (
        await conn.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.username == key.username, idempotency_keys.c.key == key.key
            )
        )
    ).first()
    if row is None:
        return None
    if row.fingerprint != key.fingerprint:
        raise ProblemError.of(
            "idempotency-mismatch",
            "this Idempotency-Key was already used with another request body",
        )
    return StoredResponse(int(row.status_code), row.body)


async def remember(
    conn: AsyncConnection, key: IdempotencyKey, status: int, body: str, now: datetime
) -> None:
    await conn.execute(
        insert(idempotency_keys),
        [
            {
                "username": key.username,
                "key": key.key,
                "fingerprint": key.fingerprint,
                "status_code": status,
                "body": body,
                "created_at": now,
            }
        ],
    )


async def forget_older_than(conn: AsyncConnection, cutoff: datetime) -> int:
    result = await conn.execute(
        delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)
    )
    return int(result.rowcount or 0)
