"""The map under the markers: Denmark's land and towns from the package, tiles only if configured.

A dispatch centre cannot depend on a public tile server: it may have no internet, and a tile
request would tell a third party where a cardiac arrest is. So the default basemap is drawn from
data shipped in ``console.resources`` (the ~10 m land outline and 505 GeoNames towns); a centre
may add its own raster tile server or a local MBTiles file (see :mod:`console.maps.mbtiles`).

Town labels are thinned in Python once, not in the page on every zoom: each town gets the
smallest zoom at which it is big enough to matter *and* no bigger town's label sits on top of it.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from console.domain import reference_data
from console.domain.reference_data import Town, towns
from console.maps.disk_cache import DigestCache, digest_of, user_cache_dir

#: Credits the data licences require wherever the map is shown (resources/data/README.md).
OSM_CREDIT: Final = "© OpenStreetMap contributors"
GEONAMES_CREDIT: Final = "© GeoNames"

#: The zoom range of the map: 6 shows all of Denmark in a small window, 18 a street corner.
MIN_ZOOM: Final = 6
MAX_ZOOM: Final = 18

#: Labels closer than this many pixels collide; the smaller town waits for a higher zoom.
LABEL_SPACING_PX: Final = 56.0
#: Above this zoom every town is shown whatever its neighbours.
LAST_LABEL_ZOOM: Final = 14

#: (population at least, first zoom): big towns from the national view, villages close up.
_POPULATION_ZOOMS: Final = (
    (200_000, 6),
    (40_000, 7),
    (15_000, 8),
    (6_000, 9),
    (2_000, 10),
    (800, 11),
    (0, 12),
)

_TILE_FIELDS = ("{z}", "{x}", "{y}")
_TAG = re.compile(r"<[^>]*>")


class BasemapError(ValueError):
    """A tile source setting the map cannot use (bad template, unsupported scheme)."""


@dataclass(frozen=True, slots=True)
class RasterTiles:
    """A centre's own XYZ raster tile server, e.g. ``https://tiles.amk.example/{z}/{x}/{y}.png``.

    Only this origin is let through the request filter, so the template is checked strictly.
    """

    url_template: str
    attribution: str
    max_zoom: int = MAX_ZOOM

    def __post_init__(self) -> None:
        parts = urlsplit(self.url_template)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BasemapError(f"tile URL {self.url_template!r} must be an http(s) URL with a host")
        missing = [f for f in _TILE_FIELDS if f not in self.url_template]
        if missing:
            raise BasemapError(f"tile URL {self.url_template!r} lacks {', '.join(missing)}")
        if "{s}" in self.url_template:
            raise BasemapError(
                "tile URL with {s} subdomains is not supported: name one host, so that the "
                "request filter can allow exactly that host"
            )
        if not MIN_ZOOM <= self.max_zoom <= 22:
            raise BasemapError(f"max_zoom {self.max_zoom} outside {MIN_ZOOM}–22")

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``, what the request filter compares against."""
        parts = urlsplit(self.url_template)
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port is not None else ""
        return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True, slots=True)
class MbTilesFile:
    """A local MBTiles file (raster PNG/JPEG/WebP tiles in SQLite), served by the map itself."""

    path: Path


TileSource = RasterTiles | MbTilesFile


def plain_text_credit(text: str) -> str:
    """A credit line safe to hand to Leaflet's attribution control, which renders HTML.

    Tile sources often carry HTML links in their attribution; links would navigate the map's
    page away, so tags are dropped and the rest is escaped back to text.
    """
    return html.escape(html.unescape(_TAG.sub("", text)).strip())


# --------------------------------------------------------------------------- town labels


@dataclass(frozen=True, slots=True)
class TownLabel:
    name: str
    lat: float
    lon: float
    population: int
    min_zoom: int


def _base_zoom(population: int) -> int:
    for floor, zoom in _POPULATION_ZOOMS:
        if population >= floor:
            return zoom
    return _POPULATION_ZOOMS[-1][1]


