"""The map page, built once by folium: the Leaflet map, its panes, layer groups and controls.

folium is used for what it is good at, the page's skeleton; no data ever goes through it (26k
AEDs rendered by folium take ~10 s and 13 MB of HTML). Its default links to CDNs (Leaflet,
jQuery, Bootstrap, Font Awesome) are replaced by the package's own files under ``amk-map:``;
:func:`check_offline` refuses a page that still names anything else.

folium, branca, jinja2 and the requests stack folium pulls in take ~0.25 s to import, about a
sixth of the console's start-up budget, to make the same 12 kB every time. :func:`build_page`
therefore keeps the page it made in the user's cache directory, named by a digest of everything
the page is made from (this module's source, the versions of the libraries that write it, and
the configuration: styles, texts, zooms, tiles), so a start with the same inputs reads it back
without importing folium, and any change of input makes a new page instead of reusing a stale
one (:mod:`console.maps.disk_cache` keeps the file; the basemap script is kept the same way).

The page carries a Content-Security-Policy that allows only the package's scripts and the exact
inline scripts folium wrote (by hash): should text from the API ever reach the DOM as HTML by
mistake, an ``onerror=`` or ``<script>`` in it still cannot run. The map's script builds popups
with ``textContent`` in the first place; the policy is the second wall.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from console.maps.basemap import (
    GEONAMES_CREDIT,
    MAX_ZOOM,
    MIN_ZOOM,
    OSM_CREDIT,
    plain_text_credit,
)
from console.maps.disk_cache import DigestCache, user_cache_dir
from console.maps.scheme import APP_ORIGIN, SCHEME, app_url
from console.maps.style import page_styles

log = logging.getLogger(__name__)

#: The middle of Denmark at a zoom that shows the whole country in a ~900 px window.
DENMARK_CENTRE: Final = (56.0, 11.0)
START_ZOOM: Final = 7
#: What "show all" falls back to with nothing on the map, and how far the map may be panned.
DENMARK_BOUNDS: Final = ((54.45, 7.9), (57.85, 15.3))
PAN_BOUNDS: Final = ((53.0, 4.0), (59.5, 18.0))

#: AED clusters: markers closer than this many pixels merge; from this zoom on, none merge.
CLUSTER_RADIUS_PX: Final = 72
UNCLUSTER_ZOOM: Final = 16

#: Leaflet panes (z-index, takes the pointer). Leaflet's own: tiles 200, overlay 400,
#: shadow 500, marker 600, tooltip 650, popup 700.
PANES: Final = {
    "basemap": (150, False),
    "labels": (390, False),
    "links": (410, False),
    "aeds": (560, True),
    "runners": (580, True),
    "selection": (590, False),
    "responders": (600, True),
    "incidents": (620, True),
}

#: Layer groups (key, name in the layer control, listed there).
LAYERS: Final = (
    ("land", "Land", False),
    ("tiles", "Map tiles", True),
    ("towns", "Town names", True),
    ("links", "Routes", True),
    ("aeds", "AEDs", True),
    ("runners", "Runner preview", True),
    ("incidents", "Incidents", True),
    ("responders", "Responders", True),
    ("selection", "Selection", False),
)

#: The libraries whose output the page is: a new version of any of them may write another page.
BUILDER_LIBRARIES: Final = ("folium", "branca", "jinja2", "markupsafe")
#: Cached pages kept (one per tile setting and language in use, and the last few versions).
CACHE_KEEP: Final = 8

#: The package's files the page links to (served under ``amk-map://app/``).
_LEAFLET_JS: Final = "/vendor/leaflet/leaflet.js"
_LEAFLET_CSS: Final = "/vendor/leaflet/leaflet.css"
_QWEBCHANNEL_JS: Final = "/vendor/qwebchannel.js"
_BASEMAP_JS: Final = "/data/basemap.js"
_MAP_JS: Final = "/static/map.js"
_MAP_CSS: Final = "/static/map.css"
_PAGE_FILES: Final = (_LEAFLET_JS, _LEAFLET_CSS, _QWEBCHANNEL_JS, _BASEMAP_JS, _MAP_JS, _MAP_CSS)

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)
_LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_WEB = re.compile(r"""(?:https?|wss?|ftp)://[^\s"'<>]*""", re.IGNORECASE)


class ShellError(RuntimeError):
    """The generated page names something outside the package: it would not work offline."""


