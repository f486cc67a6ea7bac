"""Accounts, tokens, roles, login limits, body size and problem documents, end to end in-process.

Each test builds a small FastAPI app with the security router, the problem handlers, the body
limit and one protected route per role, on a fresh SQLite file, and drives it through httpx's
ASGI transport. Time is a fake clock, so expiry and lock-out are tested without sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from console.server.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES,
    ProblemError,
    install_problem_handlers,
    problem_responses,
)
from console.server.schema import metadata
from console.server.security import (
    DEMO_ACCOUNTS,
    MAX_BODY_BYTES,
    AddressThrottle,
    BodySizeLimitMiddleware,
    InvalidAccountError,
    Principal,
    Role,
    Security,
    SecurityConfig,
    UsernameTakenError,
    auth_router,
    create_user,
    current_principal,
    current_runner_id,
    ensure_demo_users,
    get_security,
    remove_demo_users,
    require_roles,
    token_digest,
    verify_password,
)
from console.server.security_schema import login_failures, tokens, users

SECURITY_TABLES = [users, tokens, login_failures]
START = datetime(2025, 6, 3, 14, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def cheap_hasher() -> PasswordHasher:
    """argon2id at its minimum cost: the production parameters would make tests take seconds."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


class EchoBody(BaseModel):
    count: int
    text: str = Field(max_length=10)


@dataclass
class Harness:
    app: FastAPI
    security: Security
    clock: FakeClock
    engine: AsyncEngine
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def client(self, address: str = "10.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(
            app=self.app, raise_app_exceptions=False, client=(address, 40000)
        )
        client = httpx.AsyncClient(transport=transport, base_url="http://dispatch.test")
        self.clients.append(client)
        return client

    async def add_user(self, username: str, role: Role, password: str = PASSWORD) -> str:
        runner_id = "r-user" if role is Role.RUNNER else None
        async with self.engine.begin() as conn:
            return await create_user(
                conn,
                username,
                role,
                password,
                runner_id=runner_id,
                hasher=self.security.hasher,
                clock=self.clock,
            )

    async def token_row(self, token: str) -> Any:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                select(tokens).where(tokens.c.token_hash == token_digest(token))
            )
            return result.first()


def build_app(security: Security) -> FastAPI:
    app = FastAPI()
    app.state.security = security
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware)
    app.include_router(auth_router)

    @app.get("/whoami")
    async def whoami(principal: Annotated[Principal, Depends(current_principal)]) -> dict[str, Any]:
        return {
            "user_id": principal.user_id,
            "username": principal.username,
            "role": principal.role.value,
            "runner_id": principal.runner_id,
            "subject": principal.subject,
        }

    @app.post("/dispatch")
    async def dispatch(
        principal: Annotated[Principal, Depends(require_roles(Role.DISPATCHER))],
    ) -> dict[str, str]:
        return {"by": principal.username}

    @app.get("/read")
    async def read(
        principal: Annotated[Principal, Depends(require_roles("dispatcher", "supervisor"))],
    ) -> dict[str, str]:
        return {"by": principal.username}

    @app.post("/sim/runners/{runner_id}/token")
    async def runner_token(
        runner_id: str,
        _: Annotated[Principal, Depends(require_roles(Role.SIM))],
        security: Annotated[Security, Depends(get_security)],
    ) -> dict[str, Any]:
        async with security.writer.begin() as conn:
            issued = await security.issue_runner_token(conn, runner_id)
        return issued.to_json()

    @app.get("/runner/me")
    async def runner_me(runner_id: Annotated[str, Depends(current_runner_id)]) -> dict[str, str]:
        return {"runner_id": runner_id}

    @app.post("/echo", responses=problem_responses(413, 422))
    async def echo(body: EchoBody) -> dict[str, Any]:
        return body.model_dump()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail: Nørrebrogade 12, st. tv.")

    @app.get("/too-far")
    async def too_far() -> None:
        raise ProblemError.of("too-far", "You are 5,412 m away.", extra={"distance_m": 5412.0})

    return app


async def make_engine(path: Path) -> AsyncEngine:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all, tables=SECURITY_TABLES)
    return engine


def make_harness(engine: AsyncEngine, clock: FakeClock, **config: Any) -> Harness:
    security = Security(engine, config=SecurityConfig(**config), clock=clock, hasher=cheap_hasher())
    return Harness(build_app(security), security, clock, engine)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await make_engine(tmp_path / "security.sqlite3")
    yield engine
    await engine.dispose()


