"""Who may call the dispatch service: bearer tokens, roles, login lock-out and throttling.

The public face of the service's security. Accounts (:mod:`console.server.accounts`) and the
body-size limit (:mod:`console.server.body_limit`) live in their own modules and are re-exported
here, so routes and the app factory import everything security-related from this one module.

Wiring (for the app factory)::

    security = Security(database.writer, database.reader, clock=clock)   # one per process
    app.state.security = security                  # read by get_security() in every request
    install_problem_handlers(app)                  # console.server.problems
    app.add_middleware(BodySizeLimitMiddleware)    # 64 KiB; add it last so it runs outermost
    app.include_router(auth_router)                # POST /v1/auth/token
    # on routes:
    #   principal: Annotated[Principal, Depends(require_roles(Role.DISPATCHER))]
    #   runner_id: Annotated[str, Depends(current_runner_id)]        (runner endpoints)
    # with --simulate:   await ensure_demo_users(conn, password)   without:  remove_demo_users
    # sim endpoint:      issued = await security.issue_runner_token(conn, runner_id)

``Security`` takes SQLAlchemy async engines, not sessions: logins and token checks run their own
short transactions, because a failed login must be *committed* (it counts towards the lock-out)
even though the request then fails. ``writer`` runs those writes (on SQLite, an engine whose
transactions start with ``BEGIN IMMEDIATE`` serialises the read-modify-write of the failure
counter); ``reader`` serves the per-request token lookup. Tests may override ``get_security``
through ``app.dependency_overrides``.

Policy, and why:

* Passwords: argon2id at OWASP's parameters (see :mod:`console.server.accounts`); hashes made
  with other parameters are upgraded at the next successful login. Verification runs in a
  worker thread: it takes tens of milliseconds of CPU, which would otherwise stall every SSE
  stream of the process.
* Tokens: 32 random bytes, only their sha256 stored. They expire after ``idle_timeout`` without
  use (30 min: an unattended console) and at the latest ``absolute_lifetime`` after issue (12 h:
  one dispatcher shift). ``last_used_at`` is written at most once per ``touch_interval`` per
  token, so a busy token costs one write a minute, not one per request; the idle clock therefore
  runs from the last *recorded* use and may end up to ``touch_interval`` early.
* A resolved token is remembered in memory for ``principal_cache_ttl`` (5 s), sparing the hot
  paths (runner positions) a database read per request. Only positive answers are cached, and
  only while no expiry or touch is due, so a cached answer is never more permissive than the
  database except for a revocation in the last few seconds.
* Lock-out: 5 consecutive failures for one username lock it for 10 minutes, even for the right
  password (CJIS 5.5.3). The counter is in the database, so all server processes share it; it
  starts over after a success, after a lock ends, or ``failure_memory`` (24 h) after the last
  failure. Unknown usernames are counted and locked exactly like real ones and are checked
  against a dummy hash, so neither the answers nor their timing tell which accounts exist.
  A locked account answers ``429`` with slug ``locked`` and ``Retry-After``.
* Each client address may fail 20 logins per minute (in memory, per process) before it gets
  ``429 too-many-requests`` with ``Retry-After``: that slows guessing across many usernames,
  which the per-username lock cannot. Behind a reverse proxy, run uvicorn with
  ``--proxy-headers`` so the address is the client's, not the proxy's.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Final

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import Insert

from console.domain.timefmt import utc_now
from console.server.accounts import (
    DEMO_ACCOUNTS,
    MAX_PASSWORD_CHARS,
    Clock,
    InvalidAccountError,
    Role,
    SqlExecutor,
    UsernameTakenError,
    aware_now,
    create_user,
    default_password_hasher,
    ensure_demo_users,
    is_well_formed_username,
    parse_role,
    remove_demo_users,
    validate_password,
    validate_runner_id,
    validate_username,
    verify_password,
)
from console.server.body_limit import MAX_BODY_BYTES, BodySizeLimitMiddleware, BodyTooLargeError
from console.server.problems import ProblemError, problem_responses
from console.server.security_schema import login_failures, tokens, users

logger = logging.getLogger(__name__)

TOKEN_URL: Final = "/v1/auth/token"


class UnsupportedDatabaseError(RuntimeError):
    """A database dialect the lock-out counter has no atomic upsert for."""


@dataclass(frozen=True)
class SecurityConfig:
    """Every security limit in one place; the defaults are the issue's policy."""

    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_lifetime: timedelta = timedelta(hours=12)
    touch_interval: timedelta = timedelta(seconds=60)
    principal_cache_ttl: timedelta = timedelta(seconds=5)
    lockout_failures: int = 5
    lockout_duration: timedelta = timedelta(minutes=10)
    failure_memory: timedelta = timedelta(hours=24)
    address_failures: int = 20
    address_window: timedelta = timedelta(minutes=1)

    def __post_init__(self) -> None:
        positive = {
            "idle_timeout": self.idle_timeout,
            "absolute_lifetime": self.absolute_lifetime,
            "touch_interval": self.touch_interval,
            "lockout_duration": self.lockout_duration,
            "failure_memory": self.failure_memory,
            "address_window": self.address_window,
        }
        for name, value in positive.items():
            if value <= timedelta(0):
                raise ValueError(f"SecurityConfig.{name} must be positive, got {value}")
        if self.principal_cache_ttl < timedelta(0):
            raise ValueError("SecurityConfig.principal_cache_ttl must not be negative")
        if self.touch_interval >= self.idle_timeout:
            raise ValueError(
                f"touch_interval ({self.touch_interval}) must be shorter than idle_timeout "
                f"({self.idle_timeout}), or a token in use would time out between two touches"
            )
        if self.idle_timeout > self.absolute_lifetime:
            raise ValueError("idle_timeout cannot be longer than absolute_lifetime")
        if self.lockout_failures < 1 or self.address_failures < 1:
            raise ValueError("lockout_failures and address_failures must be at least 1")


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as the endpoints see it."""

    user_id: str | None
    username: str
    role: Role
    runner_id: str | None = None

    @property
    def subject(self) -> str:
        """A stable key for per-caller state (idempotency keys): the user, or the runner."""
        return self.user_id if self.user_id is not None else f"runner:{self.runner_id}"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token: the only moment the token itself exists on the server."""

    access_token: str
    role: Role
    expires_in: int
    idle_expires_in: int

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "role": self.role.value,
            "idle_expires_in": self.idle_expires_in,
        }