@dataclass(frozen=True, slots=True)
class TileLayerConfig:
    """What the page needs to draw a tile layer: template, zoom range and a plain-text credit."""

    url_template: str
    max_zoom: int
    attribution: str
    #: The origin the request filter lets through; None for tiles served by the map itself.
    origin: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url_template,
            "maxNativeZoom": self.max_zoom,
            "attribution": plain_text_credit(self.attribution),
        }


def _boot_element(config: dict[str, Any]) -> Any:
    """The folium element that loads the map's own script and hands it the map and config."""
    from folium.elements import JSCSSMixin
    from folium.template import Template

    class _Boot(JSCSSMixin):
        _template = Template(
            """
            {% macro script(this, kwargs) %}
                L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
                AMK.boot({{ this._parent.get_name() }}, {{ this.config|tojson }});
            {% endmacro %}
            """
        )

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._name = "AmkBoot"
            self.config = config
            self.default_js = [
                ("qwebchannel", app_url(_QWEBCHANNEL_JS)),
                ("amk_basemap", app_url(_BASEMAP_JS)),
                ("amk_map", app_url(_MAP_JS)),
            ]
            self.default_css = [("amk_map_css", app_url(_MAP_CSS))]

    return _Boot()


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _with_csp(page: str, tile_origin: str | None) -> str:
    scripts = [_csp_hash(body) for kind, body in _INLINE.findall(page) if kind == "script"]
    styles = [_csp_hash(body) for kind, body in _INLINE.findall(page) if kind == "style"]
    images = f"{SCHEME}: data:" + (f" {tile_origin}" if tile_origin else "")
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src {SCHEME}: " + " ".join(scripts),
            f"style-src {SCHEME}: " + " ".join(styles),
            f"img-src {images}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    favicon = '<link rel="icon" href="data:,">'
    head = page.index("<head>") + len("<head>")
    return page[:head] + "\n    " + meta + "\n    " + favicon + page[head:]


def check_offline(page: str, tile_origin: str | None = None) -> None:
    """Raise :class:`ShellError` for any link outside ``amk-map:`` or the configured tile origin.

    Checks ``src``/``href`` attributes and any web address anywhere in the page (configuration
    included), so a CDN link that folium adds in a future version cannot slip through.
    """
    for url in _LINK.findall(page):
        if not url.startswith((APP_ORIGIN + "/", "data:")):
            raise ShellError(f"the map page links to {url!r}, which is not part of the package")
    for url in _WEB.findall(page):
        if tile_origin is None or not url.startswith(tile_origin + "/"):
            raise ShellError(f"the map page names the web address {url!r}")


def _page_config(tiles: TileLayerConfig | None) -> dict[str, Any]:
    """The script's configuration, but for the layer groups' names (folium makes those up)."""
    return {
        "styles": page_styles(),
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "denmark": DENMARK_BOUNDS,
        "clusterRadiusPx": CLUSTER_RADIUS_PX,
        "unclusterZoom": UNCLUSTER_ZOOM,
        "credits": [plain_text_credit(OSM_CREDIT), plain_text_credit(GEONAMES_CREDIT)],
        "tiles": None if tiles is None else tiles.to_json(),
    }


def render_page(tiles: TileLayerConfig | None = None) -> str:
    """The page's HTML, made by folium now (no cache); :func:`build_page` is what callers want."""
    return _render(tiles, _page_config(tiles))


def _render(tiles: TileLayerConfig | None, config: dict[str, Any]) -> str:
    import folium

    fmap = folium.Map(
        location=DENMARK_CENTRE,
        zoom_start=START_ZOOM,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        max_bounds=True,
        min_lat=PAN_BOUNDS[0][0],
        min_lon=PAN_BOUNDS[0][1],
        max_lat=PAN_BOUNDS[1][0],
        max_lon=PAN_BOUNDS[1][1],
        # Metres only (the boot element adds the scale bar): nobody at AMK reads feet.
        control_scale=False,
        zoom_control=True,
        font_size="13px",
        # Clusters and labels re-render on zoom end; fractional zoom would thrash them.
        zoom_snap=1,
        # Calm: popups and overlays appear at once; no fading over live markers.
        fade_animation=False,
        max_bounds_viscosity=1.0,
    )
    fmap.default_js = [("leaflet", app_url(_LEAFLET_JS))]
    fmap.default_css = [("leaflet_css", app_url(_LEAFLET_CSS))]
    for name, (z_index, pointer) in PANES.items():
        folium.map.CustomPane(name, z_index=z_index, pointer_events=pointer).add_to(fmap)
    groups: dict[str, str] = {}
    for key, title, listed in LAYERS:
        if key == "tiles" and tiles is None:
            continue
        group = folium.FeatureGroup(name=title, control=listed, show=True)
        group.add_to(fmap)
        groups[key] = group.get_name()
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    _boot_element({**config, "layers": groups}).add_to(fmap)
    page: str = fmap.get_root().render()
    tile_origin = None if tiles is None else tiles.origin
    check_offline(page, tile_origin)
    return _with_csp(page, tile_origin)


