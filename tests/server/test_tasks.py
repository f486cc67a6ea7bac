"""Ending background tasks: the task's own cancellation is expected, the caller's is not."""

from __future__ import annotations

import asyncio

import pytest

from console.server.tasks import cancel_and_wait


async def test_a_running_task_is_cancelled_and_awaited() -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(forever())
    await started.wait()
    await cancel_and_wait(task)
    assert task.cancelled()
    await cancel_and_wait(task)  # again, and with nothing to end: no error
    await cancel_and_wait(None)


async def test_a_cancel_of_the_caller_while_it_waits_is_passed_on() -> None:
    release = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await release.wait()  # cleans up for a while after its cancel

    background = asyncio.create_task(slow_to_stop())
    await asyncio.sleep(0)
    stopper = asyncio.create_task(cancel_and_wait(background))
    await asyncio.sleep(0)
    stopper.cancel()  # the caller is cancelled while the background task still cleans up
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await stopper
    assert background.done()
