"""The shipped municipalities and towns: loaded from the package, validated, searchable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.domain import reference_data
from console.domain.constants import NATIONAL_ACTIVE_RUNNERS
from console.domain.reference_data import (
    REGIONS,
    Municipality,
    ReferenceDataError,
    municipalities,
    parse_municipalities,
    parse_towns,
    search_key,
    search_towns,
    towns,
)

MUNI_HEADER = "region,kommune,active_runners,runners_per_100k\n"
TOWN_HEADER = "name,lat,lon,population,kommune,region,geonameid\n"
KOGE = Municipality("Region Sjælland", "Køge", 400, 650, 61538)


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    reference_data.municipalities.cache_clear()
    reference_data.towns.cache_clear()
    yield
    reference_data.municipalities.cache_clear()
    reference_data.towns.cache_clear()


# --------------------------------------------------------------------------- shipped data


def test_municipalities_match_the_status_report() -> None:
    munis = municipalities()
    assert len(munis) == 98
    assert len({m.name for m in munis}) == 98
    assert sum(m.active_runners for m in munis) == NATIONAL_ACTIVE_RUNNERS
    assert {m.region for m in munis} == REGIONS


def test_population_is_derived_from_runners_per_100k() -> None:
    for m in municipalities():
        assert m.population == round(m.active_runners * 100_000 / m.runners_per_100k)
    # Denmark had about 5.96 million inhabitants in 2025; the report's rounding of the per-100k
    # figure moves the derived total by well under 2 %.
    total = sum(m.population for m in municipalities())
    assert 5_850_000 < total < 6_100_000


def test_towns_cover_every_municipality_in_its_region() -> None:
    all_towns = towns()
    assert len(all_towns) == 505
    region_of = {m.name: m.region for m in municipalities()}
    assert {t.kommune for t in all_towns} == set(region_of)
    assert all(region_of[t.kommune] == t.region for t in all_towns)
    assert len({t.geonameid for t in all_towns}) == len(all_towns)


def test_english_and_ascii_names_become_danish() -> None:
    by_id = {t.geonameid: t for t in towns()}
    assert by_id[2618425].name == "København"
    assert by_id[2618425].kommune == "København"
    assert not [t for t in towns() if t.name in {"Copenhagen", "Skaerbaek"}]


def test_loaders_do_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    monkeypatch.chdir(tmp_path)
    assert len(municipalities()) == 98
    assert len(towns()) == 505


def test_loaders_read_once() -> None:
    assert municipalities() is municipalities()
    assert towns() is towns()


# --------------------------------------------------------------------------- validation


def test_municipality_csv_parses_a_valid_row() -> None:
    (parsed,) = parse_municipalities(MUNI_HEADER + "Region Sjælland,Køge,400,650\n")
    assert parsed == KOGE


def test_a_wrong_header_is_rejected() -> None:
    with pytest.raises(ReferenceDataError, match="kfile line 1: expected columns region,"):
        parse_municipalities("region,name,runners\n", source="kfile")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Region Sjælland,Køge,many,650\n", "line 2: active_runners must be an integer"),
        ("Region Sjælland,Køge,400,0\n", "line 2: runners_per_100k must be >= 1"),
        ("Region Sjælland,Køge,400\n", "line 2: expected 4 fields, got 3"),
        ("Region Sjælland,,400,650\n", "line 2: kommune is empty"),
        ("Region Skåne,Malmö,400,650\n", "line 2: unknown region 'Region Skåne'"),
        ("Region Sjælland,Køge,1,1\nRegion Sjælland,Køge,1,1\n", "line 3: municipality 'Køge'"),
    ],
)
def test_bad_municipality_rows_name_file_and_line(body: str, message: str) -> None:
    with pytest.raises(ReferenceDataError, match=f"kfile {message}"):
        parse_municipalities(MUNI_HEADER + body, source="kfile")


def test_empty_municipality_files_are_rejected() -> None:
    with pytest.raises(ReferenceDataError, match="kfile: empty file"):
        parse_municipalities("", source="kfile")
    with pytest.raises(ReferenceDataError, match="kfile: no municipalities"):
        parse_municipalities(MUNI_HEADER, source="kfile")


def test_town_csv_parses_a_valid_row() -> None:
    (town,) = parse_towns(
        TOWN_HEADER + "Køge,55.45802,12.18214,38304,Køge,Region Sjælland,2618415\n", (KOGE,)
    )
    assert (town.name, town.lat, town.lon, town.population) == ("Køge", 55.45802, 12.18214, 38304)
    assert (town.kommune, town.region, town.geonameid) == ("Køge", "Region Sjælland", 2618415)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Køge,12.18214,55.45802,38304,Køge,Region Sjælland,1", "lat 12.18214 is outside Denmark"),
        ("Køge,55.4,nan,38304,Køge,Region Sjælland,1", "lon nan is outside Denmark"),
        ("Køge,55.4,12.1,x,Køge,Region Sjælland,1", "population must be an integer, got 'x'"),
        ("Køge,55.4,12.1,-5,Køge,Region Sjælland,1", "population must be >= 0"),
        ("Køge,55.4,12.1,5,Gotland,Region Sjælland,1", "unknown municipality 'Gotland'"),
        ("Køge,55.4,12.1,5,Køge,Region Hovedstaden,1", "Køge is in Region Sjælland, not Region"),
        ("Køge,55.4,12.1,5,Køge,Region Sjælland,0", "geonameid must be >= 1"),
    ],
)
def test_bad_town_rows_name_file_and_line(row: str, message: str) -> None:
    with pytest.raises(ReferenceDataError, match=f"tfile line 2: {message}"):
        parse_towns(TOWN_HEADER + row + "\n", (KOGE,), source="tfile")


def test_duplicate_town_ids_and_townless_municipalities_are_rejected() -> None:
    row = "Køge,55.4,12.1,5,Køge,Region Sjælland,7\n"
    with pytest.raises(ReferenceDataError, match="tfile line 3: geonameid 7 appears twice"):
        parse_towns(TOWN_HEADER + row + row, (KOGE,), source="tfile")
    stevns = Municipality("Region Sjælland", "Stevns", 200, 900, 22222)
    with pytest.raises(ReferenceDataError, match="tfile: no town in Stevns"):
        parse_towns(TOWN_HEADER + row, (KOGE, stevns), source="tfile")


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("København", "kobenhavn"),
        ("KØBENHAVN", "kobenhavn"),
        ("Aarhus", "arhus"),
        ("Århus", "arhus"),
        ("Ærøskøbing", "aeroskobing"),
        ("Lyngby-Taarbæk", "lyngby tarbaek"),
        ("  Kongens   Lyngby ", "kongens lyngby"),
        ("Café", "cafe"),
    ],
)
def test_search_key_folds_case_accents_and_danish_letters(text: str, key: str) -> None:
    assert search_key(text) == key


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("køge", "Køge"),
        ("KOGE", "Køge"),
        ("københavn", "København"),
        ("kobenhavn", "København"),
        ("aarhus", "Århus"),
        ("Århus", "Århus"),
        ("lyngby", "Kongens Lyngby"),
        ("odense", "Odense"),
        ("skaerbaek", "Skærbæk"),
    ],
)
def test_search_finds_the_town_people_mean(query: str, first: str) -> None:
    assert search_towns(query)[0].name == first


def test_search_ranks_by_kind_of_match_then_population() -> None:
    found = search_towns("sund", limit=12)
    names = [t.name for t in found]
    # Prefix hits first even though smaller, then substrings, then towns whose municipality
    # matches (Guldborgsund, Frederikssund), each tier biggest first.
    assert names[:2] == ["Sunds", "Sundby"]
    assert names[2:6] == ["Nørresundby", "Frederikssund", "Hadsund", "Hvalpsund"]
    rest = found[6:]
    assert rest
    assert all("sund" not in search_key(t.name) and "sund" in search_key(t.kommune) for t in rest)
    assert [t.population for t in rest] == sorted((t.population for t in rest), reverse=True)


def test_search_word_prefix_beats_substring() -> None:
    assert [t.name for t in search_towns("lyngby")] == ["Kongens Lyngby"]
    same_name = search_towns("ejby")
    assert [t.name for t in same_name] == ["Ejby", "Ejby", "Ejby"]
    assert [t.population for t in same_name] == sorted(
        (t.population for t in same_name), reverse=True
    )


def test_search_respects_the_limit_and_ignores_blank_queries() -> None:
    assert len(search_towns("a", limit=3)) == 3
    assert len(search_towns("a")) == 10
    assert search_towns("   ") == ()
    assert search_towns("zzzz-no-such-town") == ()


def test_search_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="limit must be at least 1, got 0"):
        search_towns("køge", limit=0)
