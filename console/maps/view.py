"""``MapView``: the embedded map as one Qt widget with a plain Python API.

The page is loaded once. Every call below turns into a small JSON delta; deltas wait in a queue
until the page says it is ready and then go over in one ``runJavaScript`` call per turn of the
event loop, so a burst of 1,000 position updates is one call, not 1,000. Arguments are
``json.dumps``-encoded, never pasted into script text.

The view also keeps the last state it sent (incidents, responders, AEDs, preview). If the page's
renderer process dies, the page is reloaded and that state is sent again, so the map comes back
as it was instead of empty.

The page's words and the items' (states, tasks, distances) are in the language of the translator
installed when they were made. On ``QEvent.LanguageChange`` the view sends the page's words again
(:func:`~console.maps.payload.texts_op`) and every item it shows, made again from what it was
made from, so the map switches language at once; a reload sends the words first for the same
reason (the page's own configuration is the one made when the view was built).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QEvent, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.domain.model import Aed, Mission, Responder, Runner
from console.domain.opening_hours import AedAvailability, aed_availability
from console.maps.basemap import MbTilesFile, RasterTiles, TileSource
from console.maps.bridge import ITEM_KINDS, MapBridge
from console.maps.mbtiles import MbTiles
from console.maps.page import MapPage
from console.maps.payload import (
    Json,
    MapInputError,
    aed_columns,
    aed_item,
    availabilities,
    check_id,
    check_lat_lon,
    incident_item,
    position_rows,
    responder_items,
    runner_items,
    texts_op,
)
from console.maps.scheme import (
    INDEX_URL,
    MBTILES_TEMPLATE,
    MapSchemeError,
    MapSchemeHandler,
    OfflineInterceptor,
    is_scheme_registered,
)
from console.maps.shell import TileLayerConfig, build_page

log = logging.getLogger(__name__)

#: Above this many characters a batch is sent as a JSON string for ``JSON.parse``: V8 parses
#: JSON text several times faster than the same data written as a JavaScript literal.
_PARSE_AS_STRING: Final = 100_000


class MapView(QWidget):
    """The dispatcher's map. Signals:

    - ``ready()``: the page is loaded and has taken every delta queued so far (again after a
      renderer crash and reload);
    - ``map_clicked(lat, lon)``: a click on the map itself (not on a marker);
    - ``item_clicked(kind, item_id, mission_id)``: a click on a marker; ``kind`` is
      ``responder``, ``aed``, ``incident`` or ``runner``; ``mission_id`` is empty for AEDs and
      runners.
    """

    ready = Signal()
    map_clicked = Signal(float, float)
    item_clicked = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None, *, tiles: TileSource | None = None) -> None:
        if not is_scheme_registered():
            raise MapSchemeError(
                "the amk-map: URL scheme is not registered; import console.maps before the "
                "QApplication is created"
            )
        super().__init__(parent)
        self._mbtiles: MbTiles | None = None
        tile_config: TileLayerConfig | None = None
        if isinstance(tiles, RasterTiles):
            tile_config = TileLayerConfig(
                tiles.url_template, tiles.max_zoom, tiles.attribution, tiles.origin
            )
        elif isinstance(tiles, MbTilesFile):
            self._mbtiles = MbTiles(tiles.path)
            tile_config = TileLayerConfig(
                MBTILES_TEMPLATE, self._mbtiles.max_zoom, self._mbtiles.attribution, None
            )
        self._is_ready = False
        self._seq = 0
        self._pending: list[Json] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

        # What has been sent, for a replay after a renderer crash.
        self._incidents: dict[str, Json] = {}
        self._responders: dict[str, dict[str, Json]] = {}
        #: What each mission's responder items were made from, to make them in a new language.
        self._responder_sources: dict[str, tuple[list[Responder], dict[str, datetime | None]]] = {}
        #: What the runner preview was made from (centre, radius, runners), likewise.
        self._runner_sources: tuple[float, float, float, list[Runner]] | None = None
        self._aeds: dict[str, Aed] = {}
        self._availability: dict[str, AedAvailability] = {}
        self._runners: Json | None = None
        self._selection: Json | None = None

        self._web = QWebEngineView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._web)

        # Own off-the-record profile: no disk cache, no cookies, and our scheme and filter only
        # for this page. It is parented last, so Qt deletes the page (a child of the web view,
        # created earlier) before the profile, as it requires.
        profile = QWebEngineProfile()
        self._handler = MapSchemeHandler(build_page(tile_config), self._mbtiles, profile)
        profile.installUrlSchemeHandler(b"amk-map", self._handler)
        self.interceptor = OfflineInterceptor(
            None if tile_config is None else tile_config.origin, profile
        )
        profile.setUrlRequestInterceptor(self.interceptor)
        self._page = MapPage(profile, self._web)
        self._bridge = MapBridge(self._page)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("amkBridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._web.setPage(self._page)
        profile.setParent(self)
        self._profile = profile

        self._bridge.events.page_ready.connect(self._on_page_ready)
        self._bridge.events.map_clicked.connect(self.map_clicked)
        self._bridge.events.item_clicked.connect(self.item_clicked)
        self._page.renderProcessTerminated.connect(self._on_renderer_gone)
        self.destroyed.connect(self._close_tiles_on_destroy(self._mbtiles))
        self._page.load(QUrl(INDEX_URL))

    # ------------------------------------------------------------------ state

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    def page(self) -> QWebEnginePage:
        """The web page, for tests and diagnostics; not for sending data (use the methods)."""
        return self._page

    @property
    def tiles_served(self) -> int:
        """MBTiles tiles this map has served so far."""
        return self._handler.tiles_served

    # ------------------------------------------------------------------ incidents, responders

    def set_incident(
        self,
        mission_id: str,
        lat: float,
        lon: float,
        radius_m: float,
        address: str,
        note: str = "",
    ) -> None:
        """Show (or move) a mission's patient marker and its alert radius."""
        item = incident_item(mission_id, lat, lon, radius_m, address, note)
        self._incidents[mission_id] = item
        self._send({"op": "incident", "item": item})

    def set_responders(
        self,
        mission_id: str,
        responders: Iterable[Responder],
        etas: Mapping[str, datetime | None] | None = None,
    ) -> None:
        """Replace the responders shown for a mission (added, changed and gone ones alike).

        ``etas`` maps runner ids to expected arrival instants (e.g. from
        :func:`console.domain.eta.expected_arrival`); missing ones show as "—". A fetcher's
        task names the AED by its address from the AEDs this map shows (:meth:`set_aeds`,
        :meth:`update_aed`), by its id while they lack it: send the AEDs first, then the
        responders again when they change.
        """
        check_id(mission_id, "mission_id")
        responders = list(responders)
        items = responder_items(responders, etas, self._aeds)
        self._responder_sources[mission_id] = (responders, dict(etas or {}))
        self._responders[mission_id] = {item["id"]: dict(item) for item in items}
        self._send({"op": "responders", "mission": mission_id, "items": items})

    def set_mission(
        self, mission: Mission, etas: Mapping[str, datetime | None] | None = None
    ) -> None:
        """Show a whole mission: its incident and all of its responders."""
        self.set_incident(
            mission.id,
            mission.location.lat,
            mission.location.lon,
            mission.radius_m,
            mission.address,
            mission.note,
        )
        self.set_responders(mission.id, mission.responders, etas)

    def update_responder_positions(
        self, mission_id: str, positions: Iterable[tuple[str, float, float]]
    ) -> None:
        """Move responders (``(runner_id, lat, lon)``); the page applies moves once per frame."""
        check_id(mission_id, "mission_id")
        rows = position_rows(positions, f"mission {mission_id!r}")
        known = self._responders.get(mission_id, {})
        for runner_id, lat, lon in rows:
            item = known.get(str(runner_id))
            if item is not None:
                item["lat"], item["lon"] = lat, lon
        self._send({"op": "positions", "mission": mission_id, "items": rows})

    def clear_mission(self, mission_id: str) -> None:
        """Remove a mission's incident, radius, responders and routes."""
        check_id(mission_id, "mission_id")
        self._incidents.pop(mission_id, None)
        self._responders.pop(mission_id, None)
        self._responder_sources.pop(mission_id, None)
        self._send({"op": "clear_mission", "mission": mission_id})

    # ------------------------------------------------------------------ AEDs

    def set_aeds(self, aeds: Sequence[Aed], at: datetime) -> None:
        """Replace every AED, coloured by its availability at ``at``."""
        availability = availabilities(aeds, at)
        columns = aed_columns(aeds, availability)
        self._aeds = {aed.id: aed for aed in aeds}
        self._availability = dict(zip(columns["ids"], availability, strict=True))
        self._send({"op": "aeds", **columns})

    def update_aed(self, aed: Aed, at: datetime) -> None:
        """Add or change one AED (e.g. after an ``aed.status`` event)."""
        availability = aed_availability(aed, at)
        item = aed_item(aed, availability)
        self._aeds[aed.id] = aed
        self._availability[aed.id] = availability
        self._send({"op": "aed_updates", "items": [item]})

    def refresh_aed_availability(self, at: datetime) -> int:
        """Recolour AEDs whose availability changed by ``at`` (opening hours); returns how many.

        Meant for a timer (every minute): only the changes cross to the page.
        """
        changed_ids: list[str] = []
        changed: list[str] = []
        for aed_id, now in zip(self._aeds, availabilities(self._aeds.values(), at), strict=True):
            if now is not self._availability.get(aed_id):
                self._availability[aed_id] = now
                changed_ids.append(aed_id)
                changed.append(now.value)
        if changed_ids:
            self._send({"op": "aed_availability", "ids": changed_ids, "availability": changed})
        return len(changed_ids)

    # ------------------------------------------------------------------ preview, view, selection

    def show_runner_preview(
        self, lat: float, lon: float, radius_m: float, runners: Iterable[Runner]
    ) -> None:
        """Show active runners around a point before an alert, marking those it would reach."""
        runners = list(runners)
        items = runner_items(runners, lat, lon, radius_m)
        self._runner_sources = (lat, lon, radius_m, runners)
        op: Json = {
            "op": "runners",
            "centre": {"lat": lat, "lon": lon, "radius_m": radius_m},
            "items": items,
        }
        self._runners = op
        self._send(op)

    def clear_runner_preview(self) -> None:
        self._runners = None
        self._runner_sources = None
        self._send({"op": "runners", "centre": None, "items": []})

    def fit_incident(self, mission_id: str | None = None) -> None:
        """Zoom to a mission's alert radius (all missions' when ``mission_id`` is None)."""
        if mission_id is not None:
            check_id(mission_id, "mission_id")
        self._send({"op": "fit_incident", "mission": mission_id})

    def show_all(self) -> None:
        """Zoom out to every incident, responder and previewed runner (Denmark if none)."""
        self._send({"op": "show_all"})

    def set_view(self, lat: float, lon: float, zoom: int | None = None) -> None:
        lat, lon = check_lat_lon(lat, lon, "view centre")
        self._send({"op": "view", "lat": lat, "lon": lon, "zoom": zoom})

    def select(self, kind: str, item_id: str, mission_id: str = "") -> None:
        """Highlight an item and bring it into view (the window's table selected it)."""
        if kind not in ITEM_KINDS:
            raise MapInputError(f"kind {kind!r} is not one of {', '.join(sorted(ITEM_KINDS))}")
        check_id(item_id, f"{kind} id")
        if kind == "responder":
            check_id(mission_id, "mission_id of a responder")
        op: Json = {"op": "select", "kind": kind, "id": item_id, "mission": mission_id}
        self._selection = op
        self._send(op)

    def clear_selection(self) -> None:
        self._selection = None
        self._send({"op": "clear_selection"})

    # ------------------------------------------------------------------ snapshot

    def snapshot(self, path: Path | str | None = None) -> QImage:
        """The map as it is on screen now; saved as PNG too when ``path`` is given."""
        image = self._web.grab().toImage()
        # The stubs type the format as bytes, PySide itself accepts only str.
        saved = path is None or image.save(str(path), "PNG")  # type: ignore[call-overload]
        if not saved:
            raise OSError(f"could not write the map snapshot to {path}")
        return image

    # ------------------------------------------------------------------ delta plumbing

    def _send(self, op: Json) -> None:
        self._seq += 1
        op["seq"] = self._seq
        self._pending.append(op)
        if self._is_ready and not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Send the queued deltas now (normally done on the next turn of the event loop)."""
        self._flush_timer.stop()
        if not self._is_ready or not self._pending:
            return
        ops, self._pending = self._pending, []
        text = json.dumps(ops, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if len(text) > _PARSE_AS_STRING:
            script = f"AMK.apply(JSON.parse({json.dumps(text, ensure_ascii=False)}))"
        else:
            script = f"AMK.apply({text})"
        self._page.runJavaScript(script, 0)

    def _on_page_ready(self) -> None:
        self._is_ready = True
        self.flush()
        self.ready.emit()

    def _on_renderer_gone(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        log.error("map renderer process ended (%s, exit code %d); reloading the map", status, code)
        self.reload()

    def reload(self) -> None:
        """Load the page again and send it everything it showed (after a renderer crash)."""
        self._is_ready = False
        self._pending = []
        self._seq = 0
        for op in self._replay():
            self._send(op)
        self._page.load(QUrl(INDEX_URL))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()

    def _retranslate(self) -> None:
        """The page's words and every item shown, again, in the language installed now.

        The selection is not sent again: the page keeps it by id, and selecting anew would
        move the map.
        """
        self._send(texts_op())
        for op in self._remade_items():
            self._send(op)

    def _replay(self) -> list[Json]:
        """Everything the page showed, for a freshly loaded page: its words first (its own
        configuration is the one made when this view was built, perhaps in another language),
        then the items, then the selection."""
        ops: list[Json] = [texts_op(), *self._remade_items()]
        if self._selection is not None:
            ops.append({key: value for key, value in self._selection.items() if key != "seq"})
        return ops

    def _remade_items(self) -> list[Json]:
        """Ops for every item shown, made again now (so in the installed language), which
        also become the state kept for the next replay."""
        ops: list[Json] = []
        if self._aeds:
            aeds = list(self._aeds.values())
            ops.append(
                {"op": "aeds", **aed_columns(aeds, [self._availability[a.id] for a in aeds])}
            )
        for mission_id, item in list(self._incidents.items()):
            item = incident_item(
                mission_id,
                item["lat"],
                item["lon"],
                item["radius_m"],
                item["address"],
                item["note"],
            )
            self._incidents[mission_id] = item
            ops.append({"op": "incident", "item": item})
        for mission_id, riders in list(self._responders.items()):
            source = self._responder_sources.get(mission_id)
            if source is not None:
                remade = {item["id"]: dict(item) for item in responder_items(*source, self._aeds)}
                for runner_id, item in remade.items():
                    moved = riders.get(runner_id)
                    if moved is not None:  # positions sent since the items were made
                        item["lat"], item["lon"] = moved["lat"], moved["lon"]
                riders = self._responders[mission_id] = remade
            ops.append({"op": "responders", "mission": mission_id, "items": list(riders.values())})
        if self._runner_sources is not None:
            lat, lon, radius_m, runners = self._runner_sources
            self._runners = {
                "op": "runners",
                "centre": {"lat": lat, "lon": lon, "radius_m": radius_m},
                "items": runner_items(runners, lat, lon, radius_m),
            }
        if self._runners is not None:
            ops.append({key: value for key, value in self._runners.items() if key != "seq"})
        return ops

    @staticmethod
    def _close_tiles_on_destroy(tiles: MbTiles | None) -> Any:
        def close() -> None:
            if tiles is not None:
                tiles.close()

        return close