@dataclass(frozen=True)
class PurgeCounts:
    tokens: int
    login_failures: int


class TokenResponse(BaseModel):
    """``POST /v1/auth/token`` answer; ``idle_expires_in`` is a compatible addition."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role
    idle_expires_in: int


# --- throttling by client address --------------------------------------------------------------


class AddressThrottle:
    """Failed logins per client address in a sliding window, in this process's memory.

    Memory is bounded: addresses whose failures have all left the window are dropped once the
    table holds ``max_addresses``, and if that is not enough the stalest half goes.
    """

    def __init__(self, limit: int, window: timedelta, *, max_addresses: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_addresses = max_addresses
        self._failures: dict[str, deque[datetime]] = {}

    def retry_after(self, address: str, now: datetime) -> float | None:
        """Seconds until ``address`` may try again, or None if it may now."""
        window = self._prune(address, now)
        if window is None or len(window) < self.limit:
            return None
        return max((window[0] + self.window - now).total_seconds(), 0.001)

    def record_failure(self, address: str, now: datetime) -> bool:
        """Count a failure; True when this one used up the address's allowance."""
        window = self._prune(address, now)
        if window is None:
            if len(self._failures) >= self.max_addresses:
                self._shrink(now)
            window = self._failures[address] = deque()
        window.append(now)
        return len(window) == self.limit

    def _prune(self, address: str, now: datetime) -> deque[datetime] | None:
        window = self._failures.get(address)
        if window is None:
            return None
        while window and window[0] <= now - self.window:
            window.popleft()
        return window

    def _shrink(self, now: datetime) -> None:
        horizon = now - self.window
        stale = [a for a, w in self._failures.items() if not w or w[-1] <= horizon]
        for address in stale:
            del self._failures[address]
        if len(self._failures) >= self.max_addresses:
            by_age = sorted(self._failures, key=lambda a: self._failures[a][-1])
            for address in by_age[: len(by_age) // 2 + 1]:
                del self._failures[address]


# --- tokens and logins ---------------------------------------------------------------------


def token_digest(token: str) -> str:
    """What the database stores for a token: its hex sha256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _unauthorised(detail: str, reason: str, *, token_given: bool) -> ProblemError:
    challenge = 'Bearer realm="amk-dispatchd"'
    if token_given:
        challenge += ', error="invalid_token"'
    return ProblemError.of(
        "unauthorised",
        detail,
        headers={"WWW-Authenticate": challenge},
        extra={"reason": reason},
    )


def _insert_ignoring_conflict(dialect_name: str, values: dict[str, Any]) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the failure row: two processes counting the
    first failure of a username at once must not collide on its primary key."""
    if dialect_name == "postgresql":
        return postgresql.insert(login_failures).values(**values).on_conflict_do_nothing()
    if dialect_name == "sqlite":
        return sqlite.insert(login_failures).values(**values).on_conflict_do_nothing()
    raise UnsupportedDatabaseError(
        f"login lock-out needs SQLite or PostgreSQL, not {dialect_name!r}"
    )


@dataclass
class _CachedPrincipal:
    principal: Principal
    expires_at: datetime
    last_used_at: datetime
    cached_at: datetime


@dataclass
class _FailureOutcome:
    locked_until: datetime | None
    failures: int


class Security:
    """One process's security state: engines, limits, clock, address throttle, token cache."""

    def __init__(
        self,
        writer: AsyncEngine,
        reader: AsyncEngine | None = None,
        *,
        config: SecurityConfig | None = None,
        clock: Clock = utc_now,
        hasher: PasswordHasher | None = None,
        max_cached_principals: int = 10_000,
    ) -> None:
        self.writer = writer
        self.reader = reader or writer
        self.config = config or SecurityConfig()
        self.clock = clock
        self.hasher = hasher or default_password_hasher()
        self.throttle = AddressThrottle(self.config.address_failures, self.config.address_window)
        self._max_cached = max_cached_principals
        self._cache: dict[str, _CachedPrincipal] = {}
        self._dummy_hash: str | None = None

    def now(self) -> datetime:
        return aware_now(self.clock)

    # -- login --

    async def login(self, username: str, password: str, address: str) -> IssuedToken:
        """The password grant: a token, or a 401 / 429 problem."""
        now = self.now()
        wait = self.throttle.retry_after(address, now)
        if wait is not None:
            raise ProblemError.of(
                "too-many-requests",
                "Too many failed logins from this address; wait before trying again.",
                headers=_retry_after_header(wait),
            )
        well_formed = is_well_formed_username(username) and (
            0 < len(password) <= MAX_PASSWORD_CHARS
        )
        if not well_formed:
            self._address_failed(address, now)
            raise self._wrong_credentials()

        async with self.reader.connect() as conn:
            user = (
                await conn.execute(
                    select(
                        users.c.id, users.c.role, users.c.runner_id, users.c.password_hash
                    ).where(users.c.username == username)
                )
            ).first()
            failure = (
                await conn.execute(
                    select(login_failures.c.locked_until).where(
                        login_failures.c.username == username
                    )
                )
            ).first()
        if failure is not None and failure.locked_until is not None and failure.locked_until > now:
            self._address_failed(address, now)
            raise self._locked(failure.locked_until, now)

        stored_hash = user.password_hash if user is not None else await self._dummy()
        matches = await asyncio.to_thread(verify_password, self.hasher, stored_hash, password)
        if user is None or not matches:
            self._address_failed(address, now)
            outcome = await self._record_failure(username, now)
            logger.info(
                "login failed for %s from %s (%d in a row)",
                username if user is not None else "an unknown username",
                address,
                outcome.failures,
            )
            if outcome.locked_until is not None:
                logger.warning(
                    "login locked for %s until %s after %d failures (last from %s)",
                    username if user is not None else "an unknown username",
                    outcome.locked_until.isoformat(),
                    self.config.lockout_failures,
                    address,
                )
                raise self._wrong_credentials(
                    f"Wrong username or password; after {self.config.lockout_failures} failures "
                    f"the account is locked for {_minutes(self.config.lockout_duration)}."
                )
            raise self._wrong_credentials()

        new_hash = None
        if self.hasher.check_needs_rehash(user.password_hash):
            new_hash = await asyncio.to_thread(self.hasher.hash, password)
        async with self.writer.begin() as conn:
            failure = (
                await conn.execute(
                    select(login_failures.c.locked_until)
                    .where(login_failures.c.username == username)
                    .with_for_update()
                )
            ).first()
            locked_until = failure.locked_until if failure is not None else None
            if locked_until is None or locked_until <= now:
                if failure is not None:
                    await conn.execute(
                        delete(login_failures).where(login_failures.c.username == username)
                    )
                if new_hash is not None:
                    await conn.execute(
                        update(users).where(users.c.id == user.id).values(password_hash=new_hash)
                    )
                issued = await self._issue(
                    conn, user_id=user.id, role=Role(user.role), runner_id=user.runner_id, now=now
                )
                locked_until = None
        if locked_until is not None:  # another process locked it while the password was checked
            raise self._locked(locked_until, now)
        logger.info("login of %s (%s) from %s", username, user.role, address)
        return issued

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await asyncio.to_thread(self.hasher.hash, secrets.token_hex(16))
        return self._dummy_hash

    def _address_failed(self, address: str, now: datetime) -> None:
        if self.throttle.record_failure(address, now):
            logger.warning(
                "address %s throttled: %d failed logins within %s",
                address,
                self.config.address_failures,
                self.config.address_window,
            )

    def _wrong_credentials(self, detail: str = "Wrong username or password.") -> ProblemError:
        return _unauthorised(detail, "credentials", token_given=False)

    def _locked(self, until: datetime, now: datetime) -> ProblemError:
        return ProblemError.of(
            "locked",
            f"Too many failed logins for this username; it is locked for another "
            f"{_minutes(until - now)}.",
            headers=_retry_after_header((until - now).total_seconds()),
        )

    async def _record_failure(self, username: str, now: datetime) -> _FailureOutcome:
        config = self.config
        async with self.writer.begin() as conn:
            await conn.execute(
                _insert_ignoring_conflict(
                    conn.dialect.name,
                    {
                        "username": username,
                        "failures": 0,
                        "locked_until": None,
                        "last_failure_at": now,
                    },
                )
            )
            row = (
                await conn.execute(
                    select(
                        login_failures.c.failures,
                        login_failures.c.locked_until,
                        login_failures.c.last_failure_at,
                    )
                    .where(login_failures.c.username == username)
                    .with_for_update()
                )
            ).one()
            if row.locked_until is not None and row.locked_until > now:
                # Another process locked it between our check and now: keep its lock.
                return _FailureOutcome(row.locked_until, row.failures)
            failures = row.failures
            if row.locked_until is not None or now - row.last_failure_at >= config.failure_memory:
                failures = 0
            failures += 1
            locked_until = (
                now + config.lockout_duration if failures >= config.lockout_failures else None
            )
            await conn.execute(
                update(login_failures)
                .where(login_failures.c.username == username)
                .values(failures=failures, locked_until=locked_until, last_failure_at=now)
            )
        return _FailureOutcome(locked_until, failures)

    # -- tokens --

    async def _issue(
        self,
        conn: SqlExecutor,
        *,
        user_id: str | None,
        role: Role,
        runner_id: str | None,
        now: datetime,
    ) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        await conn.execute(
            insert(tokens).values(
                token_hash=token_digest(token),
                user_id=user_id,
                role=role.value,
                runner_id=runner_id,
                issued_at=now,
                last_used_at=now,
                expires_at=now + self.config.absolute_lifetime,
            )
        )
        return IssuedToken(
            access_token=token,
            role=role,
            expires_in=int(self.config.absolute_lifetime.total_seconds()),
            idle_expires_in=int(self.config.idle_timeout.total_seconds()),
        )

    async def issue_runner_token(self, db: SqlExecutor, runner_id: str) -> IssuedToken:
        """A ``runner`` token bound to ``runner_id``, in the caller's transaction.

        For ``POST /v1/sim/runners/{id}/token``: the caller checks that the runner exists. The
        token belongs to no user account; its principal is ``runner:<id>``.
        """
        validate_runner_id(runner_id)
        return await self._issue(
            db, user_id=None, role=Role.RUNNER, runner_id=runner_id, now=self.now()
        )

    async def authenticate(self, token: str | None) -> Principal:
        """The principal behind a bearer token, or a 401 problem saying why not."""
        if not token:
            raise _unauthorised(
                f"This call needs 'Authorization: Bearer <token>'; get one from POST {TOKEN_URL}.",
                "missing",
                token_given=False,
            )
        now = self.now()
        digest = token_digest(token)
        cached = self._cache.get(digest)
        if (
            cached is not None
            and now - cached.cached_at < self.config.principal_cache_ttl
            and now < cached.expires_at
            and now - cached.last_used_at < self.config.touch_interval
        ):
            return cached.principal

        async with self.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        tokens.c.user_id,
                        tokens.c.role,
                        tokens.c.runner_id,
                        tokens.c.last_used_at,
                        tokens.c.expires_at,
                        users.c.username,
                        users.c.role.label("user_role"),
                    )
                    .select_from(tokens.outerjoin(users, tokens.c.user_id == users.c.id))
                    .where(tokens.c.token_hash == digest)
                )
            ).first()
        self._cache.pop(digest, None)
        if row is None or (row.user_id is not None and row.user_role != row.role):
            # Unknown token, or its account was deleted or given another role since.
            raise _unauthorised(
                "The token is not valid; log in again.", "invalid", token_given=True
            )
        if now >= row.expires_at:
            raise _unauthorised(
                "The token has reached the end of its lifetime; log in again.",
                "expired",
                token_given=True,
            )
        if now - row.last_used_at >= self.config.idle_timeout:
            raise _unauthorised(
                f"The token expired after {_minutes(self.config.idle_timeout)} without use; "
                "log in again.",
                "idle",
                token_given=True,
            )
        principal = Principal(
            user_id=row.user_id,
            username=row.username if row.username is not None else f"runner:{row.runner_id}",
            role=Role(row.role),
            runner_id=row.runner_id,
        )
        last_used = row.last_used_at
        if now - last_used >= self.config.touch_interval:
            async with self.writer.begin() as conn:
                await conn.execute(
                    update(tokens)
                    .where(and_(tokens.c.token_hash == digest, tokens.c.last_used_at < now))
                    .values(last_used_at=now)
                )
            last_used = now
        if self.config.principal_cache_ttl > timedelta(0):
            if len(self._cache) >= self._max_cached:
                self._cache.clear()
            self._cache[digest] = _CachedPrincipal(principal, row.expires_at, last_used, now)
        return principal

    async def purge_expired(self) -> PurgeCounts:
        """Delete dead tokens and forgotten login failures (for the periodic clean-up job)."""
        now = self.now()
        config = self.config
        async with self.writer.begin() as conn:
            dead_tokens = await conn.execute(
                delete(tokens).where(
                    or_(
                        tokens.c.expires_at <= now,
                        tokens.c.last_used_at <= now - config.idle_timeout,
                    )
                )
            )
            old_failures = await conn.execute(
                delete(login_failures).where(
                    and_(
                        or_(
                            login_failures.c.locked_until.is_(None),
                            login_failures.c.locked_until <= now,
                        ),
                        login_failures.c.last_failure_at <= now - config.failure_memory,
                    )
                )
            )
        self._cache.clear()
        return PurgeCounts(int(dead_tokens.rowcount or 0), int(old_failures.rowcount or 0))


