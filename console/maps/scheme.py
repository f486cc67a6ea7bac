"""The map's own URL scheme, ``amk-map:``, and the filter that keeps the page offline.

Every file the page loads (its HTML, Leaflet, the script, the basemap data, MBTiles tiles) is
served from memory or from the installed packages under ``amk-map://app/`` and
``amk-map://tiles/``; nothing is read from a path the page names, only from a fixed table, so a
crafted URL cannot reach other files. A request to anything else is blocked and logged, except
the one tile origin a centre configured.

Chromium fixes the list of schemes when it starts, so :func:`register_scheme` must run before
the ``QApplication`` exists; importing :mod:`console.maps` does that.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Final

import shiboken6
import xstatic.pkg.leaflet
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QFile,
    QIODevice,
    QObject,
    Signal,
)
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from console.maps.basemap import basemap_script
from console.maps.mbtiles import MbTiles

log = logging.getLogger(__name__)

SCHEME: Final = "amk-map"
APP_HOST: Final = "app"
TILES_HOST: Final = "tiles"
APP_ORIGIN: Final = f"{SCHEME}://{APP_HOST}"
INDEX_URL: Final = f"{APP_ORIGIN}/index.html"
MBTILES_TEMPLATE: Final = f"{SCHEME}://{TILES_HOST}/{{z}}/{{x}}/{{y}}"

_TILE_PATH = re.compile(r"^/(\d{1,2})/(\d{1,8})/(\d{1,8})$")
_MIME: Final = {
    ".html": "text/html;charset=utf-8",
    ".js": "text/javascript;charset=utf-8",
    ".css": "text/css;charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


class MapSchemeError(RuntimeError):
    """The ``amk-map:`` scheme is not registered: the QApplication was created too early."""


def register_scheme() -> None:
    """Declare ``amk-map:`` to Chromium; idempotent, and a no-op once it is too late.

    Secure (so the page is a secure context and may use the web channel), CORS-enabled (Leaflet
    reads tiles as images), local access allowed (nothing here is remote).
    """
    if is_scheme_registered() or QCoreApplication.instance() is not None:
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def is_scheme_registered() -> bool:
    return bytes(QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name().data()) == SCHEME.encode()


# --------------------------------------------------------------------------- the file table


def _package_file(package: str, *parts: str) -> Callable[[], bytes]:
    def read() -> bytes:
        return resources.files(package).joinpath(*parts).read_bytes()

    return read


def _xstatic_file(base_dir: str, name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        return (Path(base_dir) / name).read_bytes()

    return read


def _qt_resource(name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        file = QFile(name)
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            raise FileNotFoundError(f"Qt resource {name} is missing")
        try:
            return bytes(file.readAll().data())
        finally:
            file.close()

    return read


@cache
def static_files() -> dict[str, Callable[[], bytes]]:
    """Every path under ``amk-map://app/`` and where its bytes come from."""
    leaflet = xstatic.pkg.leaflet.BASE_DIR
    table: dict[str, Callable[[], bytes]] = {
        "/vendor/leaflet/leaflet.js": _xstatic_file(leaflet, "leaflet.js"),
        "/vendor/leaflet/leaflet.css": _xstatic_file(leaflet, "leaflet.css"),
        "/vendor/qwebchannel.js": _qt_resource(":/qtwebchannel/qwebchannel.js"),
        "/static/map.js": _package_file("console.maps", "static", "map.js"),
        "/static/map.css": _package_file("console.maps", "static", "map.css"),
        "/data/basemap.js": basemap_script,
    }
    for image in (
        "layers.png",
        "layers-2x.png",
        "marker-icon.png",
        "marker-icon-2x.png",
        "marker-shadow.png",
    ):
        table[f"/vendor/leaflet/images/{image}"] = _xstatic_file(leaflet, f"images/{image}")
    return table


def app_url(path: str) -> str:
    if path not in static_files():
        raise KeyError(f"{path} is not served by the map scheme")
    return APP_ORIGIN + path


def _mime(path: str) -> str:
    return _MIME.get(Path(path).suffix, "application/octet-stream")


# --------------------------------------------------------------------------- the handler