@pytest.fixture
async def harness(engine: AsyncEngine) -> AsyncIterator[Harness]:
    h = make_harness(engine, FakeClock())
    yield h
    for client in h.clients:
        await client.aclose()


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/v1/auth/token", data={"username": username, "password": password})


async def token_for(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    response = await login(client, username, password)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    return body


# --- passwords and accounts ---------------------------------------------------------------


def test_argon2_hash_verifies_only_its_password() -> None:
    hasher = cheap_hasher()
    stored = hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(hasher, stored, PASSWORD)
    assert not verify_password(hasher, stored, PASSWORD + "!")
    assert hasher.hash(PASSWORD) != stored  # salted


@pytest.mark.allow_log_warnings
def test_corrupt_stored_hash_is_a_refusal_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    assert not verify_password(cheap_hasher(), "not-a-hash", PASSWORD)
    assert any(r.levelno == logging.ERROR for r in caplog.records)


async def test_create_user_stores_a_hash_and_checks_its_input(harness: Harness) -> None:
    user_id = await harness.add_user("dispatcher-1", Role.DISPATCHER)
    async with harness.engine.connect() as conn:
        row = (await conn.execute(select(users).where(users.c.id == user_id))).one()
    assert row.username == "dispatcher-1"
    assert row.role == "dispatcher"
    assert row.created_at == START
    assert verify_password(cheap_hasher(), row.password_hash, PASSWORD)

    with pytest.raises(UsernameTakenError, match="already taken"):
        await harness.add_user("dispatcher-1", Role.SUPERVISOR)
    for bad in ("", "a", "Upper", "with space", "-dash-first", "x" * 65, "ø-name"):
        with pytest.raises(InvalidAccountError, match="invalid username"):
            await harness.add_user(bad, Role.DISPATCHER)
    with pytest.raises(InvalidAccountError, match="at least 8"):
        await harness.add_user("short-pw", Role.DISPATCHER, password="1234567")
    async with harness.engine.begin() as conn:
        with pytest.raises(InvalidAccountError, match="unknown role"):
            await create_user(conn, "someone", "admin", PASSWORD, hasher=cheap_hasher())
        with pytest.raises(InvalidAccountError, match="needs the runner id"):
            await create_user(conn, "app-user", Role.RUNNER, PASSWORD, hasher=cheap_hasher())
        with pytest.raises(InvalidAccountError, match="only runner accounts"):
            await create_user(
                conn, "disp", Role.DISPATCHER, PASSWORD, runner_id="r1", hasher=cheap_hasher()
            )
        with pytest.raises(InvalidAccountError, match="empty"):
            await create_user(
                conn, "nopw", Role.SIM, "", allow_short_password=True, hasher=cheap_hasher()
            )
        # The explicit flag is the only way to a short password (the demo accounts' "demo").
        await create_user(
            conn, "short-ok", Role.SIM, "demo", allow_short_password=True, hasher=cheap_hasher()
        )


async def test_login_upgrades_a_hash_made_with_older_parameters(harness: Harness) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)
    async with harness.engine.begin() as conn:
        user_id = await create_user(conn, "veteran", Role.SUPERVISOR, PASSWORD, hasher=old)
    await token_for(harness.client(), "veteran")
    async with harness.engine.connect() as conn:
        stored = (
            await conn.execute(select(users.c.password_hash).where(users.c.id == user_id))
        ).scalar_one()
    assert not harness.security.hasher.check_needs_rehash(stored)
    assert old.check_needs_rehash(stored)
    assert verify_password(harness.security.hasher, stored, PASSWORD)


