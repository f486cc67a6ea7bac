"""The offline basemap: thinned town labels, a speck-free land outline, strict tile settings."""

from __future__ import annotations

import json
import math

import pytest

from console.domain.reference_data import Town, towns
from console.maps.basemap import (
    LABEL_SPACING_PX,
    LAST_LABEL_ZOOM,
    MIN_HOLE_DEG2,
    BasemapError,
    RasterTiles,
    _ring_area_deg2,
    _world_px,
    basemap_script,
    land_geojson,
    plain_text_credit,
    town_labels,
)


def _town(name: str, lat: float, lon: float, population: int) -> Town:
    return Town(name, lat, lon, population, "K", "Region Hovedstaden", 1)


def test_no_two_labels_collide_at_any_zoom() -> None:
    labels = town_labels(towns())
    assert len(labels) == len(towns())
    for zoom in range(6, LAST_LABEL_ZOOM + 1):
        shown = [_world_px(t.lat, t.lon) for t in labels if t.min_zoom <= zoom]
        scale = 2.0**zoom
        for i, (x1, y1) in enumerate(shown):
            for x2, y2 in shown[i + 1 :]:
                assert math.hypot(x1 - x2, y1 - y2) * scale >= LABEL_SPACING_PX


def test_big_towns_first_and_every_town_eventually() -> None:
    labels = {t.name: t.min_zoom for t in town_labels(towns())}
    assert labels["København"] == 6
    assert labels["Århus"] <= 7
    assert labels["Odense"] <= 7
    assert max(labels.values()) <= LAST_LABEL_ZOOM + 1


def test_a_smaller_neighbour_waits_for_a_closer_zoom() -> None:
    big = _town("Big", 55.70, 12.50, 500_000)
    small = _town("Small", 55.70, 12.53, 50_000)  # ~1.9 km east
    alone = _town("Alone", 57.00, 9.00, 50_000)
    zooms = {t.name: t.min_zoom for t in town_labels([small, big, alone])}
    assert zooms["Big"] == 6
    assert zooms["Alone"] == 7
    assert zooms["Small"] > zooms["Alone"]
    gap = math.hypot(
        *(a - b for a, b in zip(_world_px(55.70, 12.50), _world_px(55.70, 12.53), strict=True))
    )
    assert gap * 2.0 ** zooms["Small"] >= LABEL_SPACING_PX > gap * 2.0 ** (zooms["Small"] - 1)


def test_land_keeps_lakes_and_drops_specks() -> None:
    polygons = land_geojson()["features"][0]["geometry"]["coordinates"]
    holes = [ring for polygon in polygons for ring in polygon[1:]]
    assert 10 < len(holes) < 200
    assert all(_ring_area_deg2(ring) >= MIN_HOLE_DEG2 for ring in holes)
    outer_area = sum(_ring_area_deg2(polygon[0]) for polygon in polygons)
    assert 5.0 < outer_area < 8.0  # Denmark: ~43,000 km² ≈ 6.8 square degrees at 56° N


def test_basemap_script_is_one_assignment_of_json() -> None:
    text = basemap_script().decode("ascii")
    prefix = "window.AMK_BASEMAP = "
    assert text.startswith(prefix)
    data = json.loads(text[len(prefix) :].rstrip().rstrip(";"))
    assert data["land"]["type"] == "FeatureCollection"
    assert len(data["towns"]) == len(towns())
    assert all(len(row) == 4 for row in data["towns"])


@pytest.mark.parametrize(
    ("template", "match"),
    [
        ("ftp://tiles.example/{z}/{x}/{y}.png", "http"),
        ("https:///{z}/{x}/{y}.png", "http"),
        ("https://tiles.example/{z}/{x}.png", "lacks"),
        ("https://{s}.tiles.example/{z}/{x}/{y}.png", "subdomains"),
    ],
)
def test_tile_templates_are_checked(template: str, match: str) -> None:
    with pytest.raises(BasemapError, match=match):
        RasterTiles(template, "© Us")


def test_tile_origin_is_what_the_filter_compares() -> None:
    assert (
        RasterTiles("https://Tiles.Example/{z}/{x}/{y}.png", "x").origin == "https://tiles.example"
    )
    assert RasterTiles("http://10.0.0.5:8080/t/{z}/{x}/{y}", "x").origin == "http://10.0.0.5:8080"
    with pytest.raises(BasemapError, match="max_zoom"):
        RasterTiles("https://t.example/{z}/{x}/{y}", "x", max_zoom=30)


def test_credits_become_plain_text() -> None:
    credit = '<a href="https://osm.org/copyright">© OpenStreetMap</a> & <b>friends</b>'
    assert plain_text_credit(credit) == "© OpenStreetMap &amp; friends"
    assert plain_text_credit("<img src=x onerror=alert(1)>Tiles") == "Tiles"
