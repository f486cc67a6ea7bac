"""The AED register is read from the cache in the background; nothing that comes meanwhile is lost.

The services return before the register is read (a third of a second for Denmark), so the event
sync may commit an ``aed.status`` before it is shown, and a refresh may be asked for early.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from console.api.client import DispatchClient
from console.api.settings import ApiSettings
from console.cache.store import Cache, IngestResult
from console.domain.model import Aed, AedAccess, AedStatus
from console.services.aeds import AedService
from console.services.observable import Unsubscribe


class _Batches:
    """The event sync's one hook the register uses: committed batches, delivered by the test."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[IngestResult], None]] = []

    def on_batch(self, callback: Callable[[IngestResult], None]) -> Unsubscribe:
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    def commit(self, aed_status: dict[str, AedStatus]) -> None:
        result = IngestResult(
            stored=(), duplicates=0, problems=(), missions=(), aed_status=aed_status
        )
        for callback in list(self.callbacks):
            callback(result)


def _aed(n: int) -> Aed:
    return Aed(
        f"aed-{n}", 55.6 + n / 100, 12.5, f"Gade {n}", AedAccess.ALWAYS, None, AedStatus.AVAILABLE
    )


def _service(cache: Cache, batches: _Batches) -> AedService:
    client = DispatchClient(ApiSettings("http://127.0.0.1:9"))  # never called here
    return AedService(client, cache, batches)  # type: ignore[arg-type]


async def test_a_status_committed_before_the_register_is_read_is_applied_on_top(
    cache: Cache,
) -> None:
    await cache.replace_aeds([_aed(1), _aed(2)], '"v1"')
    batches = _Batches()
    service = _service(cache, batches)
    service.start()
    assert not service.loaded
    batches.commit({"aed-2": AedStatus.TAKEN, "aed-9": AedStatus.TAKEN})  # aed-9: not cached
    await service.load()
    assert service.loaded
    assert service.aeds["aed-1"].status is AedStatus.AVAILABLE
    assert service.aeds["aed-2"].status is AedStatus.TAKEN
    assert "aed-9" not in service.aeds
    batches.commit({"aed-1": AedStatus.OUT_OF_SERVICE})  # after the load: applied at once
    assert service.aeds["aed-1"].status is AedStatus.OUT_OF_SERVICE


async def test_waiting_for_the_register_ends_when_it_is_read_or_the_load_is_cancelled(
    cache: Cache,
) -> None:
    await cache.replace_aeds([_aed(1)], '"v1"')
    service = _service(cache, _Batches())
    waiter = asyncio.ensure_future(service.wait_loaded())
    await asyncio.sleep(0)
    assert not waiter.done()
    await service.load()
    await asyncio.wait_for(waiter, 5)
    assert list(service.aeds) == ["aed-1"]

    cancelled = _service(cache, _Batches())
    load = asyncio.ensure_future(cancelled.load())
    await asyncio.sleep(0)
    load.cancel()
    await asyncio.gather(load, return_exceptions=True)
    await asyncio.wait_for(cancelled.wait_loaded(), 5)  # a shut-down leaves nobody waiting
