"""The map page, built once by folium: the Leaflet map, its panes, layer groups and controls.

folium is used for what it is good at, the page's skeleton; no data ever goes through it (26k
AEDs rendered by folium take ~10 s and 13 MB of HTML). Its default links to CDNs (Leaflet,
jQuery, Bootstrap, Font Awesome) are replaced by the package's own files under ``amk-map:``;
:func:`check_offline` refuses a page that still names anything else.

The page carries a Content-Security-Policy that allows only the package's scripts and the exact
inline scripts folium wrote (by hash): should text from the API ever reach the DOM as HTML by
mistake, an ``onerror=`` or ``<script>`` in it still cannot run. The map's script builds popups
with ``textContent`` in the first place; the policy is the second wall.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from console.maps.basemap import (
    GEONAMES_CREDIT,
    MAX_ZOOM,
    MIN_ZOOM,
    OSM_CREDIT,
    plain_text_credit,
)
from console.maps.scheme import APP_ORIGIN, SCHEME, app_url
from console.maps.style import page_styles

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


class _Boot(JSCSSMixin):
    """Loads the map's own script and hands it the folium-made map and the configuration."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            AMK.boot({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AmkBoot"
        self.config = config
        self.default_js = [
            ("qwebchannel", app_url("/vendor/qwebchannel.js")),
            ("amk_basemap", app_url("/data/basemap.js")),
            ("amk_map", app_url("/static/map.js")),
        ]
        self.default_css = [("amk_map_css", app_url("/static/map.css"))]


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


@lru_cache(maxsize=4)
def build_page(tiles: TileLayerConfig | None = None) -> str:
    """The page's HTML; built once per tile setting and kept, never rebuilt for data."""
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
        control_scale=True,
        zoom_control=True,
        font_size="13px",
        # Clusters and labels re-render on zoom end; fractional zoom would thrash them.
        zoom_snap=1,
        # Calm: popups and overlays appear at once; no fading over live markers.
        fade_animation=False,
        max_bounds_viscosity=1.0,
    )
    fmap.default_js = [("leaflet", app_url("/vendor/leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", app_url("/vendor/leaflet/leaflet.css"))]
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
    config: dict[str, Any] = {
        "styles": page_styles(),
        "layers": groups,
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "denmark": DENMARK_BOUNDS,
        "clusterRadiusPx": CLUSTER_RADIUS_PX,
        "unclusterZoom": UNCLUSTER_ZOOM,
        "credits": [plain_text_credit(OSM_CREDIT), plain_text_credit(GEONAMES_CREDIT)],
        "tiles": None if tiles is None else tiles.to_json(),
    }
    _Boot(config).add_to(fmap)
    page = fmap.get_root().render()
    tile_origin = None if tiles is None else tiles.origin
    check_offline(page, tile_origin)
    return _with_csp(page, tile_origin)
