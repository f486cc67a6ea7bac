"""The contract's objects read and write the contract's JSON; bad JSON is one clear ModelError."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.model import (
    Aed,
    AedAccess,
    AedStatus,
    Event,
    EventType,
    Mission,
    Mode,
    ModelError,
    ResponderState,
    Runner,
    Task,
    TaskKind,
)
from console.domain.timefmt import TimeFormatError, format_time, parse_time, truncate_ms

MISSION_JSON: dict[str, Any] = {
    "id": "m-1",
    "state": "alerting",
    "location": {"lat": 55.6761, "lon": 12.5683},
    "address": '<img src=x onerror="window.__xss=1">',
    "patient": {"age_group": "child"},
    "note": "</script><script>alert(1)</script>",
    "radius_m": 5000.0,
    "created_at": "2025-06-03T14:02:11.250Z",
    "created_by": "demo-dispatcher",
    "ended_at": None,
    "end_reason": None,
    "responders": [
        {
            "runner_id": "r1",
            "alias": "HL-1",
            "rank": 1,
            "distance_m": 412.5,
            "state": "accepted",
            "task": {"kind": "fetch_aed", "aed_id": "aed-1"},
            "alerted_at": "2025-06-03T14:02:11.300Z",
            "accepted_at": "2025-06-03T14:02:40.000Z",
            "arrived_at": None,
            "position": {"lat": 55.68, "lon": 12.57, "at": "2025-06-03T14:02:40.000Z"},
        }
    ],
}


def test_mission_round_trip_is_exact_and_keeps_text_verbatim() -> None:
    mission = Mission.from_json(MISSION_JSON)
    assert mission.to_json() == MISSION_JSON
    assert mission.address == MISSION_JSON["address"]
    assert mission.responders[0].state is ResponderState.ACCEPTED
    assert mission.responders[0].task == Task.fetch_aed("aed-1")


def test_unknown_fields_are_ignored() -> None:
    data = {**MISSION_JSON, "future_field": {"x": 1}}
    assert Mission.from_json(data) == Mission.from_json(MISSION_JSON)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "paused"}, "mission.state: 'paused' is not one of"),
        ({"radius_m": "5 km"}, "mission.radius_m: expected a finite number"),
        ({"radius_m": math.nan}, "finite number"),
        ({"radius_m": True}, "finite number"),
        ({"id": ""}, "must not be empty"),
        ({"created_at": "yesterday"}, "not an ISO 8601 time"),
        ({"created_at": "2025-06-03T14:02:11"}, "without a zone"),
        ({"patient": {}}, "missing field 'age_group'"),
        ({"responders": {}}, "expected a list"),
        ({"location": [55, 12]}, "expected a JSON object"),
    ],
)
def test_bad_mission_json_names_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        Mission.from_json({**MISSION_JSON, **change})


def test_missing_field_is_named() -> None:
    data = dict(MISSION_JSON)
    del data["note"]
    with pytest.raises(ModelError, match="missing field 'note'"):
        Mission.from_json(data)


def test_runner_aed_and_task_round_trip() -> None:
    runner = Runner("r1", "HL-1", 55.0, 12.0, datetime(2025, 1, 1, tzinfo=UTC), Mode.BIKE)
    assert Runner.from_json(runner.to_json()) == runner
    aed = Aed(
        "a1", 55.0, 12.0, "Skolevej 1", AedAccess.LIMITED, "Mo-Fr 08:00-16:00", AedStatus.TAKEN
    )
    assert Aed.from_json(aed.to_json()) == aed
    assert Task.from_json({"kind": "go_to_patient"}) == Task(TaskKind.GO_TO_PATIENT)
    assert Task.from_json(None) is None
    with pytest.raises(ModelError, match="aed_id"):
        Task.from_json({"kind": "fetch_aed"})


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"seq": 0}, "must be positive"),
        ({"seq": "1"}, "expected an integer"),
        ({"type": "mission.exploded"}, "is not one of"),
        ({"data": []}, "expected a JSON object"),
        ({"mission_id": ""}, "non-empty string or null"),
    ],
)
def test_bad_events(event: dict[str, Any], message: str) -> None:
    good = {
        "seq": 1,
        "type": "runner.declined",
        "at": "2025-06-03T14:02:11.250Z",
        "mission_id": "m-1",
        "data": {"runner_id": "r1"},
    }
    assert Event.from_json(good).type is EventType.RUNNER_DECLINED
    with pytest.raises(ModelError, match=message):
        Event.from_json({**good, **event})


def test_time_format_is_the_contracts() -> None:
    moment = datetime(2025, 6, 3, 14, 2, 11, 250_999, tzinfo=UTC)
    assert format_time(moment) == "2025-06-03T14:02:11.250Z"
    assert parse_time("2025-06-03T16:02:11.250+02:00") == truncate_ms(moment)
    with pytest.raises(TimeFormatError, match="naive"):
        format_time(datetime(2025, 6, 3))
    with pytest.raises(TimeFormatError):
        parse_time("")


@given(st.datetimes(timezones=st.just(UTC)))
def test_times_survive_json_exactly(moment: datetime) -> None:
    assert parse_time(format_time(moment)) == truncate_ms(moment)
    assert truncate_ms(moment) <= moment < truncate_ms(moment) + timedelta(milliseconds=1)


def test_other_zones_are_converted_to_utc() -> None:
    cet = timezone(timedelta(hours=1))
    assert format_time(datetime(2025, 1, 1, 1, 0, tzinfo=cet)) == "2025-01-01T00:00:00.000Z"
