"""Distances and positions on the Earth, in metres and WGS84 degrees.

Every distance in the system (alerting, acceptance, ETA, the console's preview) comes from
:func:`haversine_m`, so the server and the console always agree to the last bit.

Everything here works on the same sphere of mean radius :data:`EARTH_RADIUS_M`: a point placed
with :func:`destination_point`, a box from :func:`bbox_around` or a buffer measured in
:class:`TransverseMercator` metres means the same metres as :func:`haversine_m`.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.domain.constants import EARTH_RADIUS_M

__all__ = [
    "BBox",
    "InvalidBBox",
    "InvalidCoordinate",
    "TransverseMercator",
    "bbox_around",
    "destination_point",
    "haversine_m",
    "haversine_m_array",
    "parse_coordinates",
    "validate_lat_lon",
]

# numpy is imported by the functions that work on arrays, on first use: the console's
# start-up needs only the scalar ones, and numpy costs ~80 ms to import.
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


class InvalidCoordinate(ValueError):
    """A latitude/longitude that is not a real position, or text that cannot be read as one."""


class InvalidBBox(ValueError):
    """A bounding box that is malformed (bad text, reversed edges or out-of-range degrees)."""


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def haversine_m_array(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> FloatArray:
    """Distances in metres from one point to many, for bulk work (world generator, benchmarks).

    The operations mirror :func:`haversine_m` step by step, and numpy's sin/cos/sqrt give the
    same bits as :mod:`math`; only numpy's SIMD ``arcsin`` may differ from libm's ``asin`` by a
    few ulps. Measured: identical to within 1e-9 m for distances up to 1,500 km (Denmark spans
    ~500 km) and within a few parts in 1e16 beyond. Rule decisions at an exact boundary (the
    5,000 m alert radius) must still use :func:`haversine_m`; this is ~100x faster per point.
    """
    import numpy as np

    lats_a = np.asarray(lats, dtype=np.float64)
    lons_a = np.asarray(lons, dtype=np.float64)
    if lats_a.shape != lons_a.shape:
        raise ValueError(f"lats and lons differ in shape: {lats_a.shape} vs {lons_a.shape}")
    phi1 = math.radians(lat)
    phi2 = np.radians(lats_a)
    dphi = phi2 - phi1
    dlmb = np.radians(lons_a - lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


def _require_number(value: object, what: str) -> float:
    # bool is an int subclass, but True as a latitude is always a bug upstream, never a position.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidCoordinate(f"{what} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if math.isnan(number):
        raise InvalidCoordinate(f"{what} is NaN")
    if math.isinf(number):
        raise InvalidCoordinate(f"{what} is infinite ({number})")
    return number


def validate_lat_lon(lat: object, lon: object) -> None:
    """Refuse anything that is not a real WGS84 position, before it reaches a rule or the map.

    A NaN slips through every ``<`` comparison and silently makes a runner "not near" anything,
    so it must be stopped at the door with a message that says which value was wrong.
    """
    lat_f = _require_number(lat, "latitude")
    lon_f = _require_number(lon, "longitude")
    if not -90.0 <= lat_f <= 90.0:
        raise InvalidCoordinate(f"latitude {lat_f} is outside [-90, 90]")
    if not -180.0 <= lon_f <= 180.0:
        raise InvalidCoordinate(f"longitude {lon_f} is outside [-180, 180]")


def _normalise_lon(lon: float) -> float:
    wrapped = (lon + 180.0) % 360.0 - 180.0
    # Keep +180 as given (the contract allows it) rather than flipping it to -180.
    return 180.0 if wrapped == -180.0 and lon > 0 else wrapped


def destination_point(
    lat: float, lon: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point ``distance_m`` along the great circle leaving (lat, lon) at ``bearing_deg``.

    Spherical, on the same radius as :func:`haversine_m`, so that a point placed here measures
    back to ``distance_m`` (tests place simulated runners and sea points 2 km off the coast).
    Bearing is degrees clockwise from north; the longitude comes back in [-180, 180].
    """
    validate_lat_lon(lat, lon)
    bearing = _finite(bearing_deg, "bearing_deg")
    distance = _finite(distance_m, "distance_m")
    if distance < 0:
        raise ValueError(f"distance_m must be >= 0, got {distance}")
    phi1 = math.radians(lat)
    lmb1 = math.radians(lon)
    theta = math.radians(bearing)
    delta = distance / EARTH_RADIUS_M
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lmb2 = lmb1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * sin_phi2,
    )
    return math.degrees(phi2), _normalise_lon(math.degrees(lmb2))


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {number}")
    return number