def _minutes(span: timedelta) -> str:
    minutes = max(1, math.ceil(span.total_seconds() / 60))
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


# --- FastAPI wiring ---------------------------------------------------------------------------


async def get_security(request: Request) -> Security:
    """The app's :class:`Security`, from ``app.state.security`` (set by the app factory).

    Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, and this one
    is on every authenticated request (measured: ~6 % of the position hot path's CPU).
    """
    security = getattr(request.app.state, "security", None)
    if not isinstance(security, Security):
        raise RuntimeError(
            "app.state.security is not a Security: the app factory must set it before serving"
        )
    return security


# auto_error=False: a missing token must become our 401 problem, not FastAPI's plain 401.
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def current_principal(
    token: Annotated[str | None, Depends(_bearer)],
    security: Annotated[Security, Depends(get_security)],
) -> Principal:
    """Dependency: the caller, from ``Authorization: Bearer``; 401 problem when there is none."""
    return await security.authenticate(token)


def require_roles(*roles: Role | str) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller, if their role is one of ``roles``; else a 403 problem."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    allowed = frozenset(parse_role(role) for role in roles)
    names = " or ".join(sorted(role.value for role in allowed))

    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if principal.role not in allowed:
            raise ProblemError.of(
                "forbidden",
                f"This call needs the role {names}; this token has the role {principal.role}.",
            )
        return principal

    dependency.__name__ = f"require_{'_or_'.join(sorted(r.value for r in allowed))}"
    return dependency