async def test_demo_users_follow_the_operators_password_and_vanish_without_simulation(
    harness: Harness,
) -> None:
    async with harness.engine.begin() as conn:
        created = await ensure_demo_users(conn, hasher=cheap_hasher(), clock=harness.clock)
    assert created == list(DEMO_ACCOUNTS)
    client = harness.client()
    for username, role in DEMO_ACCOUNTS.items():
        response = await login(client, username, "demo")
        assert response.status_code == 200
        assert response.json()["role"] == role.value
    old_token = await token_for(client, "demo-dispatcher", "demo")

    async with harness.engine.begin() as conn:
        unchanged = await ensure_demo_users(conn, "demo", hasher=cheap_hasher())
        changed = await ensure_demo_users(conn, "ny-kode", hasher=cheap_hasher())
    assert unchanged == []
    assert changed == list(DEMO_ACCOUNTS)
    assert (await login(client, "demo-dispatcher", "demo")).status_code == 401
    assert (await login(client, "demo-dispatcher", "ny-kode")).status_code == 200
    # Sessions opened with the old password end with it.
    assert (await client.get("/whoami", headers=bearer(old_token))).status_code == 401

    await harness.add_user("real-dispatcher", Role.DISPATCHER)
    async with harness.engine.begin() as conn:
        removed = await remove_demo_users(conn)
    assert removed == 3
    async with harness.engine.connect() as conn:
        names = (await conn.execute(select(users.c.username))).scalars().all()
    assert names == ["real-dispatcher"]


# --- login ------------------------------------------------------------------------------------


async def test_login_answers_a_bearer_token_stored_only_as_its_hash(harness: Harness) -> None:
    user_id = await harness.add_user("disp", Role.DISPATCHER)
    response = await login(harness.client(), "disp")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "dispatcher"
    assert body["expires_in"] == 12 * 3600
    assert body["idle_expires_in"] == 30 * 60
    token = body["access_token"]
    assert len(token) >= 43  # 32 random bytes, base64url

    row = await harness.token_row(token)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.user_id == user_id
    assert row.issued_at == START
    assert row.expires_at == START + timedelta(hours=12)
    async with harness.engine.connect() as conn:
        dump = (await conn.execute(select(tokens))).all()
    assert token not in repr(dump)

    me = await harness.client().get("/whoami", headers=bearer(token))
    assert me.json() == {
        "user_id": user_id,
        "username": "disp",
        "role": "dispatcher",
        "runner_id": None,
        "subject": user_id,
    }