@dataclass(frozen=True, slots=True)
class BBox:
    """A lon/lat box in the contract's ``minLon,minLat,maxLon,maxLat`` order (``GET /v1/aeds``).

    Boxes never wrap the antimeridian: nothing in the service is near it, and a box that would
    wrap is widened to all longitudes instead (a superset is safe for a pre-filter).
    """

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def __post_init__(self) -> None:
        for name in ("min_lon", "min_lat", "max_lon", "max_lat"):
            value = getattr(self, name)
            try:
                number = _finite(value, name)
            except ValueError as exc:
                raise InvalidBBox(str(exc)) from None
            object.__setattr__(self, name, number)
        if not -180.0 <= self.min_lon <= self.max_lon <= 180.0:
            raise InvalidBBox(
                f"longitudes must satisfy -180 <= minLon <= maxLon <= 180, "
                f"got {self.min_lon}, {self.max_lon}"
            )
        if not -90.0 <= self.min_lat <= self.max_lat <= 90.0:
            raise InvalidBBox(
                f"latitudes must satisfy -90 <= minLat <= maxLat <= 90, "
                f"got {self.min_lat}, {self.max_lat}"
            )

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Read the ``bbox`` query parameter: four comma-separated decimal degrees."""
        if not isinstance(text, str):
            raise InvalidBBox(f"bbox must be text, got {type(text).__name__}")
        parts = text.split(",")
        if len(parts) != 4:
            raise InvalidBBox(
                f"bbox must be 'minLon,minLat,maxLon,maxLat' (4 numbers), got {len(parts)} "
                f"part(s) in {text!r}"
            )
        numbers_: list[float] = []
        for name, part in zip(("minLon", "minLat", "maxLon", "maxLat"), parts, strict=True):
            if not _DECIMAL.fullmatch(part.strip()):
                raise InvalidBBox(f"bbox {name} {part.strip()!r} is not a decimal number")
            numbers_.append(float(part))
        return cls(*numbers_)

    def to_query(self) -> str:
        """The inverse of :meth:`parse`, with ``repr`` floats so nothing is lost in transit."""
        return f"{self.min_lon!r},{self.min_lat!r},{self.max_lon!r},{self.max_lat!r}"

    def contains(self, lat: float, lon: float) -> bool:
        """Edges included: a point exactly on the edge of a requested box is in it."""
        validate_lat_lon(lat, lon)
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


#: Added to each side of :func:`bbox_around`'s box (~0.1 mm): a rim point computed another way
#: (e.g. :func:`destination_point`) can land an ulp outside the exact extreme.
_BBOX_PAD_DEG = 1e-9


def bbox_around(lat: float, lon: float, radius_m: float) -> BBox:
    """The smallest lon/lat box holding every point within ``radius_m`` (great-circle) of a point.

    Used as a cheap pre-filter before exact :func:`haversine_m` checks, so it must never be too
    small: the longitude half-width is the exact extreme of the circle on the sphere,
    ``asin(sin(d) / cos(lat))``, not the naive ``d / cos(lat)``, padded by ~0.1 mm against
    rounding. A circle reaching a pole, or one that would wrap the antimeridian, gets all
    longitudes.
    """
    validate_lat_lon(lat, lon)
    radius = _finite(radius_m, "radius_m")
    if radius < 0:
        raise ValueError(f"radius_m must be >= 0, got {radius}")
    delta = radius / EARTH_RADIUS_M
    dlat = math.degrees(delta) + _BBOX_PAD_DEG
    min_lat = lat - dlat
    max_lat = lat + dlat
    if max_lat >= 90.0 or min_lat <= -90.0 or delta >= math.pi / 2:
        return BBox(-180.0, max(min_lat, -90.0), 180.0, min(max_lat, 90.0))
    dlon = (
        math.degrees(math.asin(min(1.0, math.sin(delta) / math.cos(math.radians(lat)))))
        + _BBOX_PAD_DEG
    )
    min_lon = lon - dlon
    max_lon = lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return BBox(-180.0, min_lat, 180.0, max_lat)
    return BBox(min_lon, min_lat, max_lon, max_lat)


@dataclass(frozen=True, slots=True)
class TransverseMercator:
    """A conformal map of the sphere to metres, accurate near one central meridian.

    Why this projection: buffering an outline by a distance needs a plane where metres are
    metres in every direction. Being conformal, the only error is the scale factor
    ``k = 1 / sqrt(1 - B^2)`` with ``B = cos(lat) sin(lon - lon0)``, always >= 1. Over Denmark
    (lon0 in the middle, 3.6 deg either side, lat >= 54.5) k <= 1.00065, i.e. a 2,000 m buffer
    is at worst 1.3 m short and never long. Equirectangular scaled at one latitude would be off
    by ~6 % (120 m on 2 km) at Denmark's northern and southern edges.

    Spherical formulas (Snyder, *Map Projections: A Working Manual*, eqs. 8-1 to 8-7, k0 = 1) on
    :data:`EARTH_RADIUS_M`, so projected metres are :func:`haversine_m` metres.
    """

    lat0: float
    lon0: float

    def __post_init__(self) -> None:
        validate_lat_lon(self.lat0, self.lon0)

    def forward(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(x east, y north) in metres from the origin (lat0, lon0)."""
        import numpy as np

        phi = np.radians(np.asarray(lats, dtype=np.float64))
        dlmb = np.radians(np.asarray(lons, dtype=np.float64) - self.lon0)
        b = np.cos(phi) * np.sin(dlmb)
        x: FloatArray = EARTH_RADIUS_M * np.arctanh(b)
        y: FloatArray = EARTH_RADIUS_M * (
            np.arctan2(np.sin(phi), np.cos(phi) * np.cos(dlmb)) - math.radians(self.lat0)
        )
        return x, y

    def inverse(self, xs: npt.ArrayLike, ys: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(lat, lon) in degrees from projected metres; the exact inverse of :meth:`forward`."""
        import numpy as np

        x = np.asarray(xs, dtype=np.float64) / EARTH_RADIUS_M
        d = np.asarray(ys, dtype=np.float64) / EARTH_RADIUS_M + math.radians(self.lat0)
        lat: FloatArray = np.degrees(np.arcsin(np.sin(d) / np.cosh(x)))
        lon: FloatArray = self.lon0 + np.degrees(np.arctan2(np.sinh(x), np.cos(d)))
        return lat, lon

    def scale_factor(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> FloatArray:
        """Projected metres per true metre at each point (the same in every direction)."""
        import numpy as np

        phi = np.radians(np.asarray(lats, dtype=np.float64))
        dlmb = np.radians(np.asarray(lons, dtype=np.float64) - self.lon0)
        b = np.cos(phi) * np.sin(dlmb)
        k: FloatArray = 1.0 / np.sqrt(1.0 - b * b)
        return k


# --- Reading what a dispatcher pastes -------------------------------------------------------

_DECIMAL = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_NUM = r"[-+]?\d+(?:\.\d+)?"
_PAIR_DOT = re.compile(rf"\s*({_NUM})\s*(?:[,;]\s*|\s+)({_NUM})\s*")
# Danish decimal commas ("55,6761 12,5683"): only with a separator that cannot be a decimal mark.
_NUM_COMMA = r"[-+]?\d+(?:,\d+)?"
_PAIR_COMMA = re.compile(rf"\s*({_NUM_COMMA})\s*(?:;\s*|\s+)({_NUM_COMMA})\s*")

_DEG = "°º˚"
_MIN = "'′’‘`´"
_SEC = '"″”“'
# One angle: degrees, optional minutes and seconds, with its hemisphere letter either before
# ("N55°40'") or after ("55°40'N"); Ø and V are Danish for east (øst) and west (vest). The two
# styles are separate patterns because "N55 E12" would otherwise read E as 55's suffix.
_HEMI = r"(?P<hemi{i}>[NSEWØV])"
_ANGLE = (
    r"(?P<deg{i}>[-+]?\d+(?:[.,]\d+)?)\s*" + f"[{_DEG}]?" + r"\s*"
    r"(?:(?P<min{i}>\d+(?:[.,]\d+)?)\s*" + f"[{_MIN}]" + r"\s*)?"
    r"(?:(?P<sec{i}>\d+(?:[.,]\d+)?)\s*" + f"(?:[{_SEC}]|[{_MIN}]{{2}})" + r"\s*)?"
)
_SEPARATOR = r"\s*[,;]?\s*"
_PAIR_DMS = tuple(
    re.compile(
        r"\s*" + first.replace("{i}", "1") + _SEPARATOR + second.replace("{i}", "2") + r"\s*",
        re.IGNORECASE,
    )
    for first, second in (
        (_ANGLE + r"\s*" + _HEMI + "?", _ANGLE + r"\s*" + _HEMI + "?"),  # 55°40'N 12°34'E
        (_HEMI + r"\s*" + _ANGLE, _HEMI + r"\s*" + _ANGLE),  # N55°40' E12°34'
    )
)

_EXPECTED = "expected e.g. '55.6761, 12.5683' or 55°40'34\"N 12°34'06\"E"


def _dms_value(deg: str, minutes: str | None, seconds: str | None, text: str) -> float:
    d = float(deg.replace(",", "."))
    if (minutes is not None or seconds is not None) and not d.is_integer():
        raise InvalidCoordinate(f"{text!r}: decimal degrees {deg} cannot also have minutes")
    m = float(minutes.replace(",", ".")) if minutes is not None else 0.0
    s = float(seconds.replace(",", ".")) if seconds is not None else 0.0
    if seconds is not None and minutes is not None and not m.is_integer():
        raise InvalidCoordinate(f"{text!r}: decimal minutes {minutes} cannot also have seconds")
    if m >= 60:
        raise InvalidCoordinate(f"{text!r}: minutes {minutes} must be below 60")
    if s >= 60:
        raise InvalidCoordinate(f"{text!r}: seconds {seconds} must be below 60")
    magnitude = abs(d) + m / 60.0 + s / 3600.0
    return -magnitude if deg.lstrip().startswith("-") else magnitude


def _hemisphere(letter: str | None) -> str | None:
    if letter is None:
        return None
    upper = letter.upper()
    return {"Ø": "E", "V": "W"}.get(upper, upper)


def _parse_dms(text: str) -> tuple[float, float] | None:
    match = next((m for p in _PAIR_DMS if (m := p.fullmatch(text)) is not None), None)
    if match is None:
        return None
    hemi1 = _hemisphere(match["hemi1"])
    hemi2 = _hemisphere(match["hemi2"])
    has_marks = any(ch in text for ch in _DEG + _MIN + _SEC)
    if hemi1 is None and hemi2 is None and not has_marks:
        return None
    if (hemi1 is None) != (hemi2 is None):
        raise InvalidCoordinate(f"{text!r}: give a hemisphere letter for both angles or neither")
    a = _dms_value(match["deg1"], match["min1"], match["sec1"], text)
    b = _dms_value(match["deg2"], match["min2"], match["sec2"], text)
    if hemi1 is None or hemi2 is None:
        return a, b
    if hemi1 in "EW" and hemi2 in "NS":  # "12°34'E 55°40'N": longitude written first
        a, b, hemi1, hemi2 = b, a, hemi2, hemi1
    if hemi1 not in "NS" or hemi2 not in "EW":
        raise InvalidCoordinate(f"{text!r}: need one N/S latitude and one E/W longitude")
    if a < 0 or b < 0:
        raise InvalidCoordinate(f"{text!r}: use either a minus sign or a hemisphere letter")
    return (-a if hemi1 == "S" else a), (-b if hemi2 == "W" else b)


def parse_coordinates(text: str) -> tuple[float, float]:
    """Read a position a dispatcher pasted from a map, a phone or a caller's app, as (lat, lon).

    Accepted: decimal degrees ``55.6761, 12.5683`` / ``55.6761 12.5683`` (Danish decimal commas
    ``55,6761 12,5683`` when the two are separated by a space or ';'), and degrees-minutes-
    seconds ``55°40'34"N 12°34'06"E`` with ′ ″, spaces, decimal minutes or seconds, S/W negative
    (Danish Ø/V for east/west too). Latitude comes first unless hemisphere letters say otherwise.
    Anything else raises :class:`InvalidCoordinate` saying what was expected; a result outside
    the globe raises the :func:`validate_lat_lon` message.
    """
    if not isinstance(text, str):
        raise InvalidCoordinate(f"coordinates must be text, got {type(text).__name__}")
    if not text.strip():
        raise InvalidCoordinate(f"no coordinates given: {_EXPECTED}")
    result: tuple[float, float] | None = None
    for pattern in (_PAIR_DOT, _PAIR_COMMA):
        match = pattern.fullmatch(text)
        if match is not None:
            result = (
                float(match[1].replace(",", ".")),
                float(match[2].replace(",", ".")),
            )
            break
    if result is None:
        result = _parse_dms(text)
    if result is None:
        raise InvalidCoordinate(f"cannot read coordinates from {text!r}: {_EXPECTED}")
    validate_lat_lon(*result)
    return result
