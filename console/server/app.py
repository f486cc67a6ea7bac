"""The FastAPI application of ``amk-dispatchd``: routes, problem handlers, limits, lifespan.

FastAPI (on uvicorn) because it validates request bodies from the same pydantic models it
documents in ``/openapi.json``, its exception hooks let every error become a problem document,
and streaming responses carry SSE without a second framework.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console.server.body_limit import BodySizeLimitMiddleware
from console.server.problems import install_problem_handlers
from console.server.routes_console import VERSION, AedListCache
from console.server.routes_console import router as console_router
from console.server.routes_events import router as events_router
from console.server.routes_runner import router as runner_router
from console.server.routes_sim import router as sim_router
from console.server.security import auth_router
from console.server.services import ServerServices

access_log = logging.getLogger("amk.dispatchd.access")


class AccessLogMiddleware:
    """One INFO line per request: method, path, status, milliseconds.

    Never the query string or the body: ``/v1/runners?lat=&lon=`` carries a position, and the
    privacy rules keep positions, addresses and notes out of logs above DEBUG.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                access_log.info(
                    "%s %s %d %.1f ms",
                    scope["method"],
                    scope["path"],
                    status,
                    (time.perf_counter() - started) * 1000,
                    extra={"status": status, "path": scope["path"], "method": scope["method"]},
                )
            await send(message)

        await self.app(scope, receive, watch)


def create_app(services: ServerServices) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="AMK Hjerteløber dispatch API",
        version=VERSION,
        summary="Reference implementation of the remote dispatch API v1 (dispatch-api.md)",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.security = services.security
    app.state.aed_cache = AedListCache()
    install_problem_handlers(app)
    app.include_router(auth_router)
    app.include_router(console_router)
    app.include_router(events_router)
    app.include_router(runner_router)
    app.include_router(sim_router)
    app.add_middleware(AccessLogMiddleware)
    # Added last, so it runs outermost: an oversized body is refused before anything reads it.
    app.add_middleware(BodySizeLimitMiddleware)
    return app
