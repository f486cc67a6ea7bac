"""User accounts of the dispatch service: roles, username and password rules, demo accounts.

Kept apart from tokens and logins (:mod:`console.server.security`) because the command line
(``amk-dispatchd user add``) and the simulator's start-up need accounts without any HTTP. Every
function here runs in the caller's transaction, so creating the demo accounts and the rest of a
start-up commit or fail together.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from console.domain.timefmt import utc_now
from console.server.security_schema import (
    RUNNER_ID_MAX_CHARS,
    USERNAME_MAX_CHARS,
    tokens,
    users,
)

logger = logging.getLogger(__name__)

#: A source of "now": aware UTC datetimes. Injected so tests expire tokens without sleeping.
Clock = Callable[[], datetime]

#: Either kind of SQLAlchemy async handle; the account functions run in the caller's transaction.
SqlExecutor = AsyncConnection | AsyncSession

MIN_PASSWORD_CHARS: Final = 8
#: Long enough for any passphrase, short enough that hashing it costs nothing extra.
MAX_PASSWORD_CHARS: Final = 1024

DEMO_PASSWORD: Final = "demo"

#: argon2id at the OWASP Password Storage Cheat Sheet's parameters (19 MiB, 2 passes, 1 lane).
#: argon2-cffi's own default (RFC 9106's 64 MiB, 3 passes, 4 lanes) took 340-410 ms per verify
#: on the shared 2-core build machine against 37-55 ms for these (bench/bench_security.py), and
#: holds 64 MiB per concurrent login; a login should not cost a dispatcher a noticeable wait.
#: Hashes made with other parameters are upgraded at the next successful login.
ARGON2_TIME_COST: Final = 2
ARGON2_MEMORY_KIB: Final = 19 * 1024
ARGON2_PARALLELISM: Final = 1

_USERNAME_RE: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}", re.ASCII)


class Role(StrEnum):
    """The contract's roles (dispatch-api.md, Roles)."""

    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    RUNNER = "runner"
    SIM = "sim"


#: The simulator's demo accounts and their roles (dispatch-api.md, Simulator endpoints).
DEMO_ACCOUNTS: Final[dict[str, Role]] = {
    "demo-dispatcher": Role.DISPATCHER,
    "demo-supervisor": Role.SUPERVISOR,
    "demo-sim": Role.SIM,
}


def default_password_hasher() -> PasswordHasher:
    """The service's argon2id hasher (see ``ARGON2_*``)."""
    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
    )


class InvalidAccountError(ValueError):
    """An account that cannot be created: bad username, role, password or runner binding."""


class UsernameTakenError(InvalidAccountError):
    """``create_user`` for a username that already exists."""


def is_well_formed_username(username: str) -> bool:
    """Could this be a username at all? (Cheap; lets a login skip the database for junk.)"""
    return isinstance(username, str) and _USERNAME_RE.fullmatch(username) is not None


def validate_username(username: str) -> str:
    """Lower-case ASCII letters, digits, ``.``, ``_``, ``-``; 2–64 characters, starting with a
    letter or digit: names that survive shells, logs and URLs without quoting."""
    if not is_well_formed_username(username):
        raise InvalidAccountError(
            f"invalid username {username!r}: use 2-{USERNAME_MAX_CHARS} characters of a-z, "
            "0-9, '.', '_' or '-', starting with a letter or digit"
        )
    return username


def validate_password(password: str, *, allow_short: bool = False) -> str:
    """8 to 1,024 characters; ``allow_short`` (demo accounts only) lifts the minimum."""
    if not isinstance(password, str) or not password:
        raise InvalidAccountError("the password is empty")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidAccountError(f"the password is longer than {MAX_PASSWORD_CHARS} characters")
    if not allow_short and len(password) < MIN_PASSWORD_CHARS:
        raise InvalidAccountError(
            f"the password has {len(password)} characters; at least {MIN_PASSWORD_CHARS} needed"
        )
    return password


def validate_runner_id(runner_id: str) -> str:
    """A contract runner id: not blank, at most 64 characters (the column's width)."""
    if not isinstance(runner_id, str) or not runner_id.strip():
        raise InvalidAccountError(f"invalid runner id {runner_id!r}: it is empty")
    if len(runner_id) > RUNNER_ID_MAX_CHARS:
        raise InvalidAccountError(f"runner id longer than {RUNNER_ID_MAX_CHARS} characters")
    return runner_id


