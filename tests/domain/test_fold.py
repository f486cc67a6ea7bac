"""fold/apply: the shared definition of a mission's state; it refuses events that don't fit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.fold import (
    FoldError,
    InvalidTransition,
    OutOfOrder,
    UnknownResponder,
    WrongMission,
    apply,
    fold,
)
from console.domain.model import (
    AgeGroup,
    Event,
    EventType,
    LatLon,
    Mission,
    MissionState,
    ResponderState,
    TaskKind,
)

T0 = datetime(2025, 6, 3, 14, 2, 11, 250_000, tzinfo=UTC)
MISSION_ID = "m-1"


class Log:
    """Builds a mission's event log with increasing seq and times, as the server would."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.seq = 0

    def add(
        self, kind: EventType, data: dict[str, Any], mission_id: str | None = MISSION_ID
    ) -> Event:
        self.seq += 1
        event = Event(self.seq, kind, T0 + timedelta(seconds=self.seq), mission_id, data)
        self.events.append(event)
        return event

    def created(self) -> Event:
        mission = Mission(
            id=MISSION_ID,
            state=MissionState.ALERTING,
            location=LatLon(55.6761, 12.5683),
            address="Rådhuspladsen 1, København",
            age_group=AgeGroup.CHILD,
            note="",
            radius_m=5000.0,
            created_at=T0,
            created_by="demo-dispatcher",
        )
        return self.add(EventType.MISSION_CREATED, mission.to_json())

    def alerted(self, runner_id: str, rank: int) -> Event:
        data = {
            "runner_id": runner_id,
            "alias": f"HL-{rank}",
            "rank": rank,
            "distance_m": 100.0 * rank,
            "lat": 55.68,
            "lon": 12.57,
            "mode": "foot",
        }
        return self.add(EventType.RUNNER_ALERTED, data)

    def runner(self, kind: EventType, runner_id: str, **extra: Any) -> Event:
        return self.add(kind, {"runner_id": runner_id, **extra})


@pytest.fixture
def log() -> Iterator[Log]:
    log = Log()
    log.created()
    return log


def test_a_full_mission_folds_to_its_state(log: Log) -> None:
    for rank in (1, 2, 3):
        log.alerted(f"r{rank}", rank)
    log.runner(
        EventType.RUNNER_ACCEPTED,
        "r1",
        lat=55.681,
        lon=12.571,
        distance_m=120.5,
        task={"kind": "fetch_aed", "aed_id": "aed-7"},
    )
    log.runner(EventType.RUNNER_DECLINED, "r2")
    log.runner(EventType.RUNNER_POSITION, "r1", lat=55.679, lon=12.569)
    log.runner(EventType.RUNNER_AED_COLLECTED, "r1", aed_id="aed-7")
    log.runner(EventType.RUNNER_ARRIVED, "r1")
    log.add(EventType.MISSION_MESSAGE, {"text": "Dør i gården", "runner_id": None, "by": "d"})
    log.add(EventType.MISSION_EXPANDED, {"radius_m": 7000.0, "requested": 5, "by": "d"})
    closed = log.add(EventType.MISSION_CLOSED, {"outcome": "ems_on_scene", "by": "d"})
    log.runner(EventType.RUNNER_RELEASED, "r3")

    mission = fold(log.events)

    assert mission.state is MissionState.CLOSED
    assert mission.end_reason == "ems_on_scene"
    assert mission.ended_at == closed.at
    assert mission.radius_m == 7000.0
    states = {r.runner_id: r.state for r in mission.responders}
    assert states == {
        "r1": ResponderState.ARRIVED,
        "r2": ResponderState.DECLINED,
        "r3": ResponderState.RELEASED,
    }
    first = mission.responder("r1")
    assert first is not None
    assert first.task is not None
    assert first.task.kind is TaskKind.FETCH_AED
    assert first.task.aed_id == "aed-7"
    assert first.distance_m == 120.5
    assert (first.position.lat, first.position.lon) == (55.679, 12.569)
    assert first.accepted_at == log.events[4].at
    assert first.arrived_at == log.events[8].at
    assert [r.rank for r in mission.responders] == [1, 2, 3]


def test_fold_round_trips_through_json(log: Log) -> None:
    log.alerted("r1", 1)
    log.runner(
        EventType.RUNNER_ACCEPTED,
        "r1",
        lat=55.0,
        lon=12.0,
        distance_m=10.0,
        task={"kind": "go_to_patient"},
    )
    mission = fold(log.events)
    assert Mission.from_json(mission.to_json()) == mission
    events = [Event.from_json(e.to_json()) for e in log.events]
    assert fold(events) == mission


def test_cancel_then_release_everyone_still_out(log: Log) -> None:
    log.alerted("r1", 1)
    log.alerted("r2", 2)
    log.runner(EventType.RUNNER_ACCEPTED, "r1", lat=55.0, lon=12.0, distance_m=1.0, task=None)
    log.add(EventType.MISSION_CANCELLED, {"reason": "false alarm", "by": "d"})
    log.runner(EventType.RUNNER_RELEASED, "r1")
    log.runner(EventType.RUNNER_RELEASED, "r2")
    mission = fold(log.events)
    assert mission.state is MissionState.CANCELLED
    assert mission.end_reason == "false alarm"
    assert {r.state for r in mission.responders} == {ResponderState.RELEASED}


def test_unknown_responder_is_an_error(log: Log) -> None:
    log.runner(EventType.RUNNER_DECLINED, "ghost")
    with pytest.raises(UnknownResponder, match="ghost"):
        fold(log.events)


