"""A synthetic but realistic Denmark: 57,307 responders and 26,182 AEDs, the same for the same seed.

The simulated dispatch server, the demos and the benchmarks all need a country to alert in, and
they need the *same* country every time a seed is replayed, so a bug seen once can be seen
again. Everything random here comes from one ``numpy.random.default_rng(seed)`` (PCG64, whose
streams numpy keeps stable for the same calls), drawn in a fixed order, and the result can be
fingerprinted with :func:`world_digest`.

Calibration is the June 2025 status report: each municipality gets exactly its number of active
responders, clustered around its towns by population; AEDs follow population, 18,656 of them
open around the clock. Every point lies inside the service area, because a responder in the sea
or in Sweden would be alerted for missions nobody could reach.

The work is vectorised: per-point Python runs only when the final dataclasses are built.
Measured with ``bench/bench_world.py`` (2 shared cores): ~0.3 s a world, of which the numpy
draws take ~50 ms and building the 83,489 dataclasses the rest; the budget is 2 s. About 1.5 %
of first draws land outside the service area and are redrawn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from console.domain.constants import (
    EARTH_RADIUS_M,
    NATIONAL_ACTIVE_RUNNERS,
    NATIONAL_AEDS,
    NATIONAL_AEDS_24_7,
)
from console.domain.model import Aed, AedAccess, AedStatus, Mode, Runner
from console.domain.reference_data import Municipality, Town, municipalities, towns
from console.domain.service_area import ServiceArea
from console.domain.timefmt import truncate_ms

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How the responders travel. No published figure exists; most volunteers respond from home on
#: foot, a good share by bike, few by car (cities are dense, parking is slow).
MODE_SHARES: Final[tuple[tuple[Mode, float], ...]] = (
    (Mode.FOOT, 0.55),
    (Mode.BIKE, 0.30),
    (Mode.CAR, 0.15),
)

#: Positions are "recently updated" (DOMAIN.md): up to two days old, well inside the 72 h limit,
#: so every generated responder is active at ``now``.
MAX_POSITION_AGE: Final = timedelta(hours=48)

#: GeoNames gives 0 for an unknown population (Herlev, Holte, Kokkedal are towns of thousands);
#: treating that as this many inhabitants keeps such a town in play without letting it dominate.
MIN_TOWN_WEIGHT: Final = 1_000

#: Spread of the cluster around a town, metres: a village's people live within about a kilometre,
#: a city's within several. Grows with the cube root of population between these bounds.
MIN_SPREAD_M: Final = 1_000.0
MAX_SPREAD_M: Final = 4_000.0
_SPREAD_REFERENCE_POPULATION: Final = 5_000

#: AEDs hang on public buildings nearer the centre than where people live.
AED_SPREAD_FACTOR: Final = 0.6

_COORD_DECIMALS: Final = 6
_METRES_PER_DEGREE: Final = EARTH_RADIUS_M * math.pi / 180.0
#: Draws at full spread before the spread is halved for the few points on a narrow spit or
#: island; after _MAX_DRAWS the town's own centre is used.
_FULL_SPREAD_DRAWS: Final = 8
_MAX_DRAWS: Final = 24

_ALIAS_HEX: Final = "0123456789ABCDEF"
#: Aliases are "HL-" + digit, hex, digit, hex, digit ("HL-7F3A2"): 256,000 of them, enough for the
#: national figure four times over, and a letter never stands next to a letter, so no alias can
#: spell a name.
_ALIAS_SPACE: Final = 10 * 16 * 10 * 16 * 10


@dataclass(frozen=True, slots=True)
class _Site:
    """A kind of place that keeps an AED behind its doors, with its usual hours and streets."""

    kind: str
    weight: float
    hours: tuple[str, ...]
    streets: tuple[str, ...]


#: Where the limited-access AEDs hang, and when those places are open (OpenStreetMap syntax, the
#: subset the console's opening-hours parser reads).
LIMITED_SITES: Final[tuple[_Site, ...]] = (
    _Site(
        "school",
        0.26,
        (
            "Mo-Fr 08:00-16:00",
            "Mo-Th 08:00-15:30; Fr 08:00-14:00",
            "Mo-Fr 07:30-17:00; PH off",
        ),
        ("Skolevej", "Skolegade", "Skolebakken", "Skolestien"),
    ),
    _Site(
        "shop",
        0.22,
        ("Mo-Su 07:00-22:00", "Mo-Fr 09:00-19:00; Sa 09:00-16:00", "Mo-Su 06:00-22:00"),
        ("Hovedgaden", "Torvet", "Storegade", "Algade", "Butikstorvet"),
    ),
    _Site(
        "sports hall",
        0.2,
        (
            "Mo-Fr 06:00-23:00; Sa-Su 08:00-20:00",
            "Mo-Su 08:00-22:00",
            "Mo-Fr 15:00-22:00; Sa-Su 09:00-17:00",
        ),
        ("Idrætsvej", "Stadionvej", "Hallvej", "Sportsvej"),
    ),
    _Site(
        "office",
        0.22,
        (
            "Mo-Fr 08:00-16:00; PH off",
            "Mo-Fr 07:00-17:00; Sa 09:00-13:00",
            "Mo-Th 07:00-15:30; Fr 07:00-14:00",
        ),
        ("Industrivej", "Erhvervsvej", "Håndværkervej", "Fabriksvej", "Rådhuspladsen"),
    ),
    _Site(
        "community house",
        0.1,
        ("Mo-Fr 09:00-21:00; Sa 10:00-16:00", "Mo-Su 09:00-20:00"),
        ("Kirkevej", "Præstegårdsvej", "Forsamlingsvej", "Bibliotekvej"),
    ),
)

#: Streets of the outdoor, always-open cabinets (station, church, sports ground, residential).
ALWAYS_OPEN_STREETS: Final = (
    "Stationsvej",
    "Kirkevej",
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Bygaden",
    "Møllevej",
    "Skovvej",
    "Strandvej",
    "Engvej",
    "Parkvej",
    "Idrætsvej",
    "Skolevej",
    "Byvej",
)

_MAX_HOUSE_NUMBER: Final = 120


class PointFilter(Protocol):
    """What placement needs of a service area; tests pass a tiny stand-in."""

    def contains_many(self, lats: FloatArray, lons: FloatArray) -> npt.NDArray[np.bool_]: ...


class WorldError(ValueError):
    """The world cannot be generated: bad arguments or reference data the area rejects."""


@dataclass(frozen=True, slots=True)
class World:
    """Every responder and AED of a generated Denmark.

    ``runner_municipalities[i]`` is the municipality ``runners[i]`` is counted in, and likewise
    for AEDs. The contract's objects carry no municipality, but the calibration is per
    municipality, so it is kept beside them for whoever reports or tests against the status
    report.
    """

    runners: tuple[Runner, ...]
    aeds: tuple[Aed, ...]
    runner_municipalities: tuple[str, ...]
    aed_municipalities: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.runner_municipalities) != len(self.runners):
            raise WorldError(
                f"{len(self.runner_municipalities)} municipalities for {len(self.runners)} runners"
            )
        if len(self.aed_municipalities) != len(self.aeds):
            raise WorldError(
                f"{len(self.aed_municipalities)} municipalities for {len(self.aeds)} AEDs"
            )


# --------------------------------------------------------------------------- helpers


def _largest_remainder(weights: Sequence[float], total: int) -> IntArray:
    """Split ``total`` in proportion to ``weights`` into whole numbers that sum to it exactly."""
    w = np.asarray(weights, dtype=np.float64)
    quotas = w / w.sum() * total
    counts: IntArray = np.floor(quotas).astype(np.int64)
    short = total - int(counts.sum())
    # Stable sort: on equal remainders the earlier municipality wins, independent of platform.
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def _town_weights(all_towns: Sequence[Town]) -> FloatArray:
    return np.array([max(t.population, MIN_TOWN_WEIGHT) for t in all_towns], dtype=np.float64)


def _spread_m(weights: FloatArray) -> FloatArray:
    spread = MIN_SPREAD_M * np.cbrt(weights / _SPREAD_REFERENCE_POPULATION)
    return np.clip(spread, MIN_SPREAD_M, MAX_SPREAD_M)


def _pick_towns(
    rng: np.random.Generator,
    counts: IntArray,
    munis: Sequence[Municipality],
    all_towns: Sequence[Town],
    weights: FloatArray,
) -> IntArray:
    """Town index for each point: municipality by municipality, weighted by town population.

    The loop is over the 98 municipalities, not the points, and its order (the file's) fixes the
    order of random draws.
    """
    index_of = {m.name: i for i, m in enumerate(munis)}
    members: list[list[int]] = [[] for _ in munis]
    for t_index, town in enumerate(all_towns):
        members[index_of[town.kommune]].append(t_index)
    picks: list[IntArray] = []
    for m_index, count in enumerate(counts.tolist()):
        candidates = np.array(members[m_index], dtype=np.int64)
        p = weights[candidates] / weights[candidates].sum()
        picks.append(rng.choice(candidates, size=count, p=p))
    return np.concatenate(picks).astype(np.int64)


def _place(
    rng: np.random.Generator,
    area: PointFilter,
    centre_lat: FloatArray,
    centre_lon: FloatArray,
    spread_m: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Gaussian points around the centres, redrawn until each is inside the service area.

    Rounding happens before the check, so the stored coordinate is the one that was checked.
    A point that keeps landing in the sea (a town on a spit) is redrawn with a halving spread,
    and finally put on its town's centre, which must itself be inside.
    """
    lat = np.empty_like(centre_lat)
    lon = np.empty_like(centre_lon)
    pending = np.arange(centre_lat.size)
    cos_lat = np.cos(np.radians(centre_lat))
    for attempt in range(_MAX_DRAWS):
        if pending.size == 0:
            return lat, lon
        shrink = 0.5 ** max(0, attempt - _FULL_SPREAD_DRAWS + 1)
        offsets = rng.standard_normal((2, pending.size)) * (spread_m[pending] * shrink)
        cand_lat = np.round(centre_lat[pending] + offsets[0] / _METRES_PER_DEGREE, _COORD_DECIMALS)
        cand_lon = np.round(
            centre_lon[pending] + offsets[1] / (_METRES_PER_DEGREE * cos_lat[pending]),
            _COORD_DECIMALS,
        )
        inside = np.asarray(area.contains_many(cand_lat, cand_lon), dtype=bool)
        lat[pending[inside]] = cand_lat[inside]
        lon[pending[inside]] = cand_lon[inside]
        pending = pending[~inside]
    if pending.size:
        fallback_lat = np.round(centre_lat[pending], _COORD_DECIMALS)
        fallback_lon = np.round(centre_lon[pending], _COORD_DECIMALS)
        inside = np.asarray(area.contains_many(fallback_lat, fallback_lon), dtype=bool)
        if not inside.all():
            bad = pending[~inside][0]
            raise WorldError(
                f"town centre {centre_lat[bad]:.5f}, {centre_lon[bad]:.5f} is outside the "
                "service area"
            )
        lat[pending] = fallback_lat
        lon[pending] = fallback_lon
    return lat, lon


def _aliases(rng: np.random.Generator, count: int) -> list[str]:
    """Unique pseudonyms like "HL-7F3A2": random, so the alias says nothing about the id."""
    codes = rng.choice(_ALIAS_SPACE, size=count, replace=False).astype(np.int64)
    d3 = codes % 10
    h2 = codes // 10 % 16
    d2 = codes // 160 % 10
    h1 = codes // 1_600 % 16
    d1 = codes // 25_600
    hx = _ALIAS_HEX
    return [
        f"HL-{a}{hx[b]}{c}{hx[d]}{e}"
        for a, b, c, d, e in zip(
            d1.tolist(), h1.tolist(), d2.tolist(), h2.tolist(), d3.tolist(), strict=True
        )
    ]


def _check_arguments(seed: int, now: datetime) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise WorldError(f"seed must be an integer, got {seed!r}")
    if seed < 0:
        raise WorldError(f"seed must be non-negative, got {seed}")
    if not isinstance(now, datetime):
        raise WorldError(f"now must be a datetime, got {now!r}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise WorldError(f"now must be timezone-aware, got naive {now!r}")


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True, slots=True)
class Draws:
    """Every random choice of a world, as arrays; :func:`build` turns them into values.

    Kept apart from the construction so the benchmark can time the vectorised part and the
    per-point construction separately.
    """

    now: datetime
    town_names: tuple[str, ...]
    town_municipalities: tuple[str, ...]
    runner_town: IntArray
    runner_lat: FloatArray
    runner_lon: FloatArray
    runner_mode: IntArray
    runner_age_ms: IntArray
    runner_alias: tuple[str, ...]
    aed_town: IntArray
    aed_lat: FloatArray
    aed_lon: FloatArray
    aed_always: npt.NDArray[np.bool_]
    aed_site: IntArray
    aed_hours_u: FloatArray
    aed_street_u: FloatArray
    aed_number: IntArray


def draw(seed: int, now: datetime) -> Draws:
    """All of the world's randomness, in a fixed order: changing the order changes every world."""
    _check_arguments(seed, now)
    rng = np.random.default_rng(seed)
    area = ServiceArea.denmark()
    munis = municipalities()
    all_towns = towns()
    town_lat = np.array([t.lat for t in all_towns], dtype=np.float64)
    town_lon = np.array([t.lon for t in all_towns], dtype=np.float64)
    weights = _town_weights(all_towns)
    spread = _spread_m(weights)

    # Runners: exactly the status report's count per municipality.
    runner_counts = np.array([m.active_runners for m in munis], dtype=np.int64)
    if int(runner_counts.sum()) != NATIONAL_ACTIVE_RUNNERS:
        raise WorldError(
            f"municipalities sum to {int(runner_counts.sum())} runners, "
            f"not the national {NATIONAL_ACTIVE_RUNNERS}"
        )
    r_town = _pick_towns(rng, runner_counts, munis, all_towns, weights)
    r_lat, r_lon = _place(rng, area, town_lat[r_town], town_lon[r_town], spread[r_town])
    n_runners = r_town.size
    mode_p = [share for _, share in MODE_SHARES]
    r_mode = rng.choice(len(MODE_SHARES), size=n_runners, p=mode_p).astype(np.int64)
    max_age_ms = int(MAX_POSITION_AGE / timedelta(milliseconds=1))
    r_age = rng.integers(0, max_age_ms, size=n_runners, endpoint=True, dtype=np.int64)
    r_alias = tuple(_aliases(rng, n_runners))

    # AEDs: municipality by population, then town by population.
    aed_counts = _largest_remainder([m.population for m in munis], NATIONAL_AEDS)
    a_town = _pick_towns(rng, aed_counts, munis, all_towns, weights)
    a_lat, a_lon = _place(
        rng, area, town_lat[a_town], town_lon[a_town], spread[a_town] * AED_SPREAD_FACTOR
    )
    n_aeds = a_town.size
    always = np.zeros(n_aeds, dtype=bool)
    always[rng.permutation(n_aeds)[:NATIONAL_AEDS_24_7]] = True
    site_p = np.array([site.weight for site in LIMITED_SITES])
    a_site = rng.choice(len(LIMITED_SITES), size=n_aeds, p=site_p / site_p.sum()).astype(np.int64)
    return Draws(
        now=truncate_ms(now),
        town_names=tuple(t.name for t in all_towns),
        town_municipalities=tuple(t.kommune for t in all_towns),
        runner_town=r_town,
        runner_lat=r_lat,
        runner_lon=r_lon,
        runner_mode=r_mode,
        runner_age_ms=r_age,
        runner_alias=r_alias,
        aed_town=a_town,
        aed_lat=a_lat,
        aed_lon=a_lon,
        aed_always=always,
        aed_site=a_site,
        aed_hours_u=rng.random(n_aeds),
        aed_street_u=rng.random(n_aeds),
        aed_number=rng.integers(1, _MAX_HOUSE_NUMBER, size=n_aeds, endpoint=True, dtype=np.int64),
    )


def build(draws: Draws) -> World:
    """The contract's values from the draws; the only place that walks point by point."""
    modes = [mode for mode, _ in MODE_SHARES]
    now = draws.now
    runners = tuple(
        Runner(
            id=f"r{i + 1:06d}",
            alias=alias,
            lat=lat,
            lon=lon,
            position_at=now - timedelta(milliseconds=age),
            mode=modes[mode],
        )
        for i, (alias, lat, lon, age, mode) in enumerate(
            zip(
                draws.runner_alias,
                draws.runner_lat.tolist(),
                draws.runner_lon.tolist(),
                draws.runner_age_ms.tolist(),
                draws.runner_mode.tolist(),
                strict=True,
            )
        )
    )
    names = draws.town_names
    aeds = tuple(
        _aed(i, lat, lon, names[town], always, site, hours_u, street_u, number)
        for i, (lat, lon, town, always, site, hours_u, street_u, number) in enumerate(
            zip(
                draws.aed_lat.tolist(),
                draws.aed_lon.tolist(),
                draws.aed_town.tolist(),
                draws.aed_always.tolist(),
                draws.aed_site.tolist(),
                draws.aed_hours_u.tolist(),
                draws.aed_street_u.tolist(),
                draws.aed_number.tolist(),
                strict=True,
            )
        )
    )
    home = draws.town_municipalities
    return World(
        runners=runners,
        aeds=aeds,
        runner_municipalities=tuple(home[town] for town in draws.runner_town.tolist()),
        aed_municipalities=tuple(home[town] for town in draws.aed_town.tolist()),
    )


def generate_world(seed: int, now: datetime) -> World:
    """The Denmark of ``seed`` as it looks at ``now`` (positions are up to 48 h older).

    ``now`` is taken to the millisecond in UTC, as the contract carries times, so the same
    instant gives the same world whatever zone it was written in.
    """
    return build(draw(seed, now))


def _aed(
    index: int,
    lat: float,
    lon: float,
    town: str,
    always: bool,
    site_index: int,
    hours_u: float,
    street_u: float,
    number: int,
) -> Aed:
    if always:
        streets: tuple[str, ...] = ALWAYS_OPEN_STREETS
        hours = "24/7"
        access = AedAccess.ALWAYS
    else:
        site = LIMITED_SITES[site_index]
        streets = site.streets
        hours = site.hours[int(hours_u * len(site.hours))]
        access = AedAccess.LIMITED
    street = streets[int(street_u * len(streets))]
    return Aed(
        id=f"aed-{index + 1:06d}",
        lat=lat,
        lon=lon,
        address=f"{street} {number}, {town}",
        access=access,
        opening_hours=hours,
        status=AedStatus.AVAILABLE,
    )


def world_digest(world: World) -> str:
    """SHA-256 of a canonical JSON form of the world: equal digests mean byte-identical worlds.

    JSON of the contract's own ``to_json`` is used, so the digest covers exactly what the server
    would hand out, and Python's shortest-repr floats keep it identical across platforms.
    """
    document = {
        "runners": [r.to_json() for r in world.runners],
        "aeds": [a.to_json() for a in world.aeds],
        "runner_municipalities": list(world.runner_municipalities),
        "aed_municipalities": list(world.aed_municipalities),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
