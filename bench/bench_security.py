"""What security costs a request: argon2 per login, token resolution per authenticated call.

Figures are medians of 5 runs. Token resolution is measured with the in-memory principal cache
(the hot path of ``PUT /v1/runner/position``) and without it (a database read per call), on
SQLite and, when it answers, on the PostgreSQL server at 127.0.0.1:5432.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from console.server.schema import metadata
from console.server.security import (
    Role,
    Security,
    SecurityConfig,
    create_user,
    default_password_hasher,
)
from console.server.security_schema import login_failures, tokens, users

RUNS = 5
CALLS = 500
PG_URL = os.environ.get("AMK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _median_of_runs(run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(RUNS))


def bench_argon2() -> None:
    for hasher, label in (
        (default_password_hasher(), "service"),
        (PasswordHasher(), "argon2-cffi default"),
    ):
        _bench_hasher(hasher, label)


def _bench_hasher(hasher: PasswordHasher, label: str) -> None:
    stored = hasher.hash("correct horse battery")

    def hash_once() -> float:
        started = time.perf_counter()
        hasher.hash("correct horse battery")
        return time.perf_counter() - started

    def verify_once() -> float:
        started = time.perf_counter()
        hasher.verify(stored, "correct horse battery")
        return time.perf_counter() - started

    print(
        f"argon2id {label} (t={hasher.time_cost}, m={hasher.memory_cost // 1024} MiB, "
        f"p={hasher.parallelism}): hash {_median_of_runs(hash_once) * 1000:.1f} ms, "
        f"verify {_median_of_runs(verify_once) * 1000:.1f} ms (median of {RUNS})"
    )


async def _token_resolution(label: str, engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all, tables=[users, tokens, login_failures])
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    async with engine.begin() as conn:
        await create_user(
            conn, "bench-runner", Role.RUNNER, "password", runner_id="r1", hasher=cheap
        )
    for cache_s, name in ((5.0, "cache hit"), (0.0, "database read")):
        config = SecurityConfig(principal_cache_ttl=timedelta(seconds=cache_s))
        security = Security(engine, config=config, hasher=cheap)
        issued = await security.login("bench-runner", "password", "127.0.0.1")
        token = issued.access_token

        runs = [await _per_call(security, token) for _ in range(RUNS)]
        print(f"{label}: authenticate, {name}: {statistics.median(runs) * 1e6:.0f} µs per call")


async def _per_call(security: Security, token: str) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        await security.authenticate(token)
    return (time.perf_counter() - started) / CALLS


async def bench_tokens() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            await _token_resolution("SQLite", engine)
        finally:
            await engine.dispose()

    schema = f"bench_sec_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no PostgreSQL here: report it and carry on
        print(f"PostgreSQL: skipped ({type(exc).__name__})")
        await admin.dispose()
        return
    engine = create_async_engine(PG_URL, connect_args={"options": f"-c search_path={schema}"})
    try:
        await _token_resolution("PostgreSQL", engine)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def main() -> None:
    print(f"cores: {os.cpu_count()}")
    bench_argon2()
    asyncio.run(bench_tokens())


if __name__ == "__main__":
    main()
