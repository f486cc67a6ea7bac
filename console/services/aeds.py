"""The AED register as an observable model: from the cache at once, refreshed cheaply online.

A refresh sends the ETag of the cached list, so an unchanged register (the usual case) costs one
304 and no body; status changes between refreshes arrive as ``aed.status`` events through the
event sync.
"""

from __future__ import annotations

from dataclasses import replace

from console.api.client import DispatchClient
from console.cache.store import Cache, IngestResult
from console.domain.model import Aed
from console.services.event_sync import EventSync
from console.services.observable import ObservableMap, Unsubscribe


class AedService:
    def __init__(self, client: DispatchClient, cache: Cache, sync: EventSync) -> None:
        self._client = client
        self._cache = cache
        self._sync = sync
        self.aeds: ObservableMap[str, Aed] = ObservableMap("aeds")
        self._unsubscribe: Unsubscribe | None = None

    async def start(self) -> None:
        """Show the cached register and follow status events."""
        if self._unsubscribe is None:
            self._unsubscribe = self._sync.on_batch(self._apply)
        self.aeds.replace_all({aed.id: aed for aed in await self._cache.aeds()})

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    async def refresh(self) -> bool:
        """Fetch the register unless unchanged; True when it changed."""
        fetched = await self._client.fetch_aeds(etag=await self._cache.aed_etag())
        if fetched.not_modified or fetched.aeds is None:
            return False
        await self._cache.replace_aeds(fetched.aeds, fetched.etag)
        self.aeds.replace_all({aed.id: aed for aed in fetched.aeds})
        return True

    def _apply(self, result: IngestResult) -> None:
        for aed_id, status in result.aed_status.items():
            aed = self.aeds.get(aed_id)
            if aed is not None:
                self.aeds.put(aed_id, replace(aed, status=status))
