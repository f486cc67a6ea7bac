"""The map's scheme and filter: its files are served, its tiles drawn, everything else blocked."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from map_harness import (
    LogProblems,
    close_view,
    js_json,
    make_mbtiles,
    open_view,
    wait_until,
)
from PySide6.QtCore import QBuffer, QIODevice, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QApplication

from console.maps import MapView, MbTilesFile, RasterTiles
from console.maps.scheme import SCHEME, OfflineInterceptor, static_files

MAGENTA = QColor(255, 0, 255)


def _png(colour: QColor) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(colour)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


def _tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    phi = math.radians(lat)
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * n)
    return x, y


def _share_of(view: MapView, colour: QColor, x0: int, y0: int, size: int) -> float:
    image = view.snapshot()
    hits = total = 0
    for x in range(x0, x0 + size, 4):
        for y in range(y0, y0 + size, 4):
            total += 1
            pixel = image.pixelColor(x, y)
            if (
                max(
                    abs(pixel.red() - colour.red()),
                    abs(pixel.green() - colour.green()),
                    abs(pixel.blue() - colour.blue()),
                )
                < 40
            ):
                hits += 1
    return hits / total


def test_every_served_file_exists() -> None:
    for path, read in static_files().items():
        assert read(), f"{path} is empty"


def test_filter_lets_through_the_package_and_the_tile_origin_only(qapp: QApplication) -> None:
    plain = OfflineInterceptor(None, None)
    assert plain.is_allowed(SCHEME, "app", f"{SCHEME}://app")
    assert plain.is_allowed(SCHEME, "tiles", f"{SCHEME}://tiles")
    assert plain.is_allowed("data", "", "data://")
    assert not plain.is_allowed(SCHEME, "elsewhere", f"{SCHEME}://elsewhere")
    assert not plain.is_allowed("https", "tile.openstreetmap.org", "https://tile.openstreetmap.org")
    assert not plain.is_allowed("file", "", "file://")
    centre = OfflineInterceptor("https://tiles.amk.example", None)
    assert centre.is_allowed("https", "tiles.amk.example", "https://tiles.amk.example")
    assert not centre.is_allowed("http", "tiles.amk.example", "http://tiles.amk.example")
    assert not centre.is_allowed("https", "tiles.amk.example", "https://tiles.amk.example:8443")


@pytest.fixture
def problems() -> Iterator[LogProblems]:
    import logging

    handler = LogProblems()
    logging.getLogger("console.maps").addHandler(handler)
    yield handler
    logging.getLogger("console.maps").removeHandler(handler)


@pytest.mark.allow_log_warnings
def test_a_request_off_the_package_is_blocked_and_logged(
    qapp: QApplication, problems: LogProblems
) -> None:
    view = open_view()
    assert view.interceptor.blocked == []
    # A page without the map's policy on the map's profile: only the filter stands in the way.
    other = QWebEnginePage(view.page().profile(), view)
    other.setHtml('<img src="http://203.0.113.9/pixel.png">', QUrl("amk-map://app/"))
    wait_until(lambda: view.interceptor.blocked, what="the request to be blocked")
    assert view.interceptor.blocked == ["http://203.0.113.9/pixel.png"]
    assert any("blocked a request" in line and "203.0.113.9" in line for line in problems.take())
    view.interceptor.blocked.clear()
    other.deleteLater()
    close_view(view)


def test_mbtiles_tiles_are_served_and_drawn(qapp: QApplication, tmp_path: Path) -> None:
    lat, lon, zoom = 55.95, 8.60, 10  # west Jutland, away from town labels
    x, y = _tile_of(lat, lon, zoom)
    tiles = {(zoom, x + dx, y + dy): _png(MAGENTA) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    path = make_mbtiles(tmp_path / "centre.mbtiles", tiles, attribution="© Our centre")
    view = open_view(tiles=MbTilesFile(path))
    view.set_view(lat, lon, zoom)
    view.flush()
    wait_until(lambda: view.tiles_served >= 1, what="a tile to be served")
    cx, cy = js_json(view, f"AMK.pointOf({lat}, {lon})")
    wait_until(
        lambda: _share_of(view, MAGENTA, int(cx) - 40, int(cy) - 40, 80) > 0.9,
        what="the tile to be drawn",
    )
    assert "© Our centre" in js_json(
        view, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    close_view(view)


class _TileServer(BaseHTTPRequestHandler):
    png = b""
    paths: list[str] = []  # noqa: RUF012  (shared on purpose: the test reads it)

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_configured_tile_server_is_reached_and_nothing_else(qapp: QApplication) -> None:
    _TileServer.png = _png(MAGENTA)
    _TileServer.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TileServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        view = open_view(
            tiles=RasterTiles(f"http://127.0.0.1:{port}/t/{{z}}/{{x}}/{{y}}.png", "© Tiles")
        )
        view.set_view(55.95, 8.60, 9)
        view.flush()
        wait_until(lambda: _TileServer.paths, what="a tile request")
        assert all(re.fullmatch(r"/t/\d+/\d+/\d+\.png", p) for p in _TileServer.paths)
        cx, cy = js_json(view, "AMK.pointOf(55.95, 8.60)")
        wait_until(
            lambda: _share_of(view, MAGENTA, int(cx) - 40, int(cy) - 40, 80) > 0.9,
            what="the tile to be drawn",
        )
        assert view.interceptor.blocked == []
        close_view(view)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
