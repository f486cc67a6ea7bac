"""The generated Denmark: calibrated counts, inside the service area, and the same for a seed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest

from console.domain.constants import (
    EARTH_RADIUS_M,
    LOCAL_TZ,
    MAX_ADDRESS_CHARS,
    NATIONAL_ACTIVE_RUNNERS,
    NATIONAL_AEDS,
    NATIONAL_AEDS_24_7,
)
from console.domain.geometry import haversine_m
from console.domain.model import AedAccess, AedStatus, Mode
from console.domain.opening_hours import OpeningHours
from console.domain.reference_data import municipalities, towns
from console.domain.service_area import ServiceArea
from console.domain.world import (
    ALWAYS_OPEN_STREETS,
    LIMITED_SITES,
    MAX_POSITION_AGE,
    MAX_SPREAD_M,
    MODE_SHARES,
    World,
    WorldError,
    _place,
    generate_world,
    world_digest,
)

NOW = datetime(2025, 6, 3, 14, 2, 11, 250_000, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(1, NOW)


@pytest.fixture(scope="module")
def digest(world: World) -> str:
    return world_digest(world)


# --------------------------------------------------------------------------- calibration


def test_totals_match_the_status_report(world: World) -> None:
    assert len(world.runners) == NATIONAL_ACTIVE_RUNNERS
    assert len(world.aeds) == NATIONAL_AEDS


def test_every_municipality_gets_exactly_its_active_runners(world: World) -> None:
    expected = {m.name: m.active_runners for m in municipalities()}
    assert Counter(world.runner_municipalities) == expected


def test_aeds_follow_municipality_population(world: World) -> None:
    munis = municipalities()
    total = sum(m.population for m in munis)
    counts = Counter(world.aed_municipalities)
    for m in munis:
        quota = m.population / total * NATIONAL_AEDS
        assert abs(counts[m.name] - quota) < 1, m.name


def _metres_between(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    t_lat: npt.NDArray[np.float64],
    t_lon: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Haversine from every point (rows) to every town (columns)."""
    p1, p2 = np.radians(lat)[:, None], np.radians(t_lat)[None, :]
    dl = np.radians(t_lon)[None, :] - np.radians(lon)[:, None]
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    return result


def test_points_cluster_around_their_municipalitys_towns(world: World) -> None:
    lat = np.array([r.lat for r in world.runners] + [a.lat for a in world.aeds])
    lon = np.array([r.lon for r in world.runners] + [a.lon for a in world.aeds])
    homes = np.array(world.runner_municipalities + world.aed_municipalities)
    all_towns = towns()
    far = 0
    for muni in municipalities():
        mine = homes == muni.name
        t_lat = np.array([t.lat for t in all_towns if t.kommune == muni.name])
        t_lon = np.array([t.lon for t in all_towns if t.kommune == muni.name])
        nearest = _metres_between(lat[mine], lon[mine], t_lat, t_lon).min(axis=1)
        far += int((nearest > 4 * MAX_SPREAD_M).sum())
    # A 2-D Gaussian leaves 4 sigma with probability e^-8 (3 in 10,000).
    assert far < 0.0005 * lat.size


def test_a_citys_runners_form_a_cluster_not_a_smear(world: World) -> None:
    # København's runners around the city centre with the widest spread: a 2-D Gaussian keeps
    # 39 % within one sigma and 96 % within 2.5 sigma.
    centre = next(t for t in towns() if t.name == "København")
    distances = [
        haversine_m(r.lat, r.lon, centre.lat, centre.lon)
        for r, muni in zip(world.runners, world.runner_municipalities, strict=True)
        if muni == "København"
    ]
    within = sum(d < MAX_SPREAD_M for d in distances) / len(distances)
    assert 0.3 < within < 0.5
    assert sum(d < 2.5 * MAX_SPREAD_M for d in distances) / len(distances) > 0.9


def test_everything_is_inside_the_service_area(world: World) -> None:
    area = ServiceArea.denmark()
    lats = np.array([r.lat for r in world.runners] + [a.lat for a in world.aeds])
    lons = np.array([r.lon for r in world.runners] + [a.lon for a in world.aeds])
    assert area.contains_many(lats, lons).all()


