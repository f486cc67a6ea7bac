"""Everything the dispatch API client raises, with the server's problem documents made typed.

The server answers errors with RFC 9457 problem documents whose ``type`` ends in a stable slug.
Callers branch on *what went wrong* (the responder is too far, the mission has ended, the token is
no longer valid) and never on status codes or message text, so each slug gets its own exception
class. Two failures are not problems at all and get their own classes: no answer
(:class:`ApiUnavailable`: the outbox retries those) and an answer the contract does not allow
(:class:`BadResponse`: a server bug, never retried blindly).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

#: How much of a non-JSON error body is kept in a problem's detail (enough to recognise a proxy's
#: HTML page, not enough to flood a log).
_MAX_BODY_IN_DETAIL = 200


class ApiError(Exception):
    """Any failure of a dispatch API call."""


class ApiUnavailable(ApiError):
    """No answer: the server is unreachable, the connection broke, or the call timed out.

    The request may or may not have reached the server; that is why changing calls carry an
    ``Idempotency-Key`` and may be sent again.
    """


class ApiTimeout(ApiUnavailable):
    """The server did not answer within the call's timeout."""


class BadResponse(ApiError):
    """The server answered, but with something the contract does not allow (a server bug)."""


class ApiProblem(ApiError):
    """An RFC 9457 problem document: the server understood the request and refused it."""

    #: The slug (last path segment of ``type``) this class stands for; ``""`` for the base class.
    slug: ClassVar[str] = ""

    def __init__(
        self,
        *,
        type: str,
        title: str,
        status: int,
        detail: str | None = None,
        document: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        message = f"{status} {title}" + (f": {detail}" if detail else "")
        super().__init__(message)
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.document: Mapping[str, Any] = dict(document or {})
        self.retry_after = retry_after

    @property
    def reason(self) -> str:
        """One line for the dispatcher: the detail when there is one, else the title."""
        return self.detail or self.title


class ValidationProblem(ApiProblem):
    """422: the request body or parameters break the contract (too long, out of range...)."""

    slug = "validation"


class TooFar(ApiProblem):
    """409: the responder's confirmed position is outside the mission's radius."""

    slug = "too-far"


class MissionEnded(ApiProblem):
    """409: the mission was already cancelled or closed."""

    slug = "mission-ended"


class OutsideServiceArea(ApiProblem):
    """422: the location is outside the service area (Denmark and its waters)."""

    slug = "outside-service-area"


class Unauthorised(ApiProblem):
    """401: no valid token, or wrong credentials at login."""

    slug = "unauthorised"


class Forbidden(ApiProblem):
    """403: the user's role may not make this call (a supervisor raising a mission)."""

    slug = "forbidden"


class NotFound(ApiProblem):
    """404: no such mission (or endpoint)."""

    slug = "not-found"


class Conflict(ApiProblem):
    """409 with a slug this client does not know."""

    slug = "conflict"


class PayloadTooLarge(ApiProblem):
    """413: the request body is over the server's 64 KiB limit."""

    slug = "payload-too-large"


class TooManyRequests(ApiProblem):
    """429: login throttling or rate limiting; ``retry_after`` says when to try again."""

    slug = "too-many-requests"


class AccountLocked(TooManyRequests):
    """429: too many failed logins; the account is locked for a while (``retry_after``)."""

    slug = "locked"


class IdempotencyMismatch(ValidationProblem):
    """422: an ``Idempotency-Key`` was reused with a different body (a client bug)."""

    slug = "idempotency-mismatch"


class NotPossibleNow(Conflict):
    """409: the change is not possible in the mission's or responder's current state."""

    slug = "invalid-transition"


class ServerError(ApiProblem):
    """5xx: the server failed; the request may be retried."""

    slug = "server-error"


_BY_SLUG: dict[str, type[ApiProblem]] = {
    cls.slug: cls
    for cls in (
        ValidationProblem,
        TooFar,
        MissionEnded,
        OutsideServiceArea,
        Unauthorised,
        Forbidden,
        NotFound,
        PayloadTooLarge,
        TooManyRequests,
        AccountLocked,
        IdempotencyMismatch,
        NotPossibleNow,
        Conflict,
    )
}
# Spelling variants a server may use for the same meaning.
_BY_SLUG["unauthorized"] = Unauthorised
_BY_SLUG["unauthenticated"] = Unauthorised
_BY_SLUG["rate-limited"] = TooManyRequests

_BY_STATUS: dict[int, type[ApiProblem]] = {
    401: Unauthorised,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    422: ValidationProblem,
    429: TooManyRequests,
}


def problem_class(slug: str, status: int) -> type[ApiProblem]:
    """The exception class for a problem: by slug when known, else by status."""
    if slug in _BY_SLUG:
        return _BY_SLUG[slug]
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiProblem)


def problem_from_response(response: httpx.Response) -> ApiProblem:
    """The typed exception for an error response, also when its body is not a problem document.

    A proxy or a crashed server may answer with HTML or nothing; the status still says what kind
    of failure it is, so a synthetic problem of the right class is built rather than failing on
    the body.
    """
    status = response.status_code
    document = _json_object(response)
    retry_after = _retry_after(response.headers.get("retry-after"))
    if document is not None and isinstance(document.get("title"), str):
        type_ = document.get("type")
        type_text = type_ if isinstance(type_, str) and type_ else "about:blank"
        detail = document.get("detail")
        doc_status = document.get("status")
        if isinstance(doc_status, int) and not isinstance(doc_status, bool):
            status = doc_status if 400 <= doc_status <= 599 else status
        slug = type_text.rstrip("/").rsplit("/", 1)[-1]
        cls = problem_class(slug, status)
        return cls(
            type=type_text,
            title=document["title"],
            status=status,
            detail=detail if isinstance(detail, str) else None,
            document=document,
            retry_after=retry_after,
        )
    cls = problem_class("", status)
    body = response.text.strip() if _has_body(response) else ""
    return cls(
        type="about:blank",
        title=response.reason_phrase or f"HTTP {status}",
        status=status,
        detail=body[:_MAX_BODY_IN_DETAIL] or None,
        document=document,
        retry_after=retry_after,
    )


def _has_body(response: httpx.Response) -> bool:
    try:
        return bool(response.content)
    except httpx.ResponseNotRead:
        return False


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    if not _has_body(response):
        return None
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (content_type.endswith("/json") or content_type.endswith("+json")):
        return None
    try:
        parsed = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: rare for 429, and the caller's backoff still applies
    return seconds if seconds >= 0 else None
