"""Is this position one we serve? Denmark's land, plus a 2 km margin over the water.

A mission or a simulated runner outside Denmark is a typing slip or a bad GPS fix, and must be
refused with a message the dispatcher understands. The land outline (~14,000 vertices,
© OpenStreetMap contributors) misses piers, harbours and the smallest islands, so
"inside" means on land or within :data:`SERVICE_AREA_MARGIN_M` of it (issue "Foundation").

Decisions, and why:

* **Lakes count as land.** The outline carries ~1,500 holes, all inland lakes (Arresø, Esrum Sø,
  Furesø, ...). A boat or a shore on Arresø is still in Denmark, so only the outer rings are used.
* **The margin is measured in a transverse Mercator plane** centred on the outline
  (:class:`~console.domain.geometry.TransverseMercator`, on the same sphere as
  :func:`~console.domain.geometry.haversine_m`). It is conformal with scale factor k >= 1, so a
  plane buffer is never *farther* than the margin from land, and at most ``(1 - 1/k_max) *
  margin`` nearer: 1.3 m over Denmark. An equirectangular plane scaled at 56°N would be ~6 %
  (120 m) off at Skagen and Gedser.
* **GEOS's buffer errs inward only, by ~2 arc sagittas.** Its round joins are chords
  (:data:`_QUAD_SEGS` per quarter circle, sagitta ``margin * (1 - cos(pi / 4q))``) and its
  offset curves drop near-collinear points. Measured over Denmark's whole buffer boundary
  (sampled every 20 m): never beyond 2 km from land, up to 5.1 m short at q = 16 and 1.25 m
  short at q = 32 (sagitta 0.60 m), which costs nothing measurable. We use 32 and budget three
  sagittas.
* **Outline edges are split to <= :data:`_DENSIFY_DEG` before projecting**: GeoJSON edges are
  straight in lon/lat, and the outline has edges up to 15.6 km long, which would bow up to 7 m
  away from a straight projected line; 0.005 deg ones bow under 1 cm.

  :attr:`ServiceArea.margin_error_m` adds these up (3.1 m over Denmark, against a 20 m target):
  the buffer edge lies between ``margin - margin_error_m`` and ``margin`` from land, in
  great-circle metres. ``tests/domain/test_service_area.py`` checks that against a brute-force
  haversine oracle (measured: at most 1.9 m short, never long).
* **The margin also reaches 2 km into Germany** along the land border, by the definition
  "within 2 km of Danish land"; the outline carries no other country to subtract. Sweden's and
  Germany's towns (Malmö, Flensburg) are farther than 2 km and are outside.

Measured with ``bench/bench_service_area.py`` (medians, 2 cores shared with other jobs):
building the area 0.35-0.55 s, once per process; :meth:`ServiceArea.contains_many` on 100,000
points 35-90 ms; :meth:`ServiceArea.contains` ~15 µs; the distance in the refusal ~0.2 ms.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from console.domain.constants import SERVICE_AREA_MARGIN_M
from console.domain.geometry import InvalidCoordinate, TransverseMercator, validate_lat_lon
from console.domain.outside_area import OutsideServiceArea

__all__ = ["InvalidLandOutline", "OutsideServiceArea", "ServiceArea"]

#: Chords per quarter circle of the buffer (shapely's default is 8: 9.6 m sagitta at 2 km).
_QUAD_SEGS = 32

#: Buffer shortfall budget in sagittas: GEOS measured at 2.07 (chord plus offset-curve
#: simplification), see the module docstring.
_GEOS_SAGITTAS = 3.0

#: Longest outline edge, degrees, before projecting (~550 m north-south, ~300 m east-west).
_DENSIFY_DEG = 0.005

_DENMARK_RESOURCE = ("data", "denmark_land.geojson")


class InvalidLandOutline(ValueError):
    """The land outline is not GeoJSON with at least one polygon."""


class ServiceArea:
    """Land outline plus margin, answering "do we serve this position?" one point or 100k at once.

    Build it with :meth:`denmark` (loaded once per process) or :meth:`from_geojson` (tests,
    other regions). Instances are immutable after construction.
    """

    __slots__ = ("_area_m", "_land_m", "_land_name", "_margin_error_m", "_margin_m", "_proj")

    def __init__(self, land: BaseGeometry, *, margin_m: float, land_name: str) -> None:
        """``land`` is lon/lat polygons (x = longitude, as in GeoJSON); holes are ignored."""
        if not (isinstance(margin_m, int | float) and math.isfinite(margin_m) and margin_m >= 0):
            raise ValueError(f"margin_m must be a finite number >= 0, got {margin_m!r}")
        shells = [Polygon(p.exterior) for p in _polygons(land)]
        if not shells:
            raise InvalidLandOutline("the land outline has no polygons")
        min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(shells)
        validate_lat_lon(min_lat, min_lon)
        validate_lat_lon(max_lat, max_lon)
        self._proj = TransverseMercator((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
        dense = shapely.segmentize(shells, _DENSIFY_DEG)
        projected = shapely.transform(dense, self._project_xy)
        self._land_m: BaseGeometry = shapely.union_all(shapely.make_valid(projected))
        self._area_m: BaseGeometry = shapely.buffer(self._land_m, margin_m, quad_segs=_QUAD_SEGS)
        shapely.prepare(self._area_m)
        self._margin_m = float(margin_m)
        self._land_name = land_name
        # The worst scale factor is at the corner farthest from the central meridian and the
        # equator-ward edge (largest cos(lat) * sin(dlon)).
        k_max = float(np.max(self._proj.scale_factor([min_lat, max_lat], [min_lon, max_lon])))
        sagitta = self._margin_m * (1 - math.cos(math.pi / (4 * _QUAD_SEGS)))
        self._margin_error_m = self._margin_m * (1 - 1 / k_max) + _GEOS_SAGITTAS * sagitta

    @classmethod
    def from_geojson(
        cls,
        text: str,
        *,
        margin_m: float = SERVICE_AREA_MARGIN_M,
        land_name: str = "Danish land",
    ) -> ServiceArea:
        """From GeoJSON text: a FeatureCollection, a Feature or a bare (Multi)Polygon."""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidLandOutline(f"the land outline is not JSON: {exc}") from None
        try:
            geometries = [shape(g) for g in _geojson_geometries(document)]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidLandOutline(f"the land outline is not valid GeoJSON: {exc!r}") from None
        return cls(shapely.GeometryCollection(geometries), margin_m=margin_m, land_name=land_name)

    @staticmethod
    def denmark() -> ServiceArea:
        """Denmark's service area, built on first use and shared for the life of the process."""
        return _denmark()

    @property
    def margin_m(self) -> float:
        return self._margin_m

    @property
    def projection(self) -> TransverseMercator:
        """The plane the margin is measured in (for diagnostics and tests)."""
        return self._proj

    @property
    def land_m(self) -> BaseGeometry:
        """The land (lakes filled) in :attr:`projection` metres (for diagnostics and tests)."""
        return self._land_m

    @property
    def area_m(self) -> BaseGeometry:
        """Land plus margin in :attr:`projection` metres (for diagnostics and tests)."""
        return self._area_m

    @property
    def margin_error_m(self) -> float:
        """Worst-case shortfall of the margin, metres: the buffer edge lies between
        ``margin_m - margin_error_m`` and ``margin_m`` from land (great-circle)."""
        return self._margin_error_m

    def contains(self, lat: float, lon: float) -> bool:
        """True on land or within the margin of it; invalid coordinates raise InvalidCoordinate."""
        validate_lat_lon(lat, lon)
        x, y = self._proj.forward(lat, lon)
        return bool(shapely.intersects_xy(self._area_m, x, y))

    def contains_many(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """:meth:`contains` for arrays of equal shape, vectorised (the world generator's 100k)."""
        lat_a = _coordinate_array(lats, "lats")
        lon_a = _coordinate_array(lons, "lons")
        if lat_a.shape != lon_a.shape:
            raise InvalidCoordinate(
                f"lats and lons differ in shape: {lat_a.shape} vs {lon_a.shape}"
            )
        _check_range(lat_a, "lats", 90.0)
        _check_range(lon_a, "lons", 180.0)
        x, y = self._proj.forward(lat_a, lon_a)
        inside: npt.NDArray[np.bool_] = shapely.intersects_xy(self._area_m, x, y)
        return inside

    def distance_to_land_m(self, lat: float, lon: float) -> float:
        """Great-circle metres to the nearest land (0 on land), to within 0.07 % over Denmark.

        For messages and diagnostics, not for the in/out decision (that is :meth:`contains`).
        """
        validate_lat_lon(lat, lon)
        x, y = self._proj.forward(lat, lon)
        projected = float(shapely.distance(self._land_m, Point(float(x), float(y))))
        return projected / float(self._proj.scale_factor(lat, lon))

    def check(self, lat: float, lon: float) -> None:
        """Raise :class:`OutsideServiceArea`, saying how far off the point is, unless contained."""
        if not self.contains(lat, lon):
            raise OutsideServiceArea(
                lat, lon, self.distance_to_land_m(lat, lon), self._margin_m, self._land_name
            )

    def _project_xy(self, lonlat: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = self._proj.forward(lonlat[:, 1], lonlat[:, 0])
        return np.column_stack([x, y])


@functools.cache
def _denmark() -> ServiceArea:
    resource = files("console.resources").joinpath(*_DENMARK_RESOURCE)
    return ServiceArea.from_geojson(resource.read_text(encoding="utf-8"))


def _polygons(geometry: BaseGeometry) -> Iterator[Polygon]:
    if isinstance(geometry, Polygon):
        if not geometry.is_empty:
            yield geometry
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _polygons(part)


def _geojson_geometries(document: Any) -> Iterator[Any]:
    kind = document["type"]
    if kind == "FeatureCollection":
        for feature in document["features"]:
            yield from _geojson_geometries(feature)
    elif kind == "Feature":
        if document["geometry"] is not None:
            yield document["geometry"]
    else:
        yield document


def _coordinate_array(values: npt.ArrayLike, what: str) -> npt.NDArray[np.float64]:
    raw = np.asarray(values)
    if raw.dtype.kind not in "iuf":
        raise InvalidCoordinate(f"{what} must be an array of numbers, got dtype {raw.dtype}")
    array: npt.NDArray[np.float64] = raw.astype(np.float64, copy=False)
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidCoordinate(
            f"{what} has {int(bad.sum())} non-finite value(s), first {array[index]} at {index}"
        )
    return array


def _check_range(array: npt.NDArray[np.float64], what: str, limit: float) -> None:
    bad = np.abs(array) > limit
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidCoordinate(
            f"{what} has {int(bad.sum())} value(s) outside [-{limit:g}, {limit:g}], "
            f"first {array[index]} at {index}"
        )
