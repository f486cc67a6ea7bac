"""The one object the map page can call in Python, kept as small as the page needs.

Any script running in the page can reach this object through the web channel, which publishes
every slot and signal of it, inherited ones included. So:

- it offers three slots, and checks every argument: the page can say that it is ready and what
  was clicked, nothing else; it has no properties and returns nothing;
- its signals live on a separate object (:class:`BridgeEvents`) the channel never sees, so the
  page cannot listen to or fake what Python hears;
- QObject's ``deleteLater`` is published too, and the channel honours it; the bridge swallows
  the deferred delete it posts, so a script cannot cut the map off from Python. (Qt still
  deletes the bridge with its parent page, which does not go through that event.)
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QEvent, QObject, Signal, Slot

from console.maps.payload import MAX_ID_CHARS

log = logging.getLogger(__name__)

ITEM_KINDS = frozenset({"responder", "aed", "incident", "runner"})


class BridgeEvents(QObject):
    """What the page told Python, checked; connected to by the map view, never published."""

    page_ready = Signal()
    map_clicked = Signal(float, float)
    item_clicked = Signal(str, str, str)


class MapBridge(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events = BridgeEvents()

    @Slot(str)
    def pageReady(self, info: str) -> None:
        log.info("map page ready: %s", info[:200])
        self.events.page_ready.emit()

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            log.warning("map page sent an impossible click position %r, %r", lat, lon)
            return
        self.events.map_clicked.emit(lat, lon)

    @Slot(str, str, str)
    def itemClicked(self, kind: str, item_id: str, mission_id: str) -> None:
        if kind not in ITEM_KINDS or not item_id or len(item_id) > MAX_ID_CHARS:
            log.warning("map page sent an unknown click %r on %r", kind, item_id[:MAX_ID_CHARS])
            return
        if len(mission_id) > MAX_ID_CHARS:
            log.warning("map page sent an over-long mission id")
            return
        self.events.item_clicked.emit(kind, item_id, mission_id)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DeferredDelete:
            log.warning("map page asked to delete the bridge; refused")
            return True
        return super().event(event)
