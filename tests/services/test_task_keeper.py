"""The task keeper holds tasks, logs failures by name, and treats cancellation as normal."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from console.services.tasks import TaskKeeper


async def test_a_task_nobody_else_holds_still_runs_to_the_end() -> None:
    keeper = TaskKeeper()
    done = asyncio.Event()

    async def work() -> None:
        await asyncio.sleep(0.01)
        done.set()

    keeper.spawn(work(), name="work")
    gc.collect()
    await asyncio.wait_for(done.wait(), 1)
    await asyncio.sleep(0)
    assert len(keeper) == 0


@pytest.mark.allow_log_warnings
async def test_a_failure_is_logged_with_the_tasks_name(caplog: pytest.LogCaptureFixture) -> None:
    keeper = TaskKeeper()

    async def broken() -> None:
        raise ValueError("boom")

    task = keeper.spawn(broken(), name="aed-refresh")
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0)
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "background task aed-refresh failed"
    assert record.exc_info is not None


async def test_cancelling_is_normal_and_quiet(caplog: pytest.LogCaptureFixture) -> None:
    keeper = TaskKeeper()
    keeper.spawn(asyncio.sleep(60), name="sleeper")
    keeper.spawn(asyncio.sleep(60), name="other")
    await keeper.aclose()
    assert len(keeper) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    coro = asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="closed"):
        keeper.spawn(coro, name="late")


async def test_replace_cancels_the_superseded_task() -> None:
    keeper = TaskKeeper()
    first = keeper.spawn(asyncio.sleep(60), name="fetch")
    with pytest.raises(RuntimeError, match="already running"):
        keeper.spawn(asyncio.sleep(60), name="fetch")
    second = keeper.spawn(asyncio.sleep(60), name="fetch", replace=True)
    await asyncio.sleep(0)
    assert first.cancelled()
    assert keeper.running("fetch")
    await keeper.aclose()
    assert second.cancelled()
