"""What every route module shares: the services of this process, replies, idempotency keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel

from console.server.dispatch import Operation, Reply
from console.server.idempotency import IdempotencyKey
from console.server.security import Principal
from console.server.services import ServerServices


async def get_services(request: Request) -> ServerServices:
    """Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, a thread
    hop on every request for a dictionary lookup."""
    services: ServerServices = request.app.state.services
    return services


Services = Annotated[ServerServices, Depends(get_services)]
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Same key and body answer the first response again (per user, 24 h+).",
    ),
]


def json_text(status: int, body: str, headers: dict[str, str] | None = None) -> Response:
    """A response whose JSON is already text (stored docs, stored idempotent replies)."""
    if status == 204:
        return Response(status_code=204, headers=headers)
    return Response(
        content=body, status_code=status, media_type="application/json", headers=headers
    )


def reply_response(reply: Reply) -> Response:
    headers = None
    if reply.select_s:
        # Server-Timing: how long choosing the runners took (the benchmark reads it).
        headers = {"Server-Timing": f"select;dur={reply.select_s * 1000:.3f}"}
    return json_text(reply.status, reply.body, headers)


async def run_operation(
    services: ServerServices,
    principal: Principal,
    key: str | None,
    request: Request,
    body: BaseModel | None,
    operation: Operation,
) -> Response:
    """Run a mission-changing operation, honouring ``Idempotency-Key``."""
    payload: Any = None if body is None else body.model_dump(mode="json")
    idem = IdempotencyKey.of(principal.subject, key, request.method, request.url.path, payload)
    reply = await services.dispatch.run(idem, operation)
    return reply_response(reply)
