"""``GET /v1/events``: the event log as Server-Sent Events, or as JSON pages for catching up.

A stream resumes after ``Last-Event-ID`` (or ``?after=``) and then reads strictly "everything
after the last seq I sent", from the hub's window or from the log, so it delivers each event once,
in order, with no gap, whatever the writers are doing. A comment line keeps idle connections
(and the proxies between) alive and lets the client notice a dead link.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from console.server.api_docs import EventPageDoc
from console.server.http_common import Reader, Services, json_text
from console.server.problems import ProblemError, problem_responses
from console.server.services import ServerServices

router = APIRouter()


#: Events per SSE write: large enough to fan out fast, small enough to stream promptly.
_STREAM_BATCH = 500


def _wants_json(accept: str | None) -> bool:
    """JSON paging when the client asks for JSON and not for an event stream."""
    if not accept:
        return False
    kinds = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return "application/json" in kinds and "text/event-stream" not in kinds


def _resume_point(last_event_id: str | None, after: int | None) -> int | None:
    if last_event_id is not None and last_event_id.strip():
        text = last_event_id.strip()
        if not text.isdigit():
            raise ProblemError.of(
                "validation", "Last-Event-ID must be the seq of an event (a whole number)"
            )
        return int(text)
    return after


async def _stream(services: ServerServices, start: int) -> AsyncIterator[str]:
    hub = services.hub
    keepalive = services.config.keepalive_s
    cursor = start
    yield ": connected\n\n"  # sends the headers at once, so the client knows it is subscribed
    while True:
        batch = await hub.events_after(cursor, _STREAM_BATCH)
        if batch:
            yield "".join(
                f"id: {event.seq}\nevent: {event.type}\ndata: {event.to_json_text()}\n\n"
                for event in batch
            )
            cursor = batch[-1].seq
            continue
        if services.shutting_down.is_set():
            return  # ends the response, so the server's graceful shutdown need not wait
        try:
            async with asyncio.timeout(keepalive):
                await _first_of(hub.wait_beyond(cursor), services.shutting_down.wait())
        except TimeoutError:
            yield ": keepalive\n\n"


async def _first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


@router.get(
    "/v1/events",
    tags=["console"],
    summary="Server-Sent Events of every event (id: seq), or a JSON page with Accept: JSON",
    responses={
        200: {
            "description": "text/event-stream (id: seq, event: type, data: the Event), or a "
            "page {items, next_after} for Accept: application/json",
            "model": EventPageDoc,
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **problem_responses(401, 403, 422),
    },
)
async def events(
    request: Request,
    services: Services,
    _principal: Reader,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=30)] = None,
    accept: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    start = _resume_point(last_event_id, after)
    if _wants_json(accept):
        page = await services.event_log.read_after(start or 0, limit)
        next_after = page[-1].seq if page else (start or 0)
        items = ",".join(event.to_json_text() for event in page)
        return json_text(200, f'{{"items":[{items}],"next_after":{next_after}}}')
    if start is None:
        start = await services.event_log.last_seq()
    return StreamingResponse(
        _stream(services, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