async def test_wrong_credentials_are_a_401_problem_whoever_the_user(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    answers = [
        await login(client, "disp", "wrong password"),
        await login(client, "nobody", PASSWORD),
        await login(client, "NOT A USERNAME", PASSWORD),
        await login(client, "disp", "x" * 5000),
    ]
    bodies = [assert_problem(r, 401, "unauthorised") for r in answers]
    assert {b["detail"] for b in bodies} == {"Wrong username or password."}
    assert all(r.headers["www-authenticate"].startswith("Bearer") for r in answers)
    missing = await client.post("/v1/auth/token", data={"username": "disp"})
    assert_problem(missing, 422, "validation")


@pytest.mark.allow_log_warnings
async def test_five_failures_lock_a_username_for_ten_minutes(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    for attempt in range(1, 6):
        response = await login(client, "disp", f"guess {attempt}")
        body = assert_problem(response, 401, "unauthorised")
    assert "locked" in body["detail"]
    assert any("login locked for disp" in r.getMessage() for r in caplog.records)

    harness.clock.advance(minutes=2)
    locked = await login(client, "disp")  # the right password does not help during the lock
    body = assert_problem(locked, 429, "locked")
    assert locked.headers["retry-after"] == str(8 * 60)
    assert "8 minutes" in body["detail"]

    harness.clock.advance(minutes=7, seconds=59)
    assert_problem(await login(client, "disp"), 429, "locked")
    harness.clock.advance(seconds=1)
    assert (await login(client, "disp")).status_code == 200


async def test_a_success_starts_the_failure_count_over(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    for _ in range(4):
        assert (await login(client, "disp", "wrong")).status_code == 401
    assert (await login(client, "disp")).status_code == 200
    for _ in range(4):
        assert (await login(client, "disp", "wrong")).status_code == 401
    assert (await login(client, "disp")).status_code == 200
    async with harness.engine.connect() as conn:
        assert (await conn.execute(select(login_failures))).first() is None


@pytest.mark.allow_log_warnings
async def test_the_count_starts_over_after_a_lock_and_after_a_quiet_day(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    for _ in range(5):
        assert (await login(client, "disp", "wrong")).status_code == 401
    harness.clock.advance(minutes=10)
    for _ in range(4):  # a fresh allowance of four after the lock
        assert (await login(client, "disp", "wrong")).status_code == 401
    harness.clock.advance(hours=24)
    for _ in range(4):  # and again a day after the last failure
        assert (await login(client, "disp", "wrong")).status_code == 401
    assert (await login(client, "disp")).status_code == 200


class LockingHasher(PasswordHasher):
    """Locks the account from "another process" while the password is being checked."""

    def __init__(self, database: Path, until: datetime) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.database = database
        self.until = until

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with sqlite3.connect(self.database) as conn:
            conn.execute(
                "INSERT INTO login_failures (username, failures, locked_until, last_failure_at)"
                " VALUES ('disp', 5, ?, ?)",
                (self.until.replace(tzinfo=None).isoformat(" "), START.isoformat(" ")),
            )
        return super().verify(hash, password)


async def test_a_lock_set_during_the_password_check_still_refuses(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    harness.security.hasher = LockingHasher(
        tmp_path / "security.sqlite3", START + timedelta(minutes=10)
    )
    response = await login(harness.client(), "disp")
    assert_problem(response, 429, "locked")
    async with harness.engine.connect() as conn:
        assert (await conn.execute(select(tokens))).first() is None


@pytest.mark.allow_log_warnings
async def test_unknown_usernames_lock_like_real_ones(harness: Harness) -> None:
    client = harness.client()
    for _ in range(5):
        assert_problem(await login(client, "no-such-user", "x"), 401, "unauthorised")
    assert_problem(await login(client, "no-such-user", "x"), 429, "locked")


@pytest.mark.allow_log_warnings
async def test_the_lock_is_shared_through_the_database(engine: AsyncEngine) -> None:
    clock = FakeClock()
    first = make_harness(engine, clock)
    second = make_harness(engine, clock)  # another server process on the same database
    await first.add_user("disp", Role.DISPATCHER)
    try:
        for _ in range(3):
            assert (await login(first.client(), "disp", "wrong")).status_code == 401
        for _ in range(2):
            assert (await login(second.client(), "disp", "wrong")).status_code == 401
        assert_problem(await login(first.client(), "disp"), 429, "locked")
        assert_problem(await login(second.client(), "disp"), 429, "locked")
    finally:
        for client in first.clients + second.clients:
            await client.aclose()


@pytest.mark.allow_log_warnings
async def test_a_client_address_is_throttled_after_twenty_failures_a_minute(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    attacker = harness.client("192.0.2.7")
    for n in range(20):  # different usernames: the per-username lock never triggers
        harness.clock.advance(seconds=1)
        assert (await login(attacker, f"guess-{n}", "x")).status_code == 401
    throttled = await login(attacker, "disp")
    assert_problem(throttled, 429, "too-many-requests")
    # The first failure was at +1 s, the window is 60 s, now is +20 s: 41 s to wait.
    assert throttled.headers["retry-after"] == "41"
    assert any("192.0.2.7 throttled" in r.getMessage() for r in caplog.records)

    assert (await login(harness.client("198.51.100.1"), "disp")).status_code == 200
    harness.clock.advance(seconds=41)
    assert (await login(attacker, "disp")).status_code == 200


def test_address_throttle_memory_stays_bounded() -> None:
    throttle = AddressThrottle(limit=3, window=timedelta(minutes=1), max_addresses=100)
    for n in range(1000):
        throttle.record_failure(f"10.0.{n // 256}.{n % 256}", START + timedelta(milliseconds=n))
    assert len(throttle._failures) <= 100
    assert throttle.retry_after("10.0.3.231", START + timedelta(seconds=1)) is None


# --- tokens -----------------------------------------------------------------------------------


async def test_missing_or_unknown_tokens_are_401_problems(harness: Harness) -> None:
    client = harness.client()
    missing = await client.get("/whoami")
    body = assert_problem(missing, 401, "unauthorised")
    assert body["reason"] == "missing"
    assert missing.headers["www-authenticate"] == 'Bearer realm="amk-dispatchd"'
    forged = await client.get("/whoami", headers=bearer("not-a-token"))
    assert assert_problem(forged, 401, "unauthorised")["reason"] == "invalid"
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]
    basic = await client.get("/whoami", headers={"Authorization": "Basic ZGVtbzpkZW1v"})
    assert assert_problem(basic, 401, "unauthorised")["reason"] == "missing"


async def test_a_token_expires_after_thirty_idle_minutes(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    token = await token_for(client, "disp")
    harness.clock.advance(minutes=29, seconds=59)
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    harness.clock.advance(minutes=29, seconds=59)  # idle again, from the last use
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    harness.clock.advance(minutes=30)
    idle = await client.get("/whoami", headers=bearer(token))
    assert assert_problem(idle, 401, "unauthorised")["reason"] == "idle"


async def test_a_token_in_constant_use_ends_after_twelve_hours(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    token = await token_for(client, "disp")
    for _ in range(12 * 3 - 1):  # every 20 minutes for 11 h 40 min
        harness.clock.advance(minutes=20)
        assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    harness.clock.advance(minutes=19, seconds=59)
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    harness.clock.advance(seconds=1)
    ended = await client.get("/whoami", headers=bearer(token))
    assert assert_problem(ended, 401, "unauthorised")["reason"] == "expired"


async def test_last_used_at_is_written_at_most_once_a_minute(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    token = await token_for(client, "disp")
    for _ in range(5):
        harness.clock.advance(seconds=10)
        assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    assert (await harness.token_row(token)).last_used_at == START
    harness.clock.advance(seconds=10)  # 60 s since the last recorded use
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    assert (await harness.token_row(token)).last_used_at == START + timedelta(seconds=60)


async def test_the_principal_cache_never_outlives_its_ttl(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    token = await token_for(client, "disp")
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    async with harness.engine.begin() as conn:  # e.g. revoked by another process
        await conn.execute(tokens.delete())
    harness.clock.advance(seconds=5)
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 401


async def test_a_role_change_invalidates_the_users_tokens(harness: Harness) -> None:
    user_id = await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    token = await token_for(client, "disp")
    async with harness.engine.begin() as conn:
        await conn.execute(update(users).where(users.c.id == user_id).values(role="supervisor"))
    harness.clock.advance(seconds=5)
    demoted = await client.get("/read", headers=bearer(token))
    assert assert_problem(demoted, 401, "unauthorised")["reason"] == "invalid"


async def test_purge_deletes_dead_tokens_and_forgotten_failures(harness: Harness) -> None:
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    live = await token_for(client, "disp")
    assert (await login(client, "nobody", "x")).status_code == 401
    harness.clock.advance(minutes=20)
    idle = await token_for(client, "disp")
    harness.clock.advance(minutes=20)
    assert (await client.get("/whoami", headers=bearer(idle))).status_code == 200
    harness.clock.advance(minutes=15)  # live: idle 55 min; idle: used 15 min ago
    counts = await harness.security.purge_expired()
    assert (counts.tokens, counts.login_failures) == (1, 0)
    assert await harness.token_row(live) is None
    assert await harness.token_row(idle) is not None
    harness.clock.advance(hours=24)
    counts = await harness.security.purge_expired()
    assert (counts.tokens, counts.login_failures) == (1, 1)


def test_security_config_refuses_limits_that_contradict_each_other() -> None:
    with pytest.raises(ValueError, match="touch_interval"):
        SecurityConfig(touch_interval=timedelta(minutes=30))
    with pytest.raises(ValueError, match="idle_timeout must be positive"):
        SecurityConfig(idle_timeout=timedelta(0))
    with pytest.raises(ValueError, match="absolute_lifetime"):
        SecurityConfig(absolute_lifetime=timedelta(minutes=10))
    with pytest.raises(ValueError, match="at least 1"):
        SecurityConfig(lockout_failures=0)


async def test_a_naive_clock_is_refused(engine: AsyncEngine) -> None:
    security = Security(engine, clock=lambda: datetime(2025, 6, 3), hasher=cheap_hasher())
    with pytest.raises(ValueError, match="naive"):
        security.now()


# --- roles ------------------------------------------------------------------------------------


async def test_each_role_reaches_only_its_routes(harness: Harness) -> None:
    for role in Role:
        await harness.add_user(f"the-{role.value}", role)
    client = harness.client()
    tokens_by_role = {role: await token_for(client, f"the-{role.value}") for role in Role}

    async def status(method: str, path: str, role: Role) -> int:
        response = await client.request(method, path, headers=bearer(tokens_by_role[role]))
        return response.status_code

    assert [await status("POST", "/dispatch", role) for role in Role] == [200, 403, 403, 403]
    assert [await status("GET", "/read", role) for role in Role] == [200, 200, 403, 403]
    forbidden = await client.post("/dispatch", headers=bearer(tokens_by_role[Role.SUPERVISOR]))
    body = assert_problem(forbidden, 403, "forbidden")
    assert "dispatcher" in body["detail"]
    assert "supervisor" in body["detail"]
    # A runner account acts for the runner it is bound to.
    runner_me = await client.get("/runner/me", headers=bearer(tokens_by_role[Role.RUNNER]))
    assert runner_me.json() == {"runner_id": "r-user"}
    with pytest.raises(ValueError, match="unknown role"):
        require_roles("admin")
    with pytest.raises(ValueError, match="at least one role"):
        require_roles()


async def test_a_simulator_runner_token_acts_only_as_its_runner(harness: Harness) -> None:
    await harness.add_user("sim", Role.SIM)
    await harness.add_user("disp", Role.DISPATCHER)
    client = harness.client()
    sim = await token_for(client, "sim")
    issued = await client.post("/sim/runners/r-17/token", headers=bearer(sim))
    assert issued.status_code == 200
    assert issued.json()["role"] == "runner"
    runner = issued.json()["access_token"]

    me = await client.get("/whoami", headers=bearer(runner))
    assert me.json() == {
        "user_id": None,
        "username": "runner:r-17",
        "role": "runner",
        "runner_id": "r-17",
        "subject": "runner:r-17",
    }
    assert (await client.get("/runner/me", headers=bearer(runner))).json() == {"runner_id": "r-17"}
    assert_problem(await client.post("/dispatch", headers=bearer(runner)), 403, "forbidden")
    disp = await token_for(client, "disp")
    assert_problem(await client.get("/runner/me", headers=bearer(disp)), 403, "forbidden")
    assert_problem(
        await client.post("/sim/runners/r-18/token", headers=bearer(disp)), 403, "forbidden"
    )


# --- request bodies ---------------------------------------------------------------------------


async def test_bodies_over_64_kib_are_413_with_content_length(harness: Harness) -> None:
    client = harness.client()
    ok = await client.post("/echo", json={"count": 1, "text": "hej"})
    assert ok.status_code == 200
    big = b'{"count": 1, "text": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = await client.post("/echo", content=big, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 413, "payload-too-large")
    assert str(MAX_BODY_BYTES) in body["detail"]
    # Also for the login form: the limit runs before any route.
    form = await client.post(
        "/v1/auth/token", data={"username": "disp", "password": "x" * MAX_BODY_BYTES}
    )
    assert_problem(form, 413, "payload-too-large")


async def test_chunked_bodies_are_counted_while_they_stream(harness: Harness) -> None:
    client = harness.client()
    sent: list[int] = []

    async def chunks(total: int) -> AsyncIterator[bytes]:
        yield b'{"count": 1, "text": "'
        for _ in range(total // 4096):
            sent.append(4096)
            yield b"y" * 4096
        yield b'"}'

    small = await client.post(
        "/echo", content=chunks(4096), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in small.request.headers
    assert_problem(small, 422, "validation")  # 4 KiB of text: through the limit, too long
    sent.clear()
    large = await client.post(
        "/echo", content=chunks(1024 * 1024), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in large.request.headers
    assert_problem(large, 413, "payload-too-large")


async def test_the_middleware_answers_itself_when_no_handler_catches() -> None:
    """A body read outside FastAPI's handlers (a bare ASGI app) still becomes a 413 problem."""

    async def bare_app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    limited = BodySizeLimitMiddleware(bare_app, max_body_bytes=10)

    async def body(size: int) -> AsyncIterator[bytes]:
        for _ in range(size):
            yield b"z"

    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/", content=body(10))).status_code == 204
        assert_problem(await client.post("/", content=body(11)), 413, "payload-too-large")

    async def unread_app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    # A declared length over the limit is refused before the app runs, read or not.
    transport = httpx.ASGITransport(app=BodySizeLimitMiddleware(unread_app, max_body_bytes=10))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/", content=b"z" * 10)).status_code == 204
        assert_problem(await client.post("/", content=b"z" * 11), 413, "payload-too-large")
    with pytest.raises(ValueError, match="negative"):
        BodySizeLimitMiddleware(bare_app, max_body_bytes=-1)


# --- problem documents --------------------------------------------------------------------------


async def test_unknown_paths_and_methods_are_problems(harness: Harness) -> None:
    client = harness.client()
    assert_problem(await client.get("/v1/nowhere"), 404, "not-found")
    wrong_method = await client.get("/dispatch")
    assert_problem(wrong_method, 405, "method-not-allowed")
    assert wrong_method.headers["allow"] == "POST"


async def test_validation_errors_list_fields_without_echoing_input(harness: Harness) -> None:
    client = harness.client()
    huge = "h" * 50_000
    response = await client.post("/echo", json={"count": huge, "text": "x" * 11, "extra": 1})
    body = assert_problem(response, 422, "validation")
    assert len(response.content) < 2_000
    assert "hhhhhhhhhh" not in response.text
    fields = {tuple(error["loc"]): error["type"] for error in body["errors"]}
    assert fields == {("body", "count"): "int_parsing", ("body", "text"): "string_too_long"}
    assert "body.count" in body["detail"]

    broken = await client.post(
        "/echo", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(broken, 422, "validation")

    many = await client.post("/echo", json=[{"count": "x"}] * 100)
    assert len(assert_problem(many, 422, "validation")["errors"]) <= 20


@pytest.mark.allow_log_warnings
async def test_unexpected_errors_are_500_problems_logged_but_not_shown(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    response = await harness.client().get("/boom")
    body = assert_problem(response, 500, "internal")
    assert "Nørrebrogade" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    records = [r for r in caplog.records if r.name == "console.server.problems"]
    assert records
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None
    assert body["instance"] == "/boom"


async def test_problem_errors_carry_their_slug_and_extension_members(harness: Harness) -> None:
    response = await harness.client().get("/too-far")
    body = assert_problem(response, 409, "too-far")
    assert body["distance_m"] == 5412.0
    assert body["detail"] == "You are 5,412 m away."


def test_problem_slugs_are_checked() -> None:
    assert set(PROBLEM_TYPES) >= {
        "too-far",
        "mission-ended",
        "validation",
        "unauthorised",
        "forbidden",
        "not-found",
        "payload-too-large",
        "too-many-requests",
        "locked",
        "idempotency-mismatch",
        "internal",
    }
    assert PROBLEM_TYPES["idempotency-mismatch"][0] == 422
    with pytest.raises(ValueError, match="unknown problem slug"):
        ProblemError.of("oops")
    with pytest.raises(ValueError, match="standard"):
        ProblemError.of("conflict", extra={"status": 200})
    with pytest.raises(ValueError, match="error status"):
        ProblemError(200, "fine", "Fine")


async def test_openapi_documents_the_token_endpoint_and_problem_answers(harness: Harness) -> None:
    spec = (await harness.client().get("/openapi.json")).json()
    token_op = spec["paths"]["/v1/auth/token"]["post"]
    assert "application/x-www-form-urlencoded" in token_op["requestBody"]["content"]
    assert PROBLEM_MEDIA_TYPE in token_op["responses"]["401"]["content"]
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("flows", {}).get("password") for s in schemes.values())


# --- several processes on PostgreSQL -----------------------------------------------------------


PG_URL = os.environ.get("AMK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.mark.postgres
@pytest.mark.allow_log_warnings
async def test_concurrent_failures_on_postgres_lose_no_count() -> None:
    """Two processes counting failures for one username at once: the lock comes at exactly 5."""
    schema = f"sec_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_async_engine(
        PG_URL, connect_args={"options": f"-c search_path={schema}"}, pool_size=10
    )
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all, tables=SECURITY_TABLES)
        clock = FakeClock()
        first, second = make_harness(engine, clock), make_harness(engine, clock)
        await first.add_user("disp", Role.DISPATCHER)
        # Two at once from each process, each from its own address (no address throttle).
        attempts = [
            login(h.client(f"10.1.{i}.{n}"), "disp", "wrong")
            for i, h in enumerate((first, second))
            for n in range(2)
        ]
        answers = await asyncio.gather(*attempts)
        assert [r.status_code for r in answers] == [401] * 4
        async with engine.connect() as conn:
            count = (await conn.execute(select(login_failures.c.failures))).scalar_one()
        assert count == 4
        assert (await login(second.client(), "disp", "wrong")).status_code == 401
        assert_problem(await login(first.client(), "disp"), 429, "locked")
        for client in first.clients + second.clients:
            await client.aclose()
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
