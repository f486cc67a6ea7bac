"""The console's client of the dispatch API: one ``httpx.AsyncClient`` for the app's life.

Every console endpoint of the contract is a typed method returning the domain's values. Every
call has a timeout; failures arrive as the exceptions of :mod:`console.api.problems` and never as
raw httpx errors, so the services above deal with three outcomes only: an answer, a refusal
(:class:`ApiProblem`), or no answer (:class:`ApiUnavailable`).

The client logs in with the OAuth2 password grant and keeps the token in memory only. It renews
the token shortly before the server says it expires, and when a call still meets a 401 (the
server restarted, the idle timeout struck) it logs in again once and repeats the call: changing
calls carry an ``Idempotency-Key``, so repeating them is safe.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

import anyio._backends._asyncio
import httpcore
import httpx
import httpx_sse

from console.api.commands import Command, CommandKind
from console.api.problems import (
    AccountLocked,
    ApiError,
    ApiTimeout,
    ApiUnavailable,
    BadResponse,
    Forbidden,
    Unauthorised,
    problem_from_response,
)
from console.api.settings import ApiSettings, tls_verification
from console.api.wire import (
    Rejected,
    many,
    one,
    parse_seq,
    read_event,
    read_event_text,
    response_json,
)
from console.domain.model import Aed, Event, Mission, ModelError, Runner
from console.domain.timefmt import TimeFormatError, format_time, parse_time

log = logging.getLogger("console.api")

#: What httpx imports on its first request, imported with this module instead: the first
#: request is the login at start-up, and those imports (~60 ms) would stall the event loop.
_LOADED_AHEAD: Final = (httpcore, anyio._backends._asyncio)

#: The contract caps a page at 1,000 items.
MAX_PAGE_LIMIT: Final = 1000
#: The default read timeout of the event stream: the sync's watchdog (20 s) acts first; this only
#: guarantees that a stream without a watchdog cannot hang for ever.
DEFAULT_STREAM_READ_TIMEOUT_S: Final = 60.0
USER_AGENT: Final = "amk-console/0.1"


@dataclass(frozen=True, slots=True)
class Health:
    status: str
    version: str
    time: datetime


@dataclass(frozen=True, slots=True)
class Session:
    """Who the client is logged in as; the token itself never leaves the client."""

    username: str
    role: str
    expires_in_s: float


@dataclass(frozen=True, slots=True)
class AedFetch:
    """The AED list, or word that the copy behind ``etag`` is still current (a 304)."""

    not_modified: bool
    aeds: tuple[Aed, ...] | None
    etag: str | None


@dataclass(frozen=True, slots=True)
class MissionPage:
    items: tuple[Mission, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of the event log; ``rejected`` holds the items that could not be read."""

    events: tuple[Event, ...]
    rejected: tuple[Rejected, ...]
    next_after: int | None

    @property
    def last_seq(self) -> int | None:
        """The highest seq of the page, readable or not."""
        seqs = [e.seq for e in self.events] + [r.seq for r in self.rejected if r.seq is not None]
        return max(seqs) if seqs else None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    text: str
    runner_id: str | None
    at: datetime

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        if not isinstance(data, Mapping):
            raise ModelError("message: expected a JSON object")
        try:
            ident, text, runner_id = data["id"], data["text"], data.get("runner_id")
            at = parse_time(data["at"])
        except (KeyError, TimeFormatError) as exc:
            raise ModelError(f"message: {exc}") from exc
        if not isinstance(ident, str) or not isinstance(text, str):
            raise ModelError("message: id and text must be strings")
        if runner_id is not None and not isinstance(runner_id, str):
            raise ModelError("message: runner_id must be a string or null")
        return cls(ident, text, runner_id, at)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "runner_id": self.runner_id,
            "at": format_time(self.at),
        }


CommandResult = Mission | Message


