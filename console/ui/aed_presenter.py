"""The AED register as the window shows it: on the map, in the coverage preview, complete.

The register changes whole (read from the cache at start-up, fetched again every 10 minutes) or
one AED at a time (``aed.status`` events). The map gets the whole list again in the first case
and only the AEDs that changed in the second; the coverage preview's locator is rebuilt on the
next preview after any change. A responder sent to an AED the register does not have yet (one
added since the last fetch) makes it fetch the register at once, at most every 30 s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from console.api.problems import ApiError
from console.domain.model import Aed, Mission
from console.maps import MapView
from console.services.aeds import AedService
from console.services.observable import Change, Unsubscribe
from console.ui.coverage import AedLocator

log = logging.getLogger("console.ui.window")

#: More changed AEDs than this in one pass: the map gets the whole register again.
AED_BULK = 50
#: A register fetched for an unknown AED is not fetched again sooner than this.
REFETCH_AFTER_S = 30.0
#: The task name of that fetch (one at a time).
REFETCH_TASK = "aed-register"


class AedPresenter:
    def __init__(
        self,
        service: AedService,
        map_view: MapView,
        *,
        server_now: Callable[[], datetime],
        changed: Callable[[], None],
        replaced: Callable[[], None],
        spawn: Callable[[Coroutine[Any, Any, None], str], object],
        running: Callable[[str], bool],
    ) -> None:
        """``changed``: something is to be sent to the map (the window schedules a pass);
        ``replaced``: the whole register changed (what names AEDs is drawn again);
        ``spawn``/``running``: the window's background tasks."""
        self._service = service
        self._map = map_view
        self._server_now = server_now
        self._changed = changed
        self._replaced = replaced
        self._spawn = spawn
        self._running = running
        self._dirty: set[str] = {"*"}
        self._locator: AedLocator | None = None
        self._last_fetch = -1e9

    def attach(self) -> Unsubscribe:
        return self._service.aeds.subscribe(self._aed_changed, on_reset=self._register_replaced)

    @property
    def pending(self) -> bool:
        """Changes the map has not been sent yet."""
        return bool(self._dirty)

    def flush(self) -> bool:
        """Send AED changes to the map; True when there were any."""
        if not self._dirty:
            return False
        dirty, self._dirty = self._dirty, set()
        aeds = self._service.aeds
        now = self._server_now()
        if "*" in dirty or len(dirty) > AED_BULK:
            self._map.set_aeds(list(aeds.values()), now)
            return True
        for aed_id in dirty:
            aed = aeds.get(aed_id)
            if aed is not None:
                self._map.update_aed(aed, now)
        return True

    def refresh_availability(self) -> None:
        """Recolour the AEDs whose opening hours began or ended (a timer, every minute)."""
        self._map.refresh_aed_availability(self._server_now())

    def locator(self) -> AedLocator:
        if self._locator is None:
            self._locator = AedLocator(self._service.aeds.values())
        return self._locator

    def check_known(self, mission: Mission) -> None:
        """A responder sent to an AED the register does not have yet: fetch the register.

        The register is otherwise re-read every 10 minutes (an unchanged one costs a 304); an
        AED added since then must still appear on the map and in the ETA at once.
        """
        if not self._service.loaded:
            return  # not unknown, only not read from the cache yet
        aeds = self._service.aeds
        unknown = any(
            r.task is not None and r.task.aed_id is not None and r.task.aed_id not in aeds
            for r in mission.responders
        )
        if not unknown or self._running(REFETCH_TASK):
            return
        now = time.monotonic()
        if now - self._last_fetch < REFETCH_AFTER_S:
            return
        self._last_fetch = now
        self._spawn(self._refetch(), REFETCH_TASK)

    async def _refetch(self) -> None:
        try:
            await self._service.refresh()
        except ApiError as exc:
            log.info("AED register not fetched: %s", exc)

    def _aed_changed(self, change: Change[str, Aed]) -> None:
        self._dirty.add(change.key)
        self._locator = None
        self._changed()

    def _register_replaced(self) -> None:
        self._dirty.add("*")
        self._locator = None
        self._changed()
        self._replaced()
