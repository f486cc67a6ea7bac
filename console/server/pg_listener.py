"""LISTEN on PostgreSQL so this process hears the other processes' commits as they happen.

Notifications are sent inside the writing transaction and delivered at its commit, in commit
order. They are a *hint*: events are always read back from the log (see :mod:`event_hub`), and
a reconnect after a dropped connection asks its subscribers to resynchronise, since
notifications sent while nobody listened are gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import psycopg

from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.notify")

Handler = Callable[[str], Awaitable[None]]


class PgListener:
    def __init__(
        self,
        conninfo: str,
        handlers: Mapping[str, Handler],
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
        *,
        retry_s: float = 1.0,
    ) -> None:
        self._conninfo = conninfo
        self._handlers = dict(handlers)
        self._on_reconnect = on_reconnect
        self._retry_s = retry_s
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pg-listener")
        # Listening must be in place before the caller reads the log's current end; otherwise a
        # commit between the two would be announced to nobody (the poll would still find it).
        async with asyncio.timeout(30):
            await self._ready.wait()

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as conn:
                    for channel in self._handlers:
                        await conn.execute(f'LISTEN "{channel}"')
                    self._ready.set()
                    if not first and self._on_reconnect is not None:
                        await self._on_reconnect()
                    first = False
                    async for notice in conn.notifies():
                        handler = self._handlers.get(notice.channel)
                        if handler is not None:
                            await handler(notice.payload)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the LISTEN connection; reconnecting", exc_info=True)
                await asyncio.sleep(self._retry_s)
