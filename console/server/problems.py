"""RFC 9457 problem documents: the one shape every error of the dispatch service takes.

The contract (``dispatch-api.md``, Conventions) promises clients that every error is an
``application/problem+json`` document whose ``type`` ends in a stable slug. Clients branch on the
slug, never on the wording, so the slugs below are part of the contract and must not change;
titles and details are for people and may.

How the server uses this module:

* Raise :class:`ProblemError` anywhere (endpoints, dependencies, middleware reading the body);
  ``ProblemError.of("mission-ended", "…")`` takes the status and title from :data:`PROBLEM_TYPES`.
* Call :func:`install_problem_handlers` once in the app factory, so FastAPI's own errors
  (validation, unknown route, wrong method) and unexpected exceptions come out as problem
  documents too: a client never has to parse two error formats.
* Pass :func:`problem_responses` to a route's ``responses=`` so ``/openapi.json`` shows them.

``ProblemError`` subclasses Starlette's ``HTTPException`` on purpose: FastAPI re-raises an
``HTTPException`` raised while it reads a request body, whereas any other exception there becomes
a generic 400. That is what lets the body-size limit surface as a 413 problem.

Account lock-out is ``429`` with slug ``locked`` (not ``423``): ``Retry-After`` is defined for
``429``, every HTTP client already knows to wait on it, and the distinct slug still lets the
console say "account locked" rather than "slow down".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

#: ``type`` is a relative URI reference (RFC 9457 §3.1.1 allows it): ``/problems/<slug>``.
PROBLEM_TYPE_PREFIX: Final = "/problems/"

#: Every slug the service emits, with its status and a human title. Part of the contract.
PROBLEM_TYPES: Final[Mapping[str, tuple[int, str]]] = {
    "bad-request": (400, "Bad request"),
    "unauthorised": (401, "Authentication required"),
    "forbidden": (403, "Not allowed for this role"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "Not acceptable"),
    "conflict": (409, "Conflict"),
    "too-far": (409, "Too far from the patient"),
    "mission-ended": (409, "The mission has ended"),
    "invalid-transition": (409, "Not possible in the current state"),
    "duplicate-id": (409, "An object with this id exists"),
    "not-accepted": (403, "Only after accepting the alert"),
    "outside-service-area": (422, "Outside the service area"),
    "unknown-responder": (422, "Not a responder of this mission"),
    "payload-too-large": (413, "Request body too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "validation": (422, "Invalid request"),
    "idempotency-mismatch": (422, "Idempotency key reused with another request body"),
    "too-many-requests": (429, "Too many requests"),
    "locked": (429, "Account temporarily locked"),
    "internal": (500, "Internal server error"),
    "service-unavailable": (503, "Service unavailable"),
    "autopilot-unavailable": (503, "The autopilot is not available in this build"),
}

#: The slug used for a bare ``HTTPException`` of each status (FastAPI's routing raises these).
_SLUG_FOR_STATUS: Final[Mapping[int, str]] = {
    400: "bad-request",
    401: "unauthorised",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "too-many-requests",
    500: "internal",
    503: "service-unavailable",
}

_STANDARD_MEMBERS: Final = frozenset({"type", "title", "status", "detail", "instance"})

#: A validation answer lists at most this many field errors, each message cut to this length, so
#: a hostile body with thousands of bad fields cannot make the error bigger than the request.
MAX_VALIDATION_ERRORS: Final = 20
_MAX_ERROR_TEXT: Final = 200
_MAX_LOC_PART: Final = 64

#: JSON Schema of a problem document, inlined into OpenAPI responses (see problem_responses).
PROBLEM_SCHEMA: Final[Mapping[str, Any]] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "Ends in a stable slug: /problems/<slug>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}


def problem_type(slug: str) -> str:
    """The ``type`` URI of a slug."""
    return PROBLEM_TYPE_PREFIX + slug


class ProblemError(StarletteHTTPException):
    """An error that reaches the client as a problem document.

    ``extra`` holds extension members (RFC 9457 §3.2), e.g. ``distance_m`` for ``too-far``;
    they cannot shadow the standard members. ``headers`` go on the response (``Retry-After``,
    ``WWW-Authenticate``).
    """

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"a problem needs an error status (400-599), got {status}")
        if not slug or slug != slug.strip("/") or " " in slug:
            raise ValueError(f"problem slug must be a bare path segment, got {slug!r}")
        clash = _STANDARD_MEMBERS.intersection(extra or {})
        if clash:
            raise ValueError(f"extension members may not replace standard ones: {sorted(clash)}")
        super().__init__(status_code=status, detail=detail, headers=dict(headers or {}))
        self.status = status
        self.slug = slug
        self.title = title
        self.problem_detail = detail
        self.extra: dict[str, Any] = dict(extra or {})

    @classmethod
    def of(
        cls,
        slug: str,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> ProblemError:
        """A problem of a registered slug, its status and title taken from the registry."""
        try:
            status, title = PROBLEM_TYPES[slug]
        except KeyError:
            raise ValueError(
                f"unknown problem slug {slug!r}; known: {', '.join(sorted(PROBLEM_TYPES))}"
            ) from None
        return cls(status, slug, title, detail, headers=headers, extra=extra)

    def to_response(self, instance: str | None = None) -> JSONResponse:
        return problem_response(
            self.status,
            self.slug,
            self.title,
            self.problem_detail,
            instance=instance,
            headers=self.headers,
            extra=self.extra,
        )

    def __str__(self) -> str:
        return f"{self.status} {self.slug}: {self.problem_detail or self.title}"


def problem_body(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON object of a problem document (without HTTP around it)."""
    body: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    for key, value in (extra or {}).items():
        if key in _STANDARD_MEMBERS:
            raise ValueError(f"extension member {key!r} would replace a standard member")
        body[key] = value
    return body


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem document as a response with the ``application/problem+json`` media type."""
    return JSONResponse(
        problem_body(status, slug, title, detail, instance=instance, extra=extra),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries saying these statuses answer with a problem document."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        slug = _SLUG_FOR_STATUS.get(status)
        title = PROBLEM_TYPES[slug][1] if slug else _phrase(status)
        responses[status] = {
            "description": title,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": dict(PROBLEM_SCHEMA)}},
        }
    return responses


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Field errors without ``input`` or ``ctx``: the client sent the input, echoing it back only
    makes the answer as big as a hostile request and can copy free text into logs and proxies."""
    safe: list[dict[str, Any]] = []
    for error in errors[:MAX_VALIDATION_ERRORS]:
        if not isinstance(error, Mapping):
            safe.append({"loc": [], "msg": _clip(str(error), _MAX_ERROR_TEXT), "type": "error"})
            continue
        loc = [
            part if isinstance(part, int) else _clip(str(part), _MAX_LOC_PART)
            for part in error.get("loc", ())
        ]
        safe.append(
            {
                "loc": loc,
                "msg": _clip(str(error.get("msg", "")), _MAX_ERROR_TEXT),
                "type": _clip(str(error.get("type", "")), _MAX_LOC_PART),
            }
        )
    return safe


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return exc.to_response(instance=request.url.path)


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    shown = _safe_validation_errors(errors)
    if len(errors) > len(shown):
        detail = f"{len(errors)} invalid fields; the first {len(shown)} are listed in errors"
    else:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in shown
        )
    status, title = PROBLEM_TYPES["validation"]
    return problem_response(
        status,
        "validation",
        title,
        _clip(detail, 4 * _MAX_ERROR_TEXT),
        instance=request.url.path,
        extra={"errors": shown},
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    slug = _SLUG_FOR_STATUS.get(status, f"http-{status}")
    title = PROBLEM_TYPES[slug][1] if slug in PROBLEM_TYPES else _phrase(status)
    # Starlette fills detail with the status phrase when none is given; that says nothing new.
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != _phrase(status) else None
    return problem_response(
        status, slug, title, detail, instance=request.url.path, headers=exc.headers
    )


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: log it with its traceback for the operator, tell the client nothing about it.

    Starlette re-raises the exception after this response is sent so that the ASGI server logs it
    as well; the record here carries the request line so the two can be matched.
    """
    logger.error(
        "unhandled %s in %s %s",
        type(exc).__name__,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    status, title = PROBLEM_TYPES["internal"]
    return problem_response(
        status,
        "internal",
        title,
        "The server failed to handle this request; the error is logged.",
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` a problem document (call once, in the app factory)."""
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