def test_coordinates_have_six_decimals(world: World) -> None:
    coordinates = [(r.lat, r.lon) for r in world.runners] + [(a.lat, a.lon) for a in world.aeds]
    assert all(round(lat, 6) == lat and round(lon, 6) == lon for lat, lon in coordinates)


# --------------------------------------------------------------------------- runners


def test_runner_ids_are_sequential(world: World) -> None:
    assert [r.id for r in world.runners] == [
        f"r{i:06d}" for i in range(1, NATIONAL_ACTIVE_RUNNERS + 1)
    ]


COMMON_DANISH_NAMES = (
    "anne", "mette", "kirsten", "hanne", "anna", "ida", "peter", "jens", "lars", "michael",
    "henrik", "thomas", "søren", "ebbe", "abbe", "ada", "bo", "dea", "eddie", "jensen",
    "nielsen", "hansen", "pedersen", "andersen",
)  # fmt: skip


def test_aliases_are_unique_pseudonyms(world: World) -> None:
    aliases = [r.alias for r in world.runners]
    assert len(set(aliases)) == len(aliases)
    pattern = re.compile(r"HL-[0-9][0-9A-F][0-9][0-9A-F][0-9]")
    assert all(pattern.fullmatch(alias) for alias in aliases)
    # No two letters side by side, so no alias can spell a name.
    assert not [a for a in aliases if re.search(r"[A-F]{2}", a)]
    assert not [a for a in aliases for name in COMMON_DANISH_NAMES if name in a.casefold()]


def test_modes_follow_the_mix(world: World) -> None:
    counts = Counter(r.mode for r in world.runners)
    assert set(counts) == set(Mode)
    for mode, share in MODE_SHARES:
        assert abs(counts[mode] / len(world.runners) - share) < 0.01, mode


def test_every_runner_is_active_with_a_recent_position(world: World) -> None:
    ages = [NOW - r.position_at for r in world.runners]
    assert min(ages) >= timedelta(0)
    assert max(ages) <= MAX_POSITION_AGE
    # Spread over the whole window, not bunched at one end.
    assert max(ages) > MAX_POSITION_AGE * 0.99
    assert min(ages) < MAX_POSITION_AGE * 0.01
    assert all(r.position_at.tzinfo is UTC for r in world.runners)
    assert all(r.position_at.microsecond % 1000 == 0 for r in world.runners)


# --------------------------------------------------------------------------- AEDs


def test_aed_ids_and_status(world: World) -> None:
    assert [a.id for a in world.aeds] == [f"aed-{i:06d}" for i in range(1, NATIONAL_AEDS + 1)]
    assert {a.status for a in world.aeds} == {AedStatus.AVAILABLE}


def test_exactly_the_reported_share_is_open_around_the_clock(world: World) -> None:
    always = [a for a in world.aeds if a.access is AedAccess.ALWAYS]
    assert len(always) == NATIONAL_AEDS_24_7
    assert {a.opening_hours for a in always} == {"24/7"}
    limited = [a for a in world.aeds if a.access is AedAccess.LIMITED]
    assert "24/7" not in {a.opening_hours for a in limited}


def test_generated_opening_hours_parse_and_close_at_night(world: World) -> None:
    texts = {a.opening_hours for a in world.aeds if a.access is AedAccess.LIMITED}
    # Every kind of site and every one of its hours is used.
    assert texts == {hours for site in LIMITED_SITES for hours in site.hours}
    wednesday_3am = datetime(2025, 6, 4, 3, 0, tzinfo=LOCAL_TZ)
    for text in texts:
        assert text is not None
        assert not OpeningHours.parse(text).is_open(wednesday_3am), text
    assert OpeningHours.parse("24/7").is_open(wednesday_3am)


def test_addresses_are_synthetic_danish_street_addresses(world: World) -> None:
    town_names = {t.name for t in towns()}
    streets = set(ALWAYS_OPEN_STREETS) | {s for site in LIMITED_SITES for s in site.streets}
    pattern = re.compile(r"(?P<street>.+) (?P<number>[1-9][0-9]{0,2}), (?P<town>.+)")
    for aed in world.aeds:
        match = pattern.fullmatch(aed.address)
        assert match, aed.address
        assert match["street"] in streets
        assert match["town"] in town_names
        assert 1 <= int(match["number"]) <= 120
        assert len(aed.address) <= MAX_ADDRESS_CHARS