class DispatchClient:
    """The dispatch API, typed. Build one per application and close it on quit."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._monotonic = monotonic
        self._http = httpx.AsyncClient(
            base_url=settings.api_root,
            timeout=httpx.Timeout(settings.call_timeout_s, connect=settings.connect_timeout_s),
            verify=tls_verification(settings),
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        self._credentials: tuple[str, str] | None = None
        if settings.username is not None and settings.password is not None:
            self._credentials = (settings.username, settings.password)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._session: Session | None = None
        self._login_lock = asyncio.Lock()
        self._logins = 0
        #: The credentials the server last refused, and how: never sent again on their own
        #: (retrying a wrong password locks the account); :meth:`login` tries again.
        self._refused: tuple[tuple[str, str], ApiError] | None = None

    @property
    def settings(self) -> ApiSettings:
        return self._settings

    @property
    def session(self) -> Session | None:
        """The current login, or None before the first one."""
        return self._session

    @property
    def has_credentials(self) -> bool:
        return self._credentials is not None

    @property
    def logins(self) -> int:
        """How many times the client has logged in (a re-login after expiry counts)."""
        return self._logins

    async def __aenter__(self) -> DispatchClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # ----------------------------------------------------------------- authentication

    async def login(self, username: str | None = None, password: str | None = None) -> Session:
        """Log in (with new credentials, or the configured ones) and remember them for renewal."""
        if (username is None) != (password is None):
            raise ValueError("login: give both username and password, or neither")
        if username is not None and password is not None:
            self._credentials = (username, password)
        if self._credentials is None:
            raise Unauthorised(
                type="about:blank", title="Not logged in", status=401, detail="no credentials"
            )
        async with self._login_lock:
            self._refused = None
            return await self._login(*self._credentials)

    async def warm_up(self) -> None:
        """Log in now, while the caller does other things, so its first call needs no login.

        A failure is only logged here: the first call meets it again (a refused password
        without a second attempt at the server).
        """
        if self._credentials is None:
            return
        try:
            await self._current_token()
        except ApiError as exc:
            log.info("the early login did not work: %s", exc)

    def forget_token(self) -> None:
        """Drop the token, so the next call logs in again (e.g. after the server restarted)."""
        self._token = None
        self._token_expires_at = 0.0

    async def _login(self, username: str, password: str) -> Session:
        what = "POST /v1/auth/token"
        try:
            response = await self._http.post(
                "/v1/auth/token",
                data={"grant_type": "password", "username": username, "password": password},
            )
        except httpx.TimeoutException as exc:
            raise ApiTimeout(f"{what}: no answer ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise ApiUnavailable(f"{what}: {_describe(exc)}") from exc
        if response.status_code != 200:
            problem = problem_from_response(response)
            if isinstance(problem, Unauthorised | AccountLocked | Forbidden):
                self._refused = ((username, password), problem)
            raise problem
        body = response_json(response, what)
        token = body.get("access_token") if isinstance(body, dict) else None
        expires_in = body.get("expires_in") if isinstance(body, dict) else None
        role = body.get("role") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponse(f"{what}: no access_token in the answer")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            raise BadResponse(f"{what}: expires_in must be a number, got {expires_in!r}")
        if not isinstance(role, str):
            raise BadResponse(f"{what}: role must be a string, got {role!r}")
        self._token = token
        self._token_expires_at = self._monotonic() + float(expires_in)
        self._session = Session(username=username, role=role, expires_in_s=float(expires_in))
        self._logins += 1
        log.info("logged in to %s as %s (%s)", self._settings.api_root, username, role)
        return self._session

    def _token_fresh(self) -> bool:
        margin = self._settings.token_refresh_margin_s
        return self._token is not None and self._monotonic() < self._token_expires_at - margin

    async def _current_token(self) -> str:
        if self._token_fresh():
            return cast(str, self._token)
        async with self._login_lock:
            if not self._token_fresh():
                if self._refused is not None and self._refused[0] == self._credentials:
                    raise self._refused[1]
                if self._credentials is None:
                    raise Unauthorised(
                        type="about:blank",
                        title="Not logged in",
                        status=401,
                        detail="the console has no credentials for the dispatch server",
                    )
                await self._login(*self._credentials)
            return cast(str, self._token)

    def _token_rejected(self, token: str | None) -> bool:
        """Forget ``token`` after a 401; True when logging in again may help."""
        if token is not None and token == self._token:
            self.forget_token()
        return self._credentials is not None

    # ----------------------------------------------------------------- plumbing

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int | float] | None = None,
        body: str | None = None,
        headers: Mapping[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
        auth: bool = True,
    ) -> httpx.Response:
        what = f"{method} {path}"
        for attempt in (1, 2):
            request_headers = dict(headers or {})
            token = None
            if auth:
                token = await self._current_token()
                request_headers["Authorization"] = f"Bearer {token}"
            if body is not None:
                request_headers["Content-Type"] = "application/json"
            try:
                response = await self._http.request(
                    method,
                    path,
                    params=dict(params) if params else None,
                    content=body.encode() if body is not None else None,
                    headers=request_headers,
                )
            except httpx.TimeoutException as exc:
                raise ApiTimeout(f"{what}: no answer in time ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise ApiUnavailable(f"{what}: {_describe(exc)}") from exc
            except httpx.DecodingError as exc:
                raise BadResponse(f"{what}: undecodable answer ({exc})") from exc
            if response.status_code in expect:
                return response
            if (
                response.status_code == 401
                and auth
                and attempt == 1
                and self._token_rejected(token)
            ):
                log.info("%s: token no longer accepted; logging in again", what)
                continue
            raise problem_from_response(response)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._call(method, path, **kwargs)
        return response_json(response, f"{method} {path}")

    # ----------------------------------------------------------------- reads

    async def health(self) -> Health:
        data = await self._json("GET", "/v1/health", auth=False)
        try:
            return Health(str(data["status"]), str(data["version"]), parse_time(data["time"]))
        except (KeyError, TypeError, TimeFormatError) as exc:
            raise BadResponse(f"GET /v1/health: {exc!r}") from exc

    async def fetch_aeds(
        self, etag: str | None = None, bbox: tuple[float, float, float, float] | None = None
    ) -> AedFetch:
        """All AEDs (or those in ``bbox`` = min lon, min lat, max lon, max lat).

        With the ``etag`` of the copy the caller holds, an unchanged list costs a 304 and no body.
        """
        headers = {"If-None-Match": etag} if etag else None
        params = {"bbox": ",".join(repr(float(v)) for v in bbox)} if bbox else None
        response = await self._call(
            "GET", "/v1/aeds", params=params, headers=headers, expect=(200, 304)
        )
        new_etag = response.headers.get("etag") or etag
        if response.status_code == 304:
            return AedFetch(True, None, new_etag)
        aeds = many(Aed.from_json, response_json(response, "GET /v1/aeds"), "GET /v1/aeds")
        return AedFetch(False, tuple(aeds), response.headers.get("etag"))

    async def runners_near(self, lat: float, lon: float, radius_m: float) -> list[Runner]:
        what = "GET /v1/runners"
        data = await self._json(
            "GET", "/v1/runners", params={"lat": lat, "lon": lon, "radius_m": radius_m}
        )
        return many(Runner.from_json, data, what)

    async def missions(
        self,
        *,
        state: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> MissionPage:
        params: dict[str, str | int | float] = {}
        if state is not None:
            if state not in {"open", "ended"}:
                raise ValueError(f"state must be 'open' or 'ended', got {state!r}")
            params["state"] = state
        if since is not None:
            params["since"] = format_time(since)
        if until is not None:
            params["until"] = format_time(until)
        if limit is not None:
            params["limit"] = _limit(limit)
        if cursor is not None:
            params["cursor"] = cursor
        what = "GET /v1/missions"
        data = await self._json("GET", "/v1/missions", params=params)
        if not isinstance(data, dict) or "items" not in data:
            raise BadResponse(f"{what}: expected {{items, next_cursor}}")
        next_cursor = data.get("next_cursor")
        if next_cursor is not None and not isinstance(next_cursor, str):
            raise BadResponse(f"{what}: next_cursor must be a string or null")
        return MissionPage(tuple(many(Mission.from_json, data["items"], what)), next_cursor)

    async def all_missions(self, *, state: str | None = None) -> list[Mission]:
        """Every mission of ``state``, following the cursor through all pages."""
        found: list[Mission] = []
        cursor: str | None = None
        while True:
            page = await self.missions(state=state, limit=MAX_PAGE_LIMIT, cursor=cursor)
            found.extend(page.items)
            if page.next_cursor is None or not page.items:
                return found
            cursor = page.next_cursor

    async def mission(self, mission_id: str) -> Mission:
        path = f"/v1/missions/{_segment(mission_id)}"
        return one(Mission.from_json, await self._json("GET", path), f"GET {path}")

    async def mission_events(self, mission_id: str) -> list[Event]:
        """A mission's events in seq order; one unreadable event makes the whole answer bad."""
        path = f"/v1/missions/{_segment(mission_id)}/events"
        return many(Event.from_json, await self._json("GET", path), f"GET {path}")

    async def events_page(self, after: int, limit: int = MAX_PAGE_LIMIT) -> EventPage:
        """Events after ``after`` in seq order (the catch-up form of ``GET /v1/events``)."""
        if after < 0:
            raise ValueError(f"after must not be negative, got {after}")
        what = "GET /v1/events"
        data = await self._json(
            "GET",
            "/v1/events",
            params={"after": after, "limit": _limit(limit)},
            headers={"Accept": "application/json"},
        )
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise BadResponse(f"{what}: expected {{items, next_after}}")
        events: list[Event] = []
        rejected: list[Rejected] = []
        for item in data["items"]:
            parsed = read_event(item)
            if isinstance(parsed, Event):
                events.append(parsed)
            else:
                rejected.append(parsed)
        next_after = data.get("next_after")
        if next_after is not None and (
            isinstance(next_after, bool) or not isinstance(next_after, int)
        ):
            raise BadResponse(f"{what}: next_after must be an integer or null")
        return EventPage(tuple(events), tuple(rejected), next_after)

    # ----------------------------------------------------------------- mission-changing calls

    async def send(self, command: Command, idempotency_key: str | None = None) -> CommandResult:
        """Send a mission-changing command; the outbox passes the key it stored with it."""
        key = idempotency_key or new_idempotency_key()
        what = f"POST {command.path}"
        response = await self._call(
            "POST",
            command.path,
            body=command.body_json(),
            headers={"Idempotency-Key": key},
            expect=(200, 201),
        )
        data = response_json(response, what)
        if command.kind is CommandKind.MESSAGE:
            return one(Message.from_json, data, what)
        return one(Mission.from_json, data, what)

    async def raise_mission(self, command: Command, idempotency_key: str | None = None) -> Mission:
        if command.kind is not CommandKind.RAISE:
            raise ValueError(f"raise_mission needs a raise command, got {command.kind.value}")
        return cast(Mission, await self.send(command, idempotency_key))

    async def alert_more(
        self, mission_id: str, count: int, radius_m: float, idempotency_key: str | None = None
    ) -> Mission:
        command = Command.alert_more(mission_id, count, radius_m)
        return cast(Mission, await self.send(command, idempotency_key))

    async def message(
        self,
        mission_id: str,
        text: str,
        runner_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Message:
        command = Command.message(mission_id, text, runner_id)
        return cast(Message, await self.send(command, idempotency_key))

    async def cancel(
        self, mission_id: str, reason: str, idempotency_key: str | None = None
    ) -> Mission:
        command = Command.cancel(mission_id, reason)
        return cast(Mission, await self.send(command, idempotency_key))

    async def close(
        self, mission_id: str, outcome: str, idempotency_key: str | None = None
    ) -> Mission:
        command = Command.close(mission_id, outcome)
        return cast(Mission, await self.send(command, idempotency_key))

    # ----------------------------------------------------------------- live events

    @asynccontextmanager
    async def event_stream(
        self,
        after: int,
        *,
        on_activity: Callable[[], None] | None = None,
        read_timeout_s: float = DEFAULT_STREAM_READ_TIMEOUT_S,
    ) -> AsyncIterator[AsyncIterator[Event | Rejected]]:
        """The live event stream resuming after seq ``after``.

        ``after`` is always sent (as ``Last-Event-ID`` and ``?after=``), also 0, so a stream never
        silently starts "from now". ``on_activity`` is called for every chunk received, keep-alive
        comments included, which is what the sync's watchdog feeds on.
        """
        if after < 0:
            raise ValueError(f"after must not be negative, got {after}")
        what = "GET /v1/events (stream)"
        timeout = httpx.Timeout(
            self._settings.call_timeout_s,
            connect=self._settings.connect_timeout_s,
            read=read_timeout_s,
        )
        response: httpx.Response | None = None
        for attempt in (1, 2):
            token = await self._current_token()
            request = self._http.build_request(
                "GET",
                "/v1/events",
                params={"after": after},
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": "text/event-stream",
                    "Cache-Control": "no-store",
                    "Last-Event-ID": str(after),
                },
                timeout=timeout,
            )
            try:
                response = await self._http.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise ApiTimeout(f"{what}: no answer in time ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise ApiUnavailable(f"{what}: {_describe(exc)}") from exc
            if response.status_code == 200:
                break
            try:
                await response.aread()
            except httpx.TransportError as exc:
                raise ApiUnavailable(f"{what}: {_describe(exc)}") from exc
            finally:
                await response.aclose()
            if response.status_code == 401 and attempt == 1 and self._token_rejected(token):
                log.info("%s: token no longer accepted; logging in again", what)
                continue
            raise problem_from_response(response)
        assert response is not None
        try:
            yield _stream_messages(response, on_activity or _nothing, what)
        finally:
            await response.aclose()


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


class _ActivityTap:
    """A response stand-in for httpx-sse that reports every chunk it passes on."""

    def __init__(self, response: httpx.Response, on_activity: Callable[[], None]) -> None:
        self._response = response
        self._on_activity = on_activity

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    async def aiter_text(self) -> AsyncIterator[str]:
        async for chunk in self._response.aiter_text():
            self._on_activity()
            yield chunk


async def _stream_messages(
    response: httpx.Response, on_activity: Callable[[], None], what: str
) -> AsyncIterator[Event | Rejected]:
    source = httpx_sse.EventSource(cast(httpx.Response, _ActivityTap(response, on_activity)))
    messages = source.aiter_sse()
    try:
        async for message in messages:
            if not message.data:
                # The SSE spec dispatches nothing with an empty data buffer; httpx-sse yields
                # one (keeping the last id) for the blank line after each keep-alive comment.
                continue
            yield read_event_text(message.data, seq_hint=parse_seq(message.id))
    except httpx.TimeoutException as exc:
        raise ApiTimeout(f"{what}: nothing received in time") from exc
    except httpx.TransportError as exc:
        raise ApiUnavailable(f"{what}: {_describe(exc)}") from exc
    except httpx_sse.SSEError as exc:
        raise BadResponse(f"{what}: {exc}") from exc
    finally:
        await messages.aclose()


def _nothing() -> None:
    return None


def _describe(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise ValueError(f"limit must be 1–{MAX_PAGE_LIMIT}, got {limit!r}")
    return limit


def _segment(ident: str) -> str:
    """An id as one path segment; an id that could escape it is refused, not encoded."""
    if not isinstance(ident, str) or not ident or "/" in ident or ident in {".", ".."}:
        raise ValueError(f"not a usable id: {ident!r}")
    return ident


__all__ = [
    "AedFetch",
    "CommandResult",
    "DispatchClient",
    "EventPage",
    "Health",
    "Message",
    "MissionPage",
    "Session",
    "new_idempotency_key",
]