#: The runner role check; one function, so FastAPI resolves it once per request however many
#: dependencies of a runner route ask for it.
require_runner = require_roles(Role.RUNNER)


async def current_runner_id(
    principal: Annotated[Principal, Depends(require_runner)],
) -> str:
    """Dependency for the runner endpoints: the one runner this token may act for."""
    if principal.runner_id is None:  # the schema forbids it; checked so the type is exact
        raise ProblemError.of("forbidden", "This runner token is not bound to a runner.")
    return principal.runner_id


auth_router = APIRouter(tags=["auth"])


@auth_router.post(
    TOKEN_URL,
    response_model=TokenResponse,
    responses=problem_responses(401, 422, 429),
    summary="Log in (OAuth2 password grant) and get a bearer token",
)
async def issue_token(
    request: Request,
    response: Response,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    security: Annotated[Security, Depends(get_security)],
) -> TokenResponse:
    address = request.client.host if request.client is not None else "unknown"
    issued = await security.login(form.username, form.password, address)
    # RFC 6749 §5.1: token responses must not be cached.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return TokenResponse.model_validate(issued.to_json())


__all__ = [
    "DEMO_ACCOUNTS",
    "MAX_BODY_BYTES",
    "AddressThrottle",
    "BodySizeLimitMiddleware",
    "BodyTooLargeError",
    "Clock",
    "InvalidAccountError",
    "IssuedToken",
    "Principal",
    "PurgeCounts",
    "Role",
    "Security",
    "SecurityConfig",
    "TokenResponse",
    "UsernameTakenError",
    "auth_router",
    "create_user",
    "current_principal",
    "current_runner_id",
    "default_password_hasher",
    "ensure_demo_users",
    "get_security",
    "remove_demo_users",
    "require_roles",
    "require_runner",
    "token_digest",
    "validate_password",
    "validate_runner_id",
    "validate_username",
    "verify_password",
]