def test_limited_aeds_stand_on_streets_of_their_kind_of_site(world: World) -> None:
    hours_to_streets: dict[str, set[str]] = {}
    for site in LIMITED_SITES:
        for hours in site.hours:
            hours_to_streets.setdefault(hours, set()).update(site.streets)
    for aed in world.aeds:
        if aed.access is AedAccess.LIMITED:
            assert aed.opening_hours is not None
            street = aed.address.split(",")[0].rsplit(" ", 1)[0]
            assert street in hours_to_streets[aed.opening_hours], aed


# --------------------------------------------------------------------------- determinism


def test_same_seed_and_instant_give_the_same_world(world: World, digest: str) -> None:
    # The same instant written in local time: the world must not depend on the zone.
    again = generate_world(1, NOW.astimezone(LOCAL_TZ))
    assert again == world
    assert world_digest(again) == digest


def test_another_seed_gives_another_world(world: World, digest: str) -> None:
    other = generate_world(2, NOW)
    assert world_digest(other) != digest
    # The calibration does not move with the seed.
    assert Counter(other.runner_municipalities) == Counter(world.runner_municipalities)
    moved = sum(
        (a.lat, a.lon) != (b.lat, b.lon) for a, b in zip(world.runners, other.runners, strict=True)
    )
    assert moved > 0.99 * len(world.runners)


def test_digest_changes_with_the_smallest_change(world: World, digest: str) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    first = world.runners[0]
    nudged = replace(world, runners=(replace(first, lon=first.lon + 1e-6), *world.runners[1:]))
    assert world_digest(nudged) != digest
    last = world.aeds[-1]
    taken = replace(world, aeds=(*world.aeds[:-1], replace(last, status=AedStatus.TAKEN)))
    assert world_digest(taken) != digest


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("seed", [-1, -(2**40)])
def test_a_negative_seed_is_rejected(seed: int) -> None:
    with pytest.raises(ValueError, match=f"seed must be non-negative, got {seed}"):
        generate_world(seed, NOW)


def test_a_non_integer_seed_is_rejected() -> None:
    with pytest.raises(ValueError, match="seed must be an integer, got True"):
        generate_world(True, NOW)
    with pytest.raises(ValueError, match=r"seed must be an integer, got 1\.5"):
        generate_world(1.5, NOW)  # type: ignore[arg-type]


def test_a_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        generate_world(1, datetime(2025, 6, 3, 12, 0))


def test_a_world_with_misaligned_municipalities_is_rejected(world: World) -> None:
    with pytest.raises(WorldError, match="2 municipalities for 57307 runners"):
        World(world.runners, world.aeds, ("Køge", "Køge"), world.aed_municipalities)
    with pytest.raises(WorldError, match="0 municipalities for 26182 AEDs"):
        World(world.runners, world.aeds, world.runner_municipalities, ())


# --------------------------------------------------------------------------- placement


class _OnlyExactly:
    """An area that is a handful of points: everything else is at sea."""

    def __init__(self, points: set[tuple[float, float]]) -> None:
        self.points = points
        self.calls = 0

    def contains_many(
        self, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        self.calls += 1
        return np.array([(a, b) in self.points for a, b in zip(lats, lons, strict=True)])


def test_points_that_keep_missing_the_area_fall_back_to_their_town() -> None:
    centres = (np.array([55.1234567, 56.5]), np.array([12.7654321, 9.0]))
    area = _OnlyExactly({(55.123457, 12.765432), (56.5, 9.0)})
    lat, lon = _place(
        np.random.default_rng(0),
        area,
        *centres,
        np.array([1_000.0, 1_000.0]),
    )
    assert lat.tolist() == [55.123457, 56.5]
    assert lon.tolist() == [12.765432, 9.0]
    assert area.calls > 10


def test_a_town_outside_the_area_is_an_error() -> None:
    area = _OnlyExactly(set())
    with pytest.raises(WorldError, match=r"town centre 55\.00000, 12\.00000 is outside"):
        _place(
            np.random.default_rng(0),
            area,
            np.array([55.0]),
            np.array([12.0]),
            np.array([1_000.0]),
        )