def _world_px(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator pixel position at zoom 0 (256 px for the whole world)."""
    x = (lon + 180.0) / 360.0 * 256.0
    phi = math.radians(lat)
    y = (1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * 256.0
    return x, y


def town_labels(all_towns: Sequence[Town], spacing_px: float = LABEL_SPACING_PX) -> list[TownLabel]:
    """Each town with the first zoom at which its label is shown, biggest towns placed first.

    Greedy in population order: a town waits until the zoom from which on it stays at least
    ``spacing_px`` away from every bigger town's label (distances double with each zoom level).
    """
    order = sorted(all_towns, key=lambda t: (-t.population, t.name))
    placed: list[tuple[float, float, int]] = []
    labels: list[TownLabel] = []
    for town in order:
        x, y = _world_px(town.lat, town.lon)
        zoom = _base_zoom(town.population)
        # Both labels show from the later of the two zooms on; distances only grow from there.
        while zoom <= LAST_LABEL_ZOOM:
            if all(
                math.hypot(px - x, py - y) * 2.0 ** max(zoom, z) >= spacing_px
                for px, py, z in placed
            ):
                break
            zoom += 1
        zoom = min(zoom, LAST_LABEL_ZOOM + 1)
        placed.append((x, y, zoom))
        labels.append(TownLabel(town.name, town.lat, town.lon, town.population, zoom))
    return labels


# --------------------------------------------------------------------------- the page's data


#: Holes in the land smaller than this (square degrees, ~1.5 km² at 56° N) are dropped: the
#: outline carries ~1,500 raster-sized specks that would draw as a grid of dots over the land.
MIN_HOLE_DEG2: Final = 2.5e-4


def _ring_area_deg2(ring: Sequence[Sequence[float]]) -> float:
    """Planar shoelace area in square degrees: enough to tell a speck from a lake."""
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0


def _without_specks(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise BasemapError(f"land outline has a {geometry['type']}, expected (Multi)Polygon")
    kept = [
        [outer, *(hole for hole in holes if _ring_area_deg2(hole) >= MIN_HOLE_DEG2)]
        for outer, *holes in polygons
    ]
    return {"type": "MultiPolygon", "coordinates": kept}


def land_geojson() -> dict[str, Any]:
    """Denmark's land, without the specks, as a GeoJSON FeatureCollection."""
    data = resources.files("console.resources").joinpath("data", "denmark_land.geojson")
    collection = json.loads(data.read_text(encoding="utf-8"))
    features = [
        {"type": "Feature", "properties": {}, "geometry": _without_specks(f["geometry"])}
        for f in collection["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


#: Basemap scripts kept in the user's cache (one per version of its inputs in use).
CACHE_KEEP: Final = 3
_LAND_FILE: Final = "denmark_land.geojson"


def _data_file(name: str) -> bytes:
    return resources.files("console.resources").joinpath("data", name).read_bytes()


def basemap_digest() -> str:
    """The digest of everything the script is made from: this module's code (the thinning
    and the speck filter), the code that reads the towns, and the data files themselves."""
    return digest_of(
        Path(__file__).read_bytes(),
        Path(reference_data.__file__).read_bytes(),
        _data_file(reference_data.MUNICIPALITIES_FILE),
        _data_file(reference_data.TOWNS_FILE),
        _data_file(_LAND_FILE),
    )


def make_basemap_script() -> bytes:
    """``basemap.js`` made now (0.2–0.4 s of label placement); :func:`basemap_script` is what
    callers want."""
    labels = [[t.name, t.lat, t.lon, t.min_zoom] for t in town_labels(towns())]
    data = {"land": land_geojson(), "towns": labels}
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return f"window.AMK_BASEMAP = {body};\n".encode("ascii")


def default_cache_dir() -> Path:
    return user_cache_dir("basemap")


_scripts: dict[str, bytes] = {}
_scripts_lock = threading.Lock()


def basemap_script(*, cache_dir: Path | None = None) -> bytes:
    """``basemap.js``: the land outline and the town labels as one script the page loads.

    A script rather than JSON fetched at run time keeps the page free of fetch permissions;
    ``json.dumps`` output is a valid JavaScript expression, and this is our own data.

    Placing 505 labels took up to 0.4 s at every start, so the script is kept in the user's
    cache under the digest of its inputs (:func:`basemap_digest`) and read back while they
    are unchanged; any change makes a new one. Safe to call from any thread (the map's scheme
    handler prepares it in a worker thread while the page loads); made once per process.
    """
    with _scripts_lock:
        digest = basemap_digest()
        script = _scripts.get(digest)
        if script is not None:
            return script
        cache = DigestCache(
            default_cache_dir() if cache_dir is None else cache_dir,
            "basemap",
            ".js",
            CACHE_KEEP,
            "the basemap script",
        )
        script = cache.read(digest)
        if script is None or not script.startswith(b"window.AMK_BASEMAP = "):
            script = make_basemap_script()
            cache.write(digest, script)
        _scripts[digest] = script
        return script