def parse_role(role: Role | str) -> Role:
    """The role of that name, or InvalidAccountError listing the roles there are."""
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidAccountError(f"unknown role {role!r}; roles are {known}") from None


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a corrupt stored hash is a non-match, never a crash."""
    try:
        return hasher.verify(password_hash, password)
    except VerifyMismatchError:
        return False
    except (InvalidHashError, VerificationError):
        logger.error("a stored password hash cannot be read; the login is refused")
        return False


def aware_now(clock: Clock) -> datetime:
    """``clock()``, refusing a naive datetime: it would fail later, far from its cause."""
    now = clock()
    if now.tzinfo is None:
        raise ValueError(f"the clock returned a naive datetime {now!r}; it must be aware UTC")
    return now


async def create_user(
    db: SqlExecutor,
    username: str,
    role: Role | str,
    password: str,
    *,
    runner_id: str | None = None,
    allow_short_password: bool = False,
    hasher: PasswordHasher | None = None,
    clock: Clock = utc_now,
) -> str:
    """Create an account in the caller's transaction and return its id.

    ``allow_short_password`` exists only for the simulator's demo accounts, whose password the
    operator chooses on the command line (default ``demo``). A ``runner`` account must name the
    one runner it acts for. Raises :class:`InvalidAccountError` or :class:`UsernameTakenError`.
    """
    validate_username(username)
    parsed = parse_role(role)
    validate_password(password, allow_short=allow_short_password)
    if parsed is Role.RUNNER:
        if runner_id is None:
            raise InvalidAccountError("a runner account needs the runner id it acts for")
        validate_runner_id(runner_id)
    elif runner_id is not None:
        raise InvalidAccountError(f"only runner accounts are bound to a runner, not {parsed}")
    existing = await db.execute(select(users.c.id).where(users.c.username == username))
    if existing.first() is not None:
        raise UsernameTakenError(f"username {username!r} is already taken")
    password_hash = await asyncio.to_thread((hasher or default_password_hasher()).hash, password)
    user_id = str(uuid.uuid4())
    values = {
        "id": user_id,
        "username": username,
        "role": parsed.value,
        "runner_id": runner_id,
        "password_hash": password_hash,
        "created_at": aware_now(clock),
    }
    try:
        await db.execute(insert(users).values(**values))
    except IntegrityError as exc:  # a concurrent create_user won the race
        raise UsernameTakenError(f"username {username!r} is already taken") from exc
    return user_id


async def ensure_demo_users(
    db: SqlExecutor,
    password: str = DEMO_PASSWORD,
    *,
    hasher: PasswordHasher | None = None,
    clock: Clock = utc_now,
) -> list[str]:
    """Make the three demo accounts exist with ``password`` and their roles (``--simulate``).

    Existing demo accounts get the password of this start, so restarting with another
    ``--demo-password`` on the same database takes effect. Returns the accounts created or changed.
    """
    hasher = hasher or default_password_hasher()
    validate_password(password, allow_short=True)
    changed: list[str] = []
    for username, role in DEMO_ACCOUNTS.items():
        row = (
            await db.execute(
                select(users.c.id, users.c.role, users.c.password_hash).where(
                    users.c.username == username
                )
            )
        ).first()
        if row is None:
            await create_user(
                db, username, role, password, allow_short_password=True, hasher=hasher, clock=clock
            )
            changed.append(username)
            continue
        matches = await asyncio.to_thread(verify_password, hasher, row.password_hash, password)
        if matches and row.role == role.value:
            continue
        new_hash = row.password_hash if matches else await asyncio.to_thread(hasher.hash, password)
        await db.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(role=role.value, runner_id=None, password_hash=new_hash)
        )
        # A demo password change must end the sessions opened with the old one.
        await db.execute(delete(tokens).where(tokens.c.user_id == row.id))
        changed.append(username)
    return changed


async def remove_demo_users(db: SqlExecutor) -> int:
    """Delete the demo accounts and their tokens: without ``--simulate`` there are none."""
    names = list(DEMO_ACCOUNTS)
    ids = select(users.c.id).where(users.c.username.in_(names)).scalar_subquery()
    await db.execute(delete(tokens).where(tokens.c.user_id.in_(ids)))
    result = await db.execute(delete(users).where(users.c.username.in_(names)))
    return int(getattr(result, "rowcount", 0) or 0)
