"""The JSON items the page draws: right legend row per state, text formatted, bad input refused."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import map_scene as scene
import pytest

from console.domain.model import (
    Aed,
    AedAccess,
    AedStatus,
    Mode,
    Position,
    Responder,
    ResponderState,
    Task,
)
from console.domain.opening_hours import AedAvailability, aed_availability
from console.maps.payload import (
    MapInputError,
    aed_columns,
    availabilities,
    distance_label,
    eta_label,
    incident_item,
    position_rows,
    responder_item,
    responder_items,
    responder_look,
    runner_items,
)
from console.maps.style import AED_STYLES, RESPONDER_STYLES, ResponderLook


def _responder(state: ResponderState, task: Task | None = None, rank: int = 1) -> Responder:
    return Responder(
        runner_id=f"r{rank}",
        alias=f"HL-{rank}",
        rank=rank,
        distance_m=1234.0,
        state=state,
        task=task,
        alerted_at=scene.NIGHT,
        accepted_at=None,
        arrived_at=None,
        position=Position(55.7, 12.5, scene.NIGHT),
    )


@pytest.mark.parametrize(
    ("state", "task", "look"),
    [
        (ResponderState.ALERTED, None, ResponderLook.ALERTED),
        (ResponderState.ACCEPTED, Task.fetch_aed("a1"), ResponderLook.TO_AED),
        (ResponderState.ACCEPTED, Task.go_to_patient(), ResponderLook.TO_PATIENT),
        (ResponderState.AED_COLLECTED, Task.fetch_aed("a1"), ResponderLook.AED_COLLECTED),
        (ResponderState.ARRIVED, Task.go_to_patient(), ResponderLook.ARRIVED),
        (ResponderState.DECLINED, None, ResponderLook.OUT),
        (ResponderState.REJECTED_TOO_FAR, None, ResponderLook.OUT),
        (ResponderState.ABANDONED, Task.go_to_patient(), ResponderLook.OUT),
        (ResponderState.RELEASED, Task.fetch_aed("a1"), ResponderLook.OUT),
    ],
)
def test_every_state_and_task_has_its_legend_row(
    state: ResponderState, task: Task | None, look: ResponderLook
) -> None:
    assert responder_look(_responder(state, task)) is look


def test_each_legend_row_differs_in_shape_and_colour_from_the_active_ones() -> None:
    active = [s for s in RESPONDER_STYLES.values() if not s.faded]
    assert len({s.shape for s in active}) == len(active)
    assert len({s.colour for s in active}) == len(active)
    usable = [AED_STYLES["always"], AED_STYLES["open_now"]]
    unusable = [AED_STYLES[k] for k in ("closed_now", "taken", "out_of_service")]
    assert all(s.filled for s in usable)
    assert not any(s.filled for s in unusable)
    assert len({s.glyph for s in AED_STYLES.values()}) == len(AED_STYLES)
    assert set(AED_STYLES) == {a.value for a in AedAvailability}


def test_responder_item_carries_formatted_text() -> None:
    fetching = _responder(ResponderState.ACCEPTED, Task.fetch_aed("aed-9"), rank=4)
    item = responder_item(fetching, datetime(2025, 6, 3, 21, 44, tzinfo=UTC))
    assert item["look"] == "to_aed"
    assert item["aed_id"] == "aed-9"
    assert item["state"] == "Accepted"
    assert item["task"] == "Fetch AED aed-9, then go to patient"
    assert item["distance"] == "1.2 km"
    assert item["eta"] == "≈ 23:44"  # Copenhagen summer time
    collected = responder_item(_responder(ResponderState.AED_COLLECTED, Task.fetch_aed("aed-9")))
    assert collected["aed_id"] is None  # the AED is in hand: the route goes to the patient


def _aed(aed_id: str, address: str) -> Aed:
    return Aed(aed_id, 55.7, 12.5, address, AedAccess.ALWAYS, None, AedStatus.AVAILABLE)


def test_a_fetcher_task_names_the_aed_by_its_address_from_the_register() -> None:
    register = {"aed-9": _aed("aed-9", "Østergade 12"), "aed-1": _aed("aed-1", "Torvet 1")}
    fetching = _responder(ResponderState.ACCEPTED, Task.fetch_aed("aed-9"))
    item = responder_item(fetching, None, register)
    assert item["task"] == "Fetch AED at Østergade 12, then go to patient"
    assert item["aed_id"] == "aed-9"  # the route still finds the AED by its id
    direct = _responder(ResponderState.ACCEPTED, Task.go_to_patient(), rank=2)
    items = responder_items([fetching, direct], None, register)
    assert [i["task"] for i in items] == [
        "Fetch AED at Østergade 12, then go to patient",
        "Go straight to patient",
    ]


@pytest.mark.parametrize(
    "register",
    [
        None,  # not read yet
        {},
        {"aed-1": _aed("aed-1", "Torvet 1")},  # lacks the AED (added since it was read)
        {"aed-9": _aed("aed-9", "  ")},  # knows it, with no address to say
    ],
)
def test_a_fetcher_task_names_the_aed_by_its_id_while_the_register_lacks_it(
    register: dict[str, Aed] | None,
) -> None:
    fetching = _responder(ResponderState.ACCEPTED, Task.fetch_aed("aed-9"))
    assert responder_item(fetching, None, register)["task"] == (
        "Fetch AED aed-9, then go to patient"
    )


def test_an_aed_address_is_placed_as_it_came() -> None:
    address = "<b>{aed}</b> & {0}"  # markup and format fields from the API stay text
    register = {"aed-9": _aed("aed-9", address)}
    fetching = _responder(ResponderState.ACCEPTED, Task.fetch_aed("aed-9"))
    assert responder_item(fetching, None, register)["task"] == (
        f"Fetch AED at {address}, then go to patient"
    )


@pytest.mark.parametrize(
    ("metres", "label"),
    [
        (0, "0 m"),
        (94, "90 m"),
        (855, "860 m"),
        (999.4, "1000 m"),
        (1000, "1.0 km"),
        (4949, "4.9 km"),
        (-1, "—"),
        (math.nan, "—"),
    ],
)
def test_distance_labels(metres: float, label: str) -> None:
    assert distance_label(metres) == label


def test_eta_needs_an_aware_time() -> None:
    assert eta_label(None) == "—"
    with pytest.raises(MapInputError, match="naive"):
        eta_label(datetime(2025, 6, 3, 12, 0))


@pytest.mark.parametrize(
    ("lat", "lon", "radius", "match"),
    [
        (math.nan, 12.0, 5000, "lat"),
        (55.0, math.inf, 5000, "lon"),
        (91.0, 12.0, 5000, "lat"),
        (55.0, 181.0, 5000, "lon"),
        (55.0, 12.0, 0, "radius"),
        (55.0, 12.0, -5, "radius"),
        (55.0, 12.0, math.nan, "radius"),
    ],
)
def test_incident_refuses_impossible_numbers(
    lat: float, lon: float, radius: float, match: str
) -> None:
    with pytest.raises(MapInputError, match=match):
        incident_item("m1", lat, lon, radius, "a", "n")


def test_ids_must_be_present_and_short() -> None:
    with pytest.raises(MapInputError, match="non-empty"):
        incident_item("", 55.0, 12.0, 5000, "a", "n")
    with pytest.raises(MapInputError, match="longer"):
        incident_item("m" * 201, 55.0, 12.0, 5000, "a", "n")
    with pytest.raises(MapInputError, match="runner_id"):
        position_rows([("", 55.0, 12.0)], "mission m1")


def test_responders_appear_once_per_mission() -> None:
    one = _responder(ResponderState.ALERTED)
    with pytest.raises(MapInputError, match="twice"):
        responder_items([one, one])
    assert [i["id"] for i in responder_items([one, replace(one, runner_id="r2")])] == ["r1", "r2"]


def test_aed_columns_round_trip_through_their_tables() -> None:
    aeds = scene.denmark_aeds()[:500]
    now = availabilities(aeds, scene.NIGHT)
    columns = aed_columns(aeds, now)
    for column, expected in (
        ("availability", [a.value for a in now]),
        ("hours", [a.opening_hours or "—" for a in aeds]),
        ("access", ["24/7" if a.access is AedAccess.ALWAYS else "Limited hours" for a in aeds]),
    ):
        table, codes = columns[column]["table"], columns[column]["codes"]
        assert [table[c] for c in codes] == expected
    assert columns["ids"] == [a.id for a in aeds]
    assert columns["lat"] == [a.lat for a in aeds]
    assert len(columns["hours"]["table"]) < 50


def test_aed_columns_refuse_duplicates_and_bad_positions() -> None:
    aed = Aed("a1", 55.0, 12.0, "x", AedAccess.ALWAYS, "24/7", AedStatus.AVAILABLE)
    now = [AedAvailability.ALWAYS] * 2
    with pytest.raises(MapInputError, match="twice"):
        aed_columns([aed, aed], now)
    with pytest.raises(MapInputError, match="lat"):
        aed_columns([replace(aed, lat=math.nan)], now[:1])
    with pytest.raises(MapInputError, match="availabilities"):
        aed_columns([aed], now)


def test_bulk_availability_equals_one_by_one() -> None:
    aeds = list(scene.denmark_aeds()[::50])
    aeds[0] = replace(aeds[0], status=AedStatus.TAKEN)
    aeds[1] = replace(aeds[1], status=AedStatus.OUT_OF_SERVICE)
    aeds[2] = replace(aeds[2], access=AedAccess.LIMITED, opening_hours="Mo-Fr 08:00-16:00")
    for at in (scene.NIGHT, scene.NIGHT + timedelta(hours=10), scene.NIGHT + timedelta(days=4)):
        assert availabilities(aeds, at) == [aed_availability(a, at) for a in aeds]


def test_runner_preview_marks_only_the_nearest_within_the_radius() -> None:
    near = [scene.runner(f"n{i:02d}", 55.70 + i * 0.001, 12.50) for i in range(25)]
    far = [scene.runner("far", 55.80, 12.50, Mode.CAR)]  # 11 km north
    items = runner_items([*far, *near], 55.70, 12.50, 5000)
    assert [i["id"] for i in items][:3] == ["n00", "n01", "n02"]
    assert [i["id"] for i in items if i["would_alert"]] == [f"n{i:02d}" for i in range(20)]
    assert items[-1]["id"] == "far"
    assert items[-1]["distance"] == "11.1 km"
    few = runner_items([*far, *near[:3]], 55.70, 12.50, 5000)
    assert [i["would_alert"] for i in few] == [True, True, True, False]
