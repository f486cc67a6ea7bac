"""Ending the service's background tasks (event hub tail, LISTEN loop, clean-up job, autopilot,
position writer, index compaction) the one same way."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(task: asyncio.Future[Any] | None) -> None:
    """Cancel ``task`` and wait until it has ended; its own ``CancelledError`` is the expected
    answer and is swallowed, but a cancellation of the caller while it waits is passed on."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
