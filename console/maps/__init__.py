"""The embedded map: an offline Leaflet page in a QWebEngineView, driven by JSON deltas.

Importing this package registers the ``amk-map:`` URL scheme with Chromium, which is only
possible before the ``QApplication`` exists; import it early (the window module does).
"""

from __future__ import annotations

from console.maps.scheme import MapSchemeError, register_scheme

register_scheme()

from console.maps.basemap import MbTilesFile, RasterTiles, TileSource  # noqa: E402
from console.maps.payload import MapInputError  # noqa: E402
from console.maps.view import MapView  # noqa: E402

__all__ = [
    "MapInputError",
    "MapSchemeError",
    "MapView",
    "MbTilesFile",
    "RasterTiles",
    "TileSource",
    "register_scheme",
]
