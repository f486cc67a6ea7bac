"""The shipped facts about Denmark: municipalities with their responder counts, and towns.

Everything synthetic in the system (the simulated world, the console's place search) is built
from these two CSV files, so they are read once, validated once, and handed out as immutable
tuples. They are read through :mod:`importlib.resources` only, so an installed console finds
them no matter what the working directory is. Provenance: ``resources/data/README.md``.

A malformed file is a packaging bug, not a runtime condition: the loaders raise
:class:`ReferenceDataError` naming the file and line, rather than skipping rows and silently
shifting the national totals the generator is calibrated against.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

MUNICIPALITIES_FILE: Final = "kommuner_2025-06-03.csv"
TOWNS_FILE: Final = "towns.csv"

_MUNICIPALITY_COLUMNS: Final = ("region", "kommune", "active_runners", "runners_per_100k")
_TOWN_COLUMNS: Final = ("name", "lat", "lon", "population", "kommune", "region", "geonameid")

#: The five regions, one AMK each (DOMAIN.md "Who is who"); anything else is a typo in the data.
REGIONS: Final = frozenset(
    {
        "Region Hovedstaden",
        "Region Sjælland",
        "Region Syddanmark",
        "Region Midtjylland",
        "Region Nordjylland",
    }
)

#: A generous box around the Kingdom's Danish part (Christiansø is at 15.19 E), so a swapped
#: lat/lon or a lost decimal point is caught at load time.
_LAT_RANGE: Final = (54.4, 57.9)
_LON_RANGE: Final = (7.9, 15.3)

#: GeoNames gives a few places under an English or ASCII name; a Danish dispatcher searches and
#: reads the Danish one, so the loader uses that (the GeoNames id still identifies the place).
_DANISH_NAMES: Final[Mapping[str, str]] = {
    "Copenhagen": "København",
    "Skaerbaek": "Skærbæk",
}


class ReferenceDataError(ValueError):
    """A shipped reference file that cannot be trusted; the message names file and line."""


@dataclass(frozen=True, slots=True)
class Municipality:
    """One of the 98 kommuner with its active responders on 3 June 2025."""

    region: str
    name: str
    active_runners: int
    runners_per_100k: int
    #: Inhabitants, derived as active_runners / runners_per_100k × 100,000 (the status report
    #: gives no population column), rounded to a whole person.
    population: int


@dataclass(frozen=True, slots=True)
class Town:
    """A town or village from GeoNames, placed in its municipality and region."""

    name: str
    lat: float
    lon: float
    population: int
    kommune: str
    region: str
    geonameid: int


# --------------------------------------------------------------------------- parsing


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) after checking the header, so errors can point at a line."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ReferenceDataError(f"{source}: empty file") from None
    if tuple(header) != columns:
        raise ReferenceDataError(
            f"{source} line 1: expected columns {','.join(columns)}, got {','.join(header)}"
        )
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != len(columns):
            raise ReferenceDataError(
                f"{source} line {line}: expected {len(columns)} fields, got {len(row)}"
            )
        yield line, dict(zip(columns, (cell.strip() for cell in row), strict=True))


def _text(row: Mapping[str, str], column: str, where: str) -> str:
    value = row[column]
    if not value:
        raise ReferenceDataError(f"{where}: {column} is empty")
    return value


def _integer(row: Mapping[str, str], column: str, where: str, *, minimum: int) -> int:
    raw = row[column]
    try:
        value = int(raw)
    except ValueError:
        raise ReferenceDataError(f"{where}: {column} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ReferenceDataError(f"{where}: {column} must be >= {minimum}, got {value}")
    return value


def _coordinate(
    row: Mapping[str, str], column: str, where: str, bounds: tuple[float, float]
) -> float:
    raw = row[column]
    try:
        value = float(raw)
    except ValueError:
        raise ReferenceDataError(f"{where}: {column} must be a number, got {raw!r}") from None
    low, high = bounds
    if not math.isfinite(value) or not low <= value <= high:
        raise ReferenceDataError(f"{where}: {column} {raw} is outside Denmark ({low}–{high})")
    return value


def _region(row: Mapping[str, str], where: str) -> str:
    region = _text(row, "region", where)
    if region not in REGIONS:
        raise ReferenceDataError(f"{where}: unknown region {region!r}")
    return region


def parse_municipalities(text: str, source: str = MUNICIPALITIES_FILE) -> tuple[Municipality, ...]:
    """Parse and validate the municipality CSV; ``source`` names the file in error messages."""
    result: list[Municipality] = []
    seen: set[str] = set()
    for line, row in _rows(text, source, _MUNICIPALITY_COLUMNS):
        where = f"{source} line {line}"
        name = _text(row, "kommune", where)
        if name in seen:
            raise ReferenceDataError(f"{where}: municipality {name!r} appears twice")
        seen.add(name)
        active = _integer(row, "active_runners", where, minimum=1)
        per_100k = _integer(row, "runners_per_100k", where, minimum=1)
        result.append(
            Municipality(
                region=_region(row, where),
                name=name,
                active_runners=active,
                runners_per_100k=per_100k,
                population=round(active * 100_000 / per_100k),
            )
        )
    if not result:
        raise ReferenceDataError(f"{source}: no municipalities")
    return tuple(result)


def parse_towns(
    text: str, municipalities: tuple[Municipality, ...], source: str = TOWNS_FILE
) -> tuple[Town, ...]:
    """Parse and validate the town CSV against the municipalities it must belong to.

    Every municipality needs at least one town, because the world generator places each
    municipality's responders around its towns; a municipality without one is an error here
    rather than a division by zero later.
    """
    region_of = {m.name: m.region for m in municipalities}
    result: list[Town] = []
    seen_ids: set[int] = set()
    for line, row in _rows(text, source, _TOWN_COLUMNS):
        where = f"{source} line {line}"
        name = _text(row, "name", where)
        kommune = _text(row, "kommune", where)
        region = _region(row, where)
        if kommune not in region_of:
            raise ReferenceDataError(f"{where}: unknown municipality {kommune!r}")
        if region_of[kommune] != region:
            raise ReferenceDataError(f"{where}: {kommune} is in {region_of[kommune]}, not {region}")
        geonameid = _integer(row, "geonameid", where, minimum=1)
        if geonameid in seen_ids:
            raise ReferenceDataError(f"{where}: geonameid {geonameid} appears twice")
        seen_ids.add(geonameid)
        result.append(
            Town(
                name=_DANISH_NAMES.get(name, name),
                lat=_coordinate(row, "lat", where, _LAT_RANGE),
                lon=_coordinate(row, "lon", where, _LON_RANGE),
                population=_integer(row, "population", where, minimum=0),
                kommune=kommune,
                region=region,
                geonameid=geonameid,
            )
        )
    townless = sorted(set(region_of) - {t.kommune for t in result})
    if townless:
        raise ReferenceDataError(f"{source}: no town in {', '.join(townless)}")
    return tuple(result)


# --------------------------------------------------------------------------- shipped data


def _read(name: str) -> str:
    return resources.files("console.resources").joinpath("data", name).read_text(encoding="utf-8")


@cache
def municipalities() -> tuple[Municipality, ...]:
    """The 98 municipalities in the file's order (by region), read once."""
    return parse_municipalities(_read(MUNICIPALITIES_FILE))


