"""The contract's limit on request bodies (64 KiB → ``413``), as pure ASGI middleware.

Pure ASGI rather than Starlette's ``BaseHTTPMiddleware`` so the body is never buffered: a
chunked upload is counted as it streams and refused the moment it passes the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console.server.problems import ProblemError

#: The contract's limit on request bodies (dispatch-api.md, Conventions).
MAX_BODY_BYTES: Final = 64 * 1024


class BodyTooLargeError(ProblemError):
    """Raised from ``receive`` once a body passes the limit; an ``HTTPException``, so FastAPI's
    body parsing lets it through to the problem handler instead of turning it into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            "payload-too-large",
            "Request body too large",
            f"Request bodies are limited to {limit} bytes.",
        )


class BodySizeLimitMiddleware:
    """Pure ASGI middleware: bodies over ``max_body_bytes`` get a 413 problem.

    A declared ``Content-Length`` over the limit is refused before the app runs; a chunked body
    is counted while it streams and refused as soon as it passes the limit, so no more than the
    limit is ever buffered.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        if max_body_bytes < 0:
            raise ValueError(f"max_body_bytes must not be negative, got {max_body_bytes}")
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = _declared_length(scope.get("headers", ()))
        if declared is not None and declared > limit:
            await BodyTooLargeError(limit).to_response(instance=scope.get("path"))(
                scope, receive, send
            )
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLargeError as exc:
            # Normally the problem handler has answered already; this catches bodies read by
            # middleware outside the handlers.
            if response_started:
                raise
            await exc.to_response(instance=scope.get("path"))(scope, receive, send)


def _declared_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
