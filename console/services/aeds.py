"""The AED register as an observable model: from the cache at once, refreshed cheaply online.

A refresh sends the ETag of the cached list, so an unchanged register (the usual case) costs one
304 and no body; status changes between refreshes arrive as ``aed.status`` events through the
event sync.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from sqlalchemy.exc import SQLAlchemyError

from console.api.client import DispatchClient
from console.cache.store import Cache, IngestResult
from console.domain.model import Aed, AedStatus, ModelError
from console.services.event_sync import EventSync
from console.services.observable import ObservableMap, Unsubscribe

log = logging.getLogger("console.services")


class AedService:
    def __init__(self, client: DispatchClient, cache: Cache, sync: EventSync) -> None:
        self._client = client
        self._cache = cache
        self._sync = sync
        self.aeds: ObservableMap[str, Aed] = ObservableMap("aeds")
        self._unsubscribe: Unsubscribe | None = None
        self._loaded = asyncio.Event()
        #: Status events that arrived while the cached register was still being read.
        self._early: dict[str, AedStatus] = {}
        #: The next fetch sends no ETag: the cached register could not be read (a 304 would
        #: leave the console without AEDs), or its statuses come from a log the server no
        #: longer has.
        self._refetch_whole = False

    def start(self) -> None:
        """Follow status events; :meth:`load` then fills the register from the cache."""
        if self._unsubscribe is None:
            self._unsubscribe = self._sync.on_batch(self._apply)

    async def load(self) -> None:
        """Show the cached register.

        A third of a second for Denmark's 26k AEDs, so the services run it in the background
        while the window is built and the event sync logs in: a status event that comes in
        meanwhile is kept and applied on top, and a refresh waits for it (an older cached
        list must never replace a fresher one from the server).
        """
        try:
            cached = {aed.id: aed for aed in await self._cache.aeds()}
        except (SQLAlchemyError, ModelError):
            # The register comes again from the server at the next refresh; the dispatcher
            # keeps a working console meanwhile.
            log.exception("the cached AED register could not be read")
            cached = {}
            self._refetch_whole = True
        except BaseException:
            self._loaded.set()  # cancelled at shut-down: a refresh waiting on it may end too
            raise
        for aed_id, status in self._early.items():
            if aed_id in cached:
                cached[aed_id] = replace(cached[aed_id], status=status)
        self._early.clear()
        self.aeds.replace_all(cached)
        self._loaded.set()

    def refetch_whole(self) -> None:
        """Make the next refresh fetch the whole register, statuses and all."""
        self._refetch_whole = True

    @property
    def loaded(self) -> bool:
        """True once the cached register is shown (an empty cache counts)."""
        return self._loaded.is_set()

    async def wait_loaded(self) -> None:
        await self._loaded.wait()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    async def refresh(self) -> bool:
        """Fetch the register unless unchanged; True when it changed."""
        await self._loaded.wait()
        etag = None if self._refetch_whole else await self._cache.aed_etag()
        fetched = await self._client.fetch_aeds(etag=etag)
        if fetched.not_modified or fetched.aeds is None:
            return False
        await self._cache.replace_aeds(fetched.aeds, fetched.etag)
        self._refetch_whole = False
        self.aeds.replace_all({aed.id: aed for aed in fetched.aeds})
        return True

    def _apply(self, result: IngestResult) -> None:
        if not self._loaded.is_set():
            self._early.update(result.aed_status)
            return
        for aed_id, status in result.aed_status.items():
            aed = self.aeds.get(aed_id)
            if aed is not None:
                self.aeds.put(aed_id, replace(aed, status=status))
