"""The one object the map page can call in Python, kept as small as the page needs.

Any script running in the page can reach this object, so it offers only three notifications
and checks every argument: it can tell Python that the page is ready and what was clicked,
nothing else. It has no properties and returns nothing.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QObject, Signal, Slot

from console.maps.payload import MAX_ID_CHARS

log = logging.getLogger(__name__)

ITEM_KINDS = frozenset({"responder", "aed", "incident", "runner"})


class MapBridge(QObject):
    page_ready = Signal()
    map_clicked = Signal(float, float)
    item_clicked = Signal(str, str, str)

    @Slot(str)
    def pageReady(self, info: str) -> None:
        log.info("map page ready: %s", info[:200])
        self.page_ready.emit()

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            log.warning("map page sent an impossible click position %r, %r", lat, lon)
            return
        self.map_clicked.emit(lat, lon)

    @Slot(str, str, str)
    def itemClicked(self, kind: str, item_id: str, mission_id: str) -> None:
        if kind not in ITEM_KINDS or not item_id or len(item_id) > MAX_ID_CHARS:
            log.warning("map page sent an unknown click %r on %r", kind, item_id[:MAX_ID_CHARS])
            return
        if len(mission_id) > MAX_ID_CHARS:
            log.warning("map page sent an over-long mission id")
            return
        self.item_clicked.emit(kind, item_id, mission_id)
