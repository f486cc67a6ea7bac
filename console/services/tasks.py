"""Background tasks that do not vanish: strong references, logged failures, quiet cancellation.

``asyncio.create_task`` keeps only a weak reference to its task; a task nobody holds can be
garbage-collected mid-flight, and its exception is reported (if at all) when that happens. The
keeper holds every task until it ends, logs a failure at once with its name, treats
``CancelledError`` as the normal way to stop, and can replace a named task (a user-driven fetch
supersedes the previous one).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger("console.services")

T = TypeVar("T")


class TaskKeeper:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._closed = False

    def spawn(
        self, coro: Coroutine[Any, Any, T], *, name: str, replace: bool = False
    ) -> asyncio.Task[T]:
        """Run ``coro`` in the background; with ``replace``, cancel the running task of ``name``."""
        if self._closed:
            coro.close()
            raise RuntimeError(f"cannot start {name!r}: the task keeper is closed")
        previous = self._named.get(name)
        if previous is not None and not previous.done():
            if not replace:
                coro.close()
                raise RuntimeError(f"a task named {name!r} is already running")
            previous.cancel()
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        self._named[name] = task
        task.add_done_callback(self._finished)
        return task

    def running(self, name: str) -> bool:
        task = self._named.get(name)
        return task is not None and not task.done()

    def __len__(self) -> int:
        return len(self._tasks)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if self._named.get(task.get_name()) is task:
            del self._named[task.get_name()]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)

    async def aclose(self) -> None:
        """Cancel every task and wait for them to finish."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
