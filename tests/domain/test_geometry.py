"""Distances, positions, boxes, the projection and the coordinate parser in console.domain.geometry.

Expected distances come from an independent formula (Vincenty's arctangent form on the same
sphere) or from published figures, never from the function under test.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.domain.constants import EARTH_RADIUS_M
from console.domain.geometry import (
    BBox,
    InvalidBBox,
    InvalidCoordinate,
    TransverseMercator,
    bbox_around,
    destination_point,
    haversine_m,
    haversine_m_array,
    parse_coordinates,
    validate_lat_lon,
)

COPENHAGEN = (55.6761, 12.5683)  # Rådhuspladsen
AARHUS = (56.1567, 10.2108)

lats = st.floats(min_value=-89.0, max_value=89.0)
lons = st.floats(min_value=-180.0, max_value=180.0)
dk_lats = st.floats(min_value=54.5, max_value=57.8)
dk_lons = st.floats(min_value=8.0, max_value=15.2)


def vincenty_sphere_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the atan2 (Vincenty, equal axes) formula: well-conditioned
    everywhere, so it is an independent check on haversine, including near antipodes."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    num = math.hypot(
        math.cos(p2) * math.sin(dl),
        math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl),
    )
    den = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_M * math.atan2(num, den)


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


# --- haversine_m --------------------------------------------------------------------------


def test_copenhagen_to_aarhus_is_156_km_as_the_crow_flies() -> None:
    # ~156 km great-circle (the ~187 km often quoted is by road). 0.5 % tolerance.
    d = haversine_m(*COPENHAGEN, *AARHUS)
    assert d == pytest.approx(156_300, rel=0.005)
    assert d == pytest.approx(vincenty_sphere_m(*COPENHAGEN, *AARHUS), abs=1e-6)


def test_big_ben_to_statue_of_liberty_matches_published_figure() -> None:
    # Movable Type Scripts' haversine example (R = 6371 km): 5574.8 km.
    assert haversine_m(51.5007, -0.1246, 40.6892, -74.0445) == pytest.approx(5_574_800, abs=100)


def test_zero_distance_is_exactly_zero() -> None:
    assert haversine_m(*COPENHAGEN, *COPENHAGEN) == 0.0


def test_antipodes_are_half_the_circumference() -> None:
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M, rel=1e-12)
    assert haversine_m(55.0, 12.0, -55.0, -168.0) == pytest.approx(
        math.pi * EARTH_RADIUS_M, rel=1e-12
    )
    assert haversine_m(90.0, 0.0, -90.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_M, rel=1e-12)


def test_one_degree_of_meridian() -> None:
    assert haversine_m(55.0, 10.0, 56.0, 10.0) == pytest.approx(
        EARTH_RADIUS_M * math.pi / 180, abs=1e-6
    )


#: Haversine (the contract's formula) is ill-conditioned at the antipode: there its ``sqrt(a)``
#: rounds to 1 once the points are within ~2·sqrt(machine epsilon) rad (~0.2 m) of antipodal, so
#: it may be off by that much. The console's distances are at most tens of km.
NEAR_ANTIPODE_M = 1_000.0
ANTIPODAL_ERROR_M = 0.5


@given(lats, lons, lats, lons)
@example(0.0, 0.0, 9.531464641099296e-07, 180.0)  # found by hypothesis in CI: 0.106 m apart
def test_haversine_agrees_with_vincenty_form(a: float, b: float, c: float, d: float) -> None:
    expected = vincenty_sphere_m(a, b, c, d)
    near_antipode = expected > math.pi * EARTH_RADIUS_M - NEAR_ANTIPODE_M
    error = ANTIPODAL_ERROR_M if near_antipode else 1e-3
    assert haversine_m(a, b, c, d) == pytest.approx(expected, abs=error)


# --- haversine_m_array --------------------------------------------------------------------


@given(dk_lats, dk_lons, st.lists(st.tuples(dk_lats, dk_lons), min_size=1, max_size=50))
def test_array_matches_scalar_within_a_nanometre_over_denmark(
    lat: float, lon: float, points: list[tuple[float, float]]
) -> None:
    lat_arr = np.array([p[0] for p in points])
    lon_arr = np.array([p[1] for p in points])
    got = haversine_m_array(lat, lon, lat_arr, lon_arr)
    want = np.array([haversine_m(lat, lon, p, q) for p, q in points])
    assert np.max(np.abs(got - want)) <= 1e-9


def test_array_matches_scalar_within_a_nanometre_up_to_1500_km() -> None:
    rng = np.random.default_rng(20250603)
    lat0, lon0 = 50.0, 10.0
    bearings = rng.uniform(0, 360, 20_000)
    distances = rng.uniform(0, 1_500_000, 20_000)
    pts = [destination_point(lat0, lon0, b, d) for b, d in zip(bearings, distances, strict=True)]
    lat_arr = np.array([p[0] for p in pts])
    lon_arr = np.array([p[1] for p in pts])
    got = haversine_m_array(lat0, lon0, lat_arr, lon_arr)
    want = np.array([haversine_m(lat0, lon0, p, q) for p, q in pts])
    assert np.max(np.abs(got - want)) <= 1e-9


def test_array_matches_scalar_to_a_few_ulps_worldwide() -> None:
    rng = np.random.default_rng(7)
    lat_arr = rng.uniform(-90, 90, 20_000)
    lon_arr = rng.uniform(-180, 180, 20_000)
    got = haversine_m_array(12.0, -40.0, lat_arr, lon_arr)
    want = np.array([haversine_m(12.0, -40.0, p, q) for p, q in zip(lat_arr, lon_arr, strict=True)])
    assert np.max(np.abs(got - want) / np.maximum(want, 1.0)) <= 4e-15


def test_array_keeps_shape_and_rejects_mismatched_shapes() -> None:
    lat_arr = np.full((3, 4), 55.0)
    lon_arr = np.full((3, 4), 12.0)
    assert haversine_m_array(55.0, 12.0, lat_arr, lon_arr).shape == (3, 4)
    with pytest.raises(ValueError, match="differ in shape"):
        haversine_m_array(55.0, 12.0, np.zeros(3), np.zeros(4))


# --- validate_lat_lon ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(55.6761, 12.5683), (90, 180), (-90, -180), (0, 0), (np.float32(55.5), np.int64(12))],
)
def test_valid_positions_pass(lat: object, lon: object) -> None:
    validate_lat_lon(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (math.nan, 12.0, "latitude is NaN"),
        (55.0, math.nan, "longitude is NaN"),
        (math.inf, 12.0, "latitude is infinite"),
        (55.0, -math.inf, "longitude is infinite"),
        (91.0, 12.0, r"latitude 91.0 is outside \[-90, 90\]"),
        (-90.0001, 12.0, r"latitude -90.0001 is outside"),
        (55.0, -181.0, r"longitude -181.0 is outside \[-180, 180\]"),
        (55.0, 180.5, r"longitude 180.5 is outside"),
        ("55.6", 12.0, "latitude must be a number, got str '55.6'"),
        (55.0, None, "longitude must be a number, got NoneType"),
        (True, 12.0, "latitude must be a number, got bool True"),
        (55.0, False, "longitude must be a number, got bool False"),
        (np.bool_(True), 12.0, "latitude must be a number, got bool"),
        (Decimal("55.1"), 12.0, "latitude must be a number, got Decimal"),
    ],
)
def test_invalid_positions_raise_with_a_clear_message(
    lat: object, lon: object, message: str
) -> None:
    with pytest.raises(InvalidCoordinate, match=message):
        validate_lat_lon(lat, lon)


def test_invalid_coordinate_is_a_value_error() -> None:
    assert issubclass(InvalidCoordinate, ValueError)


# --- destination_point --------------------------------------------------------------------


@settings(max_examples=300)
@given(
    st.floats(min_value=-85.0, max_value=85.0),
    lons,
    st.floats(min_value=0.0, max_value=360.0, exclude_max=True),
    st.floats(min_value=0.0, max_value=2_000_000.0),
)
def test_destination_round_trips_through_haversine(
    lat: float, lon: float, bearing: float, distance: float
) -> None:
    lat2, lon2 = destination_point(lat, lon, bearing, distance)
    validate_lat_lon(lat2, lon2)
    assert haversine_m(lat, lon, lat2, lon2) == pytest.approx(distance, abs=1e-6, rel=1e-9)
    if distance > 1.0:
        got = initial_bearing_deg(lat, lon, lat2, lon2)
        diff = abs((got - bearing + 180.0) % 360.0 - 180.0)
        assert diff < 1e-6


def test_destination_known_points() -> None:
    quarter = math.pi * EARTH_RADIUS_M / 2
    assert destination_point(0.0, 0.0, 90.0, quarter) == pytest.approx((0.0, 90.0), abs=1e-9)
    one_degree = EARTH_RADIUS_M * math.pi / 180
    assert destination_point(55.0, 12.0, 0.0, one_degree) == pytest.approx((56.0, 12.0), abs=1e-12)
    assert destination_point(55.0, 12.0, 123.0, 0.0) == pytest.approx((55.0, 12.0), abs=1e-12)


def test_destination_wraps_longitude_across_the_antimeridian() -> None:
    lat, lon = destination_point(0.0, 179.9, 90.0, 50_000.0)
    assert -180.0 <= lon < -179.0
    assert haversine_m(0.0, 179.9, lat, lon) == pytest.approx(50_000.0, abs=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((91.0, 12.0, 0.0, 10.0), "latitude 91.0 is outside"),
        ((55.0, 12.0, math.nan, 10.0), "bearing_deg must be finite"),
        ((55.0, 12.0, 0.0, math.inf), "distance_m must be finite"),
        ((55.0, 12.0, 0.0, -1.0), "distance_m must be >= 0"),
        ((55.0, 12.0, "north", 1.0), "bearing_deg must be a number"),
    ],
)
def test_destination_rejects_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        destination_point(*args)  # type: ignore[arg-type]


# --- BBox and bbox_around -----------------------------------------------------------------


def test_bbox_parse_reads_the_contract_order() -> None:
    box = BBox.parse("8.07,54.55, 15.2 ,57.76")
    assert box == BBox(min_lon=8.07, min_lat=54.55, max_lon=15.2, max_lat=57.76)
    assert box.contains(55.6761, 12.5683)
    assert not box.contains(59.91, 10.75)  # Oslo
    assert box.contains(54.55, 8.07)  # a corner is inside


def test_bbox_to_query_round_trips_exactly() -> None:
    box = BBox(12.1 / 3, 55.1 / 7, 12.9, 56.0)
    assert BBox.parse(box.to_query()) == box


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8,54,15", "4 numbers"),
        ("8,54,15,57,1", "4 numbers"),
        ("", "4 numbers"),
        ("8,54,east,57", "maxLon 'east' is not a decimal number"),
        ("8,54,15,nan", "maxLat 'nan' is not a decimal number"),
        ("8,,15,57", "minLat '' is not a decimal number"),
        ("15,54,8,57", "minLon <= maxLon"),
        ("8,57,15,54", "minLat <= maxLat"),
        ("-181,54,15,57", "-180 <= minLon"),
        ("8,54,15,90.5", "maxLat <= 90"),
    ],
)
def test_bbox_parse_rejects_malformed_text(text: str, message: str) -> None:
    with pytest.raises(InvalidBBox, match=message):
        BBox.parse(text)


def test_bbox_rejects_non_numbers_and_non_text() -> None:
    with pytest.raises(InvalidBBox, match="min_lon must be a number"):
        BBox("8", 54.0, 15.0, 57.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidBBox, match="bbox must be text"):
        BBox.parse(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidCoordinate):
        BBox(8.0, 54.0, 15.0, 57.0).contains(math.nan, 10.0)


@settings(max_examples=200)
@given(
    st.floats(min_value=-80.0, max_value=80.0),
    st.floats(min_value=-170.0, max_value=170.0),
    st.floats(min_value=1.0, max_value=200_000.0),
    st.floats(min_value=0.0, max_value=360.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_bbox_around_holds_every_point_of_the_disc(
    lat: float, lon: float, radius: float, bearing: float, fraction: float
) -> None:
    box = bbox_around(lat, lon, radius)
    plat, plon = destination_point(lat, lon, bearing, radius * fraction)
    assert box.contains(plat, plon)


def test_bbox_around_is_tight() -> None:
    lat, lon, radius = 55.6761, 12.5683, 5_000.0
    box = bbox_around(lat, lon, radius)
    rim = [destination_point(lat, lon, b / 10, radius) for b in range(3600)]
    assert max(p[0] for p in rim) == pytest.approx(box.max_lat, abs=2e-9)
    assert min(p[0] for p in rim) == pytest.approx(box.min_lat, abs=2e-9)
    # The longitude extreme is not at bearing 90; a rim sampled every 0.1 deg of bearing never
    # passes the box and comes within ~1 cm (1e-7 deg) of its edge.
    assert max(p[1] for p in rim) <= box.max_lon + 1e-12
    assert max(p[1] for p in rim) == pytest.approx(box.max_lon, abs=1e-7)
    assert min(p[1] for p in rim) == pytest.approx(box.min_lon, abs=1e-7)


def test_bbox_around_widens_at_poles_and_antimeridian() -> None:
    polar = bbox_around(89.99, 10.0, 5_000.0)
    assert (polar.min_lon, polar.max_lon, polar.max_lat) == (-180.0, 180.0, 90.0)
    assert polar.min_lat == pytest.approx(89.99 - 5_000 / 111_195.08, abs=1e-6)
    near_180 = bbox_around(0.0, 179.99, 5_000.0)
    assert (near_180.min_lon, near_180.max_lon) == (-180.0, 180.0)
    point = bbox_around(55.0, 12.0, 0.0)
    assert point.contains(55.0, 12.0)
    assert point.max_lat - point.min_lat < 1e-8


def test_bbox_around_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="radius_m must be >= 0"):
        bbox_around(55.0, 12.0, -1.0)
    with pytest.raises(InvalidCoordinate, match=r"longitude 200\.0 is outside"):
        bbox_around(55.0, 200.0, 10.0)


# --- TransverseMercator -------------------------------------------------------------------


@given(dk_lats, dk_lons)
def test_projection_inverse_round_trips(lat: float, lon: float) -> None:
    proj = TransverseMercator(56.15, 11.63)
    x, y = proj.forward(lat, lon)
    back_lat, back_lon = proj.inverse(x, y)
    assert float(back_lat) == pytest.approx(lat, abs=1e-10)
    assert float(back_lon) == pytest.approx(lon, abs=1e-10)


@given(dk_lats, dk_lons, st.floats(min_value=0.0, max_value=360.0))
def test_projection_scale_factor_matches_measured_stretch(
    lat: float, lon: float, bearing: float
) -> None:
    # Conformal: a short step in any direction is stretched by the same k.
    proj = TransverseMercator(56.15, 11.63)
    lat2, lon2 = destination_point(lat, lon, bearing, 10.0)
    x, y = proj.forward([lat, lat2], [lon, lon2])
    stretch = math.hypot(x[1] - x[0], y[1] - y[0]) / haversine_m(lat, lon, lat2, lon2)
    assert stretch == pytest.approx(float(proj.scale_factor(lat, lon)), abs=1e-6)


def test_projection_scale_over_denmark_is_within_0_07_percent() -> None:
    proj = TransverseMercator(56.15, 11.63)
    grid_lat, grid_lon = np.meshgrid(np.linspace(54.5, 57.8, 50), np.linspace(8.0, 15.2, 50))
    k = proj.scale_factor(grid_lat, grid_lon)
    assert k.min() >= 1.0
    assert k.max() <= 1.0007
    assert float(proj.scale_factor(56.15, 11.63)) == 1.0


# --- parse_coordinates --------------------------------------------------------------------

RADHUS_DMS = (55 + 40 / 60 + 34 / 3600, 12 + 34 / 60 + 6 / 3600)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("55.6761, 12.5683", (55.6761, 12.5683)),
        ("55.6761 12.5683", (55.6761, 12.5683)),
        ("  55.6761,12.5683\n", (55.6761, 12.5683)),
        ("55.6761;12.5683", (55.6761, 12.5683)),
        ("55,6761 12,5683", (55.6761, 12.5683)),
        ("-33.85, 151.2", (-33.85, 151.2)),
        ("55°40'34\"N 12°34'06\"E", RADHUS_DMS),
        ("55° 40′ 34″ N, 12° 34′ 06″ E", RADHUS_DMS),
        ("55°40'34''N 12°34'06''E", RADHUS_DMS),
        ("55°40’34”N 12°34’06”E", RADHUS_DMS),
        ("12°34'06\"E 55°40'34\"N", RADHUS_DMS),
        ("N55°40'34\" E12°34'06\"", RADHUS_DMS),
        ("55°40'34\"N 12°34'06\"Ø", RADHUS_DMS),
        ("55°40'34\" 12°34'06\"", RADHUS_DMS),
        ("55°40.5'N 12°34.1'E", (55 + 40.5 / 60, 12 + 34.1 / 60)),
        ("33°51'S 151°12'E", (-33.85, 151.2)),
        ("40°26'46\"N 79°58'56\"W", (40 + 26 / 60 + 46 / 3600, -(79 + 58 / 60 + 56 / 3600))),
        ("55.6761N 12.5683E", (55.6761, 12.5683)),
        ("s33 w70", (-33.0, -70.0)),
    ],
)
def test_parse_coordinates_accepts_pasted_forms(text: str, expected: tuple[float, float]) -> None:
    lat, lon = parse_coordinates(text)
    assert lat == pytest.approx(expected[0], abs=1e-12)
    assert lon == pytest.approx(expected[1], abs=1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no coordinates given"),
        ("   ", "no coordinates given"),
        ("Rådhuspladsen 1", "cannot read coordinates from 'Rådhuspladsen 1'"),
        ("55.6761", "cannot read coordinates"),
        ("55.6761, 12.5683, 10", "cannot read coordinates"),
        ("55,6761, 12,5683", "cannot read coordinates"),
        ("55.1.2 12", "cannot read coordinates"),
        ("N55 12E", "cannot read coordinates"),
        ("91, 12", r"latitude 91.0 is outside \[-90, 90\]"),
        ("55, 190", r"longitude 190.0 is outside"),
        ("55°70'N 12°E", "minutes 70 must be below 60"),
        ("55°40'75\"N 12°E", "seconds 75 must be below 60"),
        ("55.5°30'N 12°E", "decimal degrees 55.5 cannot also have minutes"),
        ("55°30.5'10\"N 12°E", "decimal minutes 30.5 cannot also have seconds"),
        ("55°N 12°N", "one N/S latitude and one E/W longitude"),
        ("-55°N 12°E", "either a minus sign or a hemisphere letter"),
        ("55°N 12°", "a hemisphere letter for both angles or neither"),
        ("95°N 12°E", "latitude 95.0 is outside"),
    ],
)
def test_parse_coordinates_rejects_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InvalidCoordinate, match=message):
        parse_coordinates(text)


def test_parse_coordinates_rejects_non_text() -> None:
    with pytest.raises(InvalidCoordinate, match="must be text, got float"):
        parse_coordinates(55.6761)  # type: ignore[arg-type]


@given(dk_lats, dk_lons)
def test_parse_coordinates_reads_back_repr(lat: float, lon: float) -> None:
    assert parse_coordinates(f"{lat!r}, {lon!r}") == (lat, lon)