# --------------------------------------------------------------------------- the page cache


def default_cache_dir() -> Path:
    """Where pages are kept between runs: the user's cache directory (it is derived data, the
    same for every ``--data-dir``, and safe to delete)."""
    return user_cache_dir("map-shell")


@cache
def _library_versions() -> dict[str, str]:
    """Each builder library's location and installed version, without importing it.

    The version is read from the name of the ``*.dist-info`` folder beside the package
    (importing :mod:`importlib.metadata` alone costs more than reading the page); the package's
    ``__init__.py`` size and time stand in too, so a reinstall over the same version counts as
    a change as well.
    """
    found: dict[str, str] = {}
    listings: dict[Path, list[str]] = {}
    for name in BUILDER_LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            found[name] = "absent"
            continue
        origin = Path(spec.origin)
        site = origin.parent.parent
        if site not in listings:
            try:
                listings[site] = os.listdir(site)
            except OSError:
                listings[site] = []
        prefix = name.lower() + "-"
        infos = sorted(
            entry
            for entry in listings[site]
            if entry.lower().startswith(prefix) and entry.endswith(".dist-info")
        )
        stat = origin.stat()
        found[name] = f"{origin} {' '.join(infos)} {stat.st_size} {stat.st_mtime_ns}"
    return found


@cache
def _builder_source() -> str:
    """This module's own source, by digest: an edit to how the page is made makes a new page."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def shell_digest(tiles: TileLayerConfig | None, config: dict[str, Any]) -> str:
    """The digest of everything the page is made from; equal digests make equivalent pages."""
    inputs = {
        "builder": _builder_source(),
        "libraries": _library_versions(),
        "app_origin": APP_ORIGIN,
        "files": [app_url(path) for path in _PAGE_FILES],
        "tile_origin": None if tiles is None else tiles.origin,
        "config": config,
    }
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, allow_nan=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Pages of this process, by digest: a second map (or a reload) reads no file.
_pages: dict[str, str] = {}


def build_page(tiles: TileLayerConfig | None = None, *, cache_dir: Path | None = None) -> str:
    """The page's HTML for these tiles and the current styles and texts.

    From this process's memory, else from ``cache_dir`` (the user's cache by default) when a page
    there has the same digest and is intact, else made by folium and written there for the next
    start. A cache that cannot be written only costs the next start the folium build.
    """
    config = _page_config(tiles)
    digest = shell_digest(tiles, config)
    page = _pages.get(digest)
    if page is not None:
        return page
    folder = default_cache_dir() if cache_dir is None else cache_dir
    tile_origin = None if tiles is None else tiles.origin
    page = _read_cached(folder, digest, tile_origin)
    if page is None:
        started = time.perf_counter()
        page = _render(tiles, config)
        log.info("map page made with folium in %.2f s", time.perf_counter() - started)
        _write_cached(folder, digest, page)
    _pages[digest] = page
    return page


def _disk_cache(folder: Path) -> DigestCache:
    return DigestCache(folder, "map-shell", ".html", CACHE_KEEP, "the map page")


def _read_cached(folder: Path, digest: str, tile_origin: str | None) -> str | None:
    """The cached page with this digest, or None when there is none or it is not intact."""
    data = _disk_cache(folder).read(digest)
    if data is None:
        return None
    try:
        page = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        log.info("map page cache in %s unreadable (%s); making the page again", folder, exc)
        return None
    try:
        check_offline(page, tile_origin)
    except ShellError as exc:
        log.info("map page cache in %s refused (%s); making the page again", folder, exc)
        return None
    return page


def _write_cached(folder: Path, digest: str, page: str) -> None:
    _disk_cache(folder).write(digest, page.encode("utf-8"))