#: Files whose making is Python work too long for the GUI thread (the basemap: reading its
#: cache, or placing the town labels when its inputs changed): each handler starts making
#: them in a worker thread when it is created, and answers their requests when they are done.
PREPARED_FILES: Final = ("/data/basemap.js",)


@cache
def _worker() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="amk-map-files")


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``amk-map:`` requests from the fixed table, the page's HTML and MBTiles.

    A request for one of :data:`PREPARED_FILES` that is not ready yet is kept and answered
    when the worker is done, so the GUI thread never waits for it: the window stays live and
    the page's other requests and its web channel go on meanwhile.
    """

    #: A prepared file is done (emitted from the worker thread, received in the GUI thread).
    _prepared = Signal(str)

    def __init__(self, index_html: str, tiles: MbTiles | None, parent: QObject | None) -> None:
        super().__init__(parent)
        self._index = index_html.encode("utf-8")
        self._tiles = tiles
        self._cache: dict[str, bytes] = {}
        self.tiles_served = 0
        self._waiting: dict[str, list[QWebEngineUrlRequestJob]] = {}
        self._futures: dict[str, Future[bytes]] = {}
        self._prepared.connect(self._answer_waiting)
        for path in PREPARED_FILES:
            future = _worker().submit(static_files()[path])
            future.add_done_callback(partial(self._tell_prepared, path))
            self._futures[path] = future

    def _tell_prepared(self, path: str, _future: Future[bytes]) -> None:
        """In the worker thread: hand over to the GUI thread (the handler may be gone by now)."""
        if shiboken6.isValid(self):
            with contextlib.suppress(RuntimeError):
                self._prepared.emit(path)

    def _answer_waiting(self, path: str) -> None:
        for job in self._waiting.pop(path, []):
            if shiboken6.isValid(job):
                self._answer_app(job, path)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        host, path = url.host(), url.path()
        if job.requestMethod().data() != b"GET":
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        if host == APP_HOST:
            self._answer_app(job, path)
        elif host == TILES_HOST:
            self._answer_tile(job, path)
        else:
            log.warning("map page asked for unknown host %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def _answer_app(self, job: QWebEngineUrlRequestJob, path: str) -> None:
        if path == "/index.html":
            self._reply(job, _MIME[".html"], self._index)
            return
        reader = static_files().get(path)
        if reader is None:
            log.warning("map page asked for a file it does not have: %s", path)
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data = self._cache.get(path)
        if data is None:
            future = self._futures.get(path)
            if future is None:
                data = reader()
            elif not future.done():
                self._waiting.setdefault(path, []).append(job)
                return
            else:
                try:
                    data = future.result()
                except Exception:
                    log.exception("the map file %s could not be made", path)
                    job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
                    return
            self._cache[path] = data
        self._reply(job, _mime(path), data)

    def _answer_tile(self, job: QWebEngineUrlRequestJob, path: str) -> None:
        match = _TILE_PATH.match(path)
        if self._tiles is None or match is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        z, x, y = (int(g) for g in match.groups())
        data = self._tiles.tile(z, x, y)
        if data is None:
            # Outside the file's coverage: the land outline underneath shows through.
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self.tiles_served += 1
        self._reply(job, self._tiles.mime_type, data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: str, data: bytes) -> None:
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode("ascii"), buffer)


# --------------------------------------------------------------------------- the filter


class OfflineInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not ``amk-map:`` or the configured tile origin.

    ``blocked`` keeps what was refused, so tests (and a support engineer) can see it.
    """

    def __init__(self, tile_origin: str | None, parent: QObject | None) -> None:
        super().__init__(parent)
        self._tile_origin = tile_origin
        self.blocked: list[str] = []

    def is_allowed(self, scheme: str, host: str, origin: str) -> bool:
        if scheme == SCHEME and host in (APP_HOST, TILES_HOST):
            return True
        if scheme in ("data", "blob"):
            return True
        return self._tile_origin is not None and origin == self._tile_origin

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        port = f":{url.port()}" if url.port() != -1 else ""
        origin = f"{url.scheme()}://{url.host().lower()}{port}"
        if self.is_allowed(url.scheme(), url.host(), origin):
            return
        shown = url.toString()
        self.blocked.append(shown)
        log.warning("blocked a request from the map page to %s", shown)
        info.block(True)