def test_events_out_of_order_are_an_error(log: Log) -> None:
    log.alerted("r1", 1)
    log.alerted("r2", 2)
    swapped = [log.events[0], log.events[2], log.events[1]]
    with pytest.raises(OutOfOrder, match="does not follow"):
        fold(swapped)


def test_first_event_must_be_created() -> None:
    log = Log()
    log.alerted("r1", 1)
    with pytest.raises(OutOfOrder, match=r"mission\.created"):
        fold(log.events)


def test_created_twice_is_an_error(log: Log) -> None:
    log.created()
    with pytest.raises(OutOfOrder, match="already created"):
        fold(log.events)


def test_other_missions_event_is_an_error(log: Log) -> None:
    log.add(EventType.RUNNER_DECLINED, {"runner_id": "r1"}, mission_id="m-2")
    with pytest.raises(WrongMission, match="m-2"):
        fold(log.events)


def test_aed_status_is_not_a_mission_event(log: Log) -> None:
    log.add(EventType.AED_STATUS, {"aed_id": "a", "status": "taken"})
    with pytest.raises(WrongMission):
        fold(log.events)


@pytest.mark.parametrize(
    ("setup", "event", "message"),
    [
        ([], EventType.RUNNER_ARRIVED, "alerted; cannot take runner.arrived"),
        ([EventType.RUNNER_DECLINED], EventType.RUNNER_ACCEPTED, "declined"),
        ([], EventType.RUNNER_AED_COLLECTED, "alerted"),
        ([], EventType.RUNNER_RELEASED, "only after the mission has ended"),
    ],
)
def test_forbidden_transitions(
    log: Log, setup: list[EventType], event: EventType, message: str
) -> None:
    log.alerted("r1", 1)
    for kind in setup:
        log.runner(kind, "r1")
    log.runner(event, "r1", aed_id="a")
    with pytest.raises(InvalidTransition, match=message):
        fold(log.events)


def test_nothing_happens_to_an_ended_mission(log: Log) -> None:
    log.alerted("r1", 1)
    log.add(EventType.MISSION_CANCELLED, {"reason": "x", "by": "d"})
    log.runner(EventType.RUNNER_DECLINED, "r1")
    with pytest.raises(InvalidTransition, match="has ended"):
        fold(log.events)


def test_cannot_be_cancelled_twice(log: Log) -> None:
    log.add(EventType.MISSION_CANCELLED, {"reason": "x", "by": "d"})
    log.add(EventType.MISSION_CLOSED, {"outcome": "y", "by": "d"})
    with pytest.raises(InvalidTransition):
        fold(log.events)


def test_radius_cannot_shrink(log: Log) -> None:
    log.add(EventType.MISSION_EXPANDED, {"radius_m": 4000.0, "requested": 1, "by": "d"})
    with pytest.raises(InvalidTransition, match="below"):
        fold(log.events)


@pytest.mark.parametrize(
    "data",
    [
        {"runner_id": "r9", "alias": "x", "rank": 0, "distance_m": 1.0, "lat": 55.0, "lon": 12.0},
        {"runner_id": "r9", "alias": "x", "rank": 1, "distance_m": "far", "lat": 55.0, "lon": 12.0},
        {"runner_id": "r9", "alias": "x", "rank": 1, "distance_m": 1.0, "lat": 55.0},
        {"runner_id": "", "alias": "x", "rank": 1, "distance_m": 1.0, "lat": 55.0, "lon": 12.0},
        {"runner_id": "r9", "alias": None, "rank": 1, "distance_m": 1.0, "lat": 55.0, "lon": 12.0},
    ],
)
def test_malformed_data_is_an_error_not_a_crash(log: Log, data: dict[str, Any]) -> None:
    log.add(EventType.RUNNER_ALERTED, data)
    with pytest.raises(FoldError):
        fold(log.events)


def test_fold_needs_events() -> None:
    with pytest.raises(ValueError, match=r"mission\.created"):
        fold([])


def test_apply_checks_previous_seq(log: Log) -> None:
    mission = fold(log.events)
    event = log.alerted("r1", 1)
    with pytest.raises(OutOfOrder):
        apply(mission, event, previous_seq=event.seq)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=6),
            st.sampled_from(
                [
                    EventType.RUNNER_ACCEPTED,
                    EventType.RUNNER_DECLINED,
                    EventType.RUNNER_POSITION,
                    EventType.RUNNER_ARRIVED,
                    EventType.RUNNER_ABANDONED,
                    EventType.RUNNER_AED_COLLECTED,
                ]
            ),
        ),
        max_size=25,
    )
)
def test_fold_is_total_and_agrees_with_stepwise_apply(steps: list[tuple[int, EventType]]) -> None:
    """Any sequence either folds or raises FoldError at the first bad event; never anything else."""
    log = Log()
    log.created()
    for rank in range(1, 4):
        log.alerted(f"r{rank}", rank)
    for rank, kind in steps:
        log.runner(kind, f"r{rank}", lat=55.0, lon=12.0, distance_m=5.0, task=None, aed_id="a")
    mission: Mission | None = None
    failed_at: int | None = None
    for index, event in enumerate(log.events):
        try:
            mission = apply(mission, event)
        except FoldError:
            failed_at = index
            break
    if failed_at is None:
        assert fold(log.events) == mission
    else:
        with pytest.raises(FoldError) as info:
            fold(log.events)
        assert info.value.event is log.events[failed_at]