@cache
def towns() -> tuple[Town, ...]:
    """The shipped towns in the file's order, read once."""
    return parse_towns(_read(TOWNS_FILE), municipalities())


# --------------------------------------------------------------------------- search

#: Danish letters folded the way people type them without a Danish keyboard. ``aa`` is folded
#: too (after ``å``), so "Aarhus", "Århus" and "arhus" all meet at "arhus".
_FOLDS: Final = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})


def search_key(text: str) -> str:
    """A case- and accent-free search key: "Københavns" → "kobenhavns", "Aarhus" → "arhus"."""
    lowered = text.casefold().translate(_FOLDS)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    return " ".join(stripped.replace("aa", "a").replace("-", " ").split())


@cache
def _town_keys() -> tuple[tuple[Town, str, str], ...]:
    return tuple((town, search_key(town.name), search_key(town.kommune)) for town in towns())


def _rank(query: str, name: str, kommune: str) -> int | None:
    """Lower is better: name prefix, word prefix, substring, then only the municipality matches.

    The municipality tier is what lets "Aarhus" or "Lyngby-Taarbæk" find their towns when the
    town itself carries another name.
    """
    if name.startswith(query):
        return 0
    if any(word.startswith(query) for word in name.split()):
        return 1
    if query in name:
        return 2
    if query in kommune:
        return 3
    return None


def search_towns(query: str, limit: int = 10) -> tuple[Town, ...]:
    """The towns whose name (or municipality) matches ``query``, best match first.

    Within a tier the bigger town wins, because an alert is far more likely to be raised in the
    city than in a namesake village. A blank query matches nothing (an empty search box shows no
    list).
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    key = search_key(query)
    if not key:
        return ()
    scored = []
    for town, name, kommune in _town_keys():
        tier = _rank(key, name, kommune)
        if tier is not None:
            scored.append((tier, -town.population, town.name, town))
    scored.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in scored[:limit])
