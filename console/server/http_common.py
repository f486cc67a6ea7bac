"""What every route module shares: the services of this process, who may call, replies, and
the one way a request that changes missions is run (idempotency keys included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel

from console.server.dispatch import Dispatch, Operation, Reply
from console.server.idempotency import IdempotencyKey
from console.server.security import Principal, Role, require_roles, require_runner
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


#: Console reads: dispatchers and supervisors.
Reader = Annotated[Principal, Depends(require_roles(Role.DISPATCHER, Role.SUPERVISOR))]


@dataclass(frozen=True)
class Change:
    """A request that changes missions: who sends it, with which ``Idempotency-Key``.

    Every such route builds a :class:`Dispatch` operation from its body and hands it to
    :meth:`run`, so idempotency is honoured the same way everywhere.
    """

    services: ServerServices
    principal: Principal
    request: Request
    idempotency_key: str | None

    @property
    def dispatch(self) -> Dispatch:
        return self.services.dispatch

    @property
    def by(self) -> str:
        """Who the events record as acting (``by``)."""
        return self.principal.username

    async def run(self, body: BaseModel | None, operation: Operation) -> Response:
        """Run the operation, or answer a repeated key from storage."""
        payload: Any = None if body is None else body.model_dump(mode="json")
        request = self.request
        key = IdempotencyKey.of(
            self.principal.subject, self.idempotency_key, request.method, request.url.path, payload
        )
        return reply_response(await self.dispatch.run(key, operation))


_Dispatcher = Annotated[Principal, Depends(require_roles(Role.DISPATCHER))]
# The same role check as ``current_runner_id``, so a runner's token is resolved once a request.
_Runner = Annotated[Principal, Depends(require_runner)]


async def _dispatcher_change(
    request: Request,
    services: Services,
    caller: _Dispatcher,
    idempotency_key: IdempotencyHeader = None,
) -> Change:
    return Change(services, caller, request, idempotency_key)


async def _runner_change(
    request: Request, services: Services, caller: _Runner, idempotency_key: IdempotencyHeader = None
) -> Change:
    return Change(services, caller, request, idempotency_key)


#: A mission change by a dispatcher (raise, alert more, message, cancel, close).
DispatcherChange = Annotated[Change, Depends(_dispatcher_change)]
#: A change by a runner for itself (accept, decline, status).
RunnerChange = Annotated[Change, Depends(_runner_change)]
