"""The map inside the window: right-click "Raise alert here", and the window's shortcuts.

The map's page reports left clicks only, so the right click is taken on the Qt side: the web
view's context menu (Back, Reload, View source: nothing a dispatcher needs on a map) is replaced
by a request that asks the page which coordinate is under the mouse (``AMK.latLngAt``, part of
the page's API) and hands it on as :attr:`MapContext.requested`.

Chromium claims some keys for itself while the map has the focus (F3 is "find next" in a
browser): it accepts Qt's ``ShortcutOverride`` for them and the window's action never fires.
:class:`ShortcutKeeper` keeps the window's own shortcuts for the window wherever the focus is.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from PySide6.QtCore import QChildEvent, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from console.maps import MapView

log = logging.getLogger("console.ui.map")


class MapContext(QObject):
    #: lat, lon, and where the menu should open (global screen position).
    requested = Signal(float, float, QPoint)

    def __init__(self, map_view: MapView) -> None:
        super().__init__(map_view)
        self._map = map_view
        web = map_view.findChild(QWebEngineView)
        if web is None:
            raise RuntimeError("the map has no web view to take right clicks from")
        self._web = web
        web.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        web.customContextMenuRequested.connect(self.request_at)

    def request_at(self, pos: QPoint) -> None:
        """Ask the page for the coordinate at widget position ``pos``."""
        if not self._map.is_ready:
            return
        global_pos = self._web.mapToGlobal(pos)
        script = f"JSON.stringify(AMK.latLngAt({int(pos.x())}, {int(pos.y())}))"

        def answer(result: Any) -> None:
            try:
                lat, lon = json.loads(result)
                lat, lon = float(lat), float(lon)
            except (TypeError, ValueError) as exc:
                log.info("map gave no coordinate for a right click: %s", exc)
                return
            if math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180:
                self.requested.emit(lat, lon, global_pos)

        self._map.page().runJavaScript(script, 0, answer)


class ShortcutKeeper(QObject):
    """Watches the map's web view and the widgets Chromium puts in it (its focus proxy): a
    ``ShortcutOverride`` for one of the window's shortcuts is left unaccepted, so the window's
    action fires instead of the page taking the key. (An application-wide filter would do the
    same with less code, but PySide crashes with one installed next to QtWebEngine.)"""

    def __init__(self, shortcuts: list[QKeySequence], map_view: QObject) -> None:
        super().__init__(map_view)
        self._keys = {s[0].toCombined() for s in shortcuts if not s.isEmpty()}  # type: ignore[index]
        web = map_view.findChild(QWebEngineView)
        if web is None:
            raise RuntimeError("the map has no web view to keep shortcuts from")
        self._watch(web)
        for child in web.findChildren(QWidget):
            self._watch(child)

    def _watch(self, widget: QObject) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildAdded and isinstance(event, QChildEvent):
            child = event.child()
            if isinstance(child, QWidget):
                self._watch(child)
            return False
        if kind != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.keyCombination().toCombined() not in self._keys:
            return False
        event.ignore()  # not overridden: the shortcut map may now trigger the window's action
        return True
