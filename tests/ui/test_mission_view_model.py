"""Counters, the "needs more" mark and ETAs, as plain functions of a mission."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from missions_for_tests import PATIENT, T0, mission, responder

from console.domain.constants import AED_PICKUP_S, SPEED_BIKE_M_S, SPEED_FOOT_M_S, TURNOUT_DAY_S
from console.domain.geometry import haversine_m
from console.domain.model import Aed, AedAccess, AedStatus, Mode, ResponderState, Task
from console.ui.mission_view_model import (
    Counters,
    counters,
    eta_of,
    first_arrival,
    needs_more,
    new_acceptances,
    responder_rows,
)

S = ResponderState


def close(got: datetime | None, wanted: datetime) -> bool:
    """Within 10 ms: positions are placed with a rounded metres-per-degree."""
    return got is not None and abs((got - wanted).total_seconds()) < 0.01


AED = Aed(
    "aed-1",
    PATIENT.lat,
    PATIENT.lon + 0.003,
    "Torvet 1",
    AedAccess.ALWAYS,
    None,
    AedStatus.AVAILABLE,
)


def test_counters_count_every_state_once() -> None:
    m = mission(
        responder(1, S.ACCEPTED, task=Task.fetch_aed("aed-1"), accepted_s=20),
        responder(2, S.ACCEPTED, task=Task.go_to_patient(), accepted_s=25),
        responder(3, S.AED_COLLECTED, task=Task.fetch_aed("aed-1"), accepted_s=10),
        responder(4, S.ARRIVED, task=Task.go_to_patient(), accepted_s=5, arrived_s=300),
        responder(5, S.DECLINED),
        responder(6, S.REJECTED_TOO_FAR),
        responder(7, S.ABANDONED, accepted_s=30),
        responder(8, S.RELEASED),
        responder(9),
    )
    assert counters(m) == Counters(
        alerted=9,
        accepted=5,
        declined=1,
        too_far=1,
        to_aed=1,
        aed_collected=1,
        arrived=1,
        abandoned=1,
    )


@pytest.mark.parametrize(
    ("age_s", "accepted", "marked"),
    [(59.9, 0, False), (60, 0, True), (60, 1, True), (60, 2, False), (600, 3, False)],
)
def test_needs_more_after_60_s_with_fewer_than_2(age_s: float, accepted: int, marked: bool) -> None:
    people = [responder(i, S.ACCEPTED, accepted_s=1) for i in range(accepted)]
    m = mission(*people, responder(9))
    now = T0 + timedelta(seconds=age_s)
    assert needs_more(m, now, after_s=60, min_accepted=2) is marked


def test_needs_more_is_false_for_an_ended_mission() -> None:
    from console.domain.model import MissionState

    ended = mission(responder(1), state=MissionState.CANCELLED)
    assert not needs_more(ended, T0 + timedelta(hours=1), after_s=60, min_accepted=2)


def test_new_acceptances_between_two_states() -> None:
    before = mission(responder(1), responder(2, S.ACCEPTED, accepted_s=3))
    after = mission(
        responder(1, S.ACCEPTED, accepted_s=9), responder(2, S.ARRIVED, accepted_s=3, arrived_s=99)
    )
    assert new_acceptances(before, after) == 1
    assert new_acceptances(None, after) == 2


def test_direct_responder_leaves_one_turnout_after_the_alert() -> None:
    r = responder(1, S.ACCEPTED, task=Task.go_to_patient(), north_m=600, accepted_s=20)
    row = eta_of(r, mission(r), {}, Mode.FOOT, T0 + timedelta(seconds=30))
    travel = 600 * 1.3 / SPEED_FOOT_M_S
    assert row.eta_aed is None
    assert close(row.eta_patient, T0 + timedelta(seconds=TURNOUT_DAY_S + travel))


def test_a_late_acceptance_pushes_the_departure() -> None:
    r = responder(1, S.ACCEPTED, task=Task.go_to_patient(), north_m=600, accepted_s=400)
    now = T0 + timedelta(seconds=401)
    row = eta_of(r, mission(r), {}, Mode.BIKE, now)
    assert close(row.eta_patient, now + timedelta(seconds=600 * 1.3 / SPEED_BIKE_M_S))


def test_fetcher_goes_via_the_aed() -> None:
    r = responder(1, S.ACCEPTED, task=Task.fetch_aed("aed-1"), north_m=400, accepted_s=10)
    row = eta_of(r, mission(r), {"aed-1": AED}, Mode.FOOT, T0)
    to_aed = haversine_m(r.position.lat, r.position.lon, AED.lat, AED.lon)
    aed_to_patient = haversine_m(AED.lat, AED.lon, PATIENT.lat, PATIENT.lon)
    leave = T0 + timedelta(seconds=TURNOUT_DAY_S)
    assert row.aed == AED
    assert row.to_aed_m == pytest.approx(to_aed)
    assert close(row.eta_aed, leave + timedelta(seconds=to_aed * 1.3 / SPEED_FOOT_M_S))
    assert row.eta_aed is not None
    assert close(
        row.eta_patient,
        row.eta_aed + timedelta(seconds=AED_PICKUP_S + aed_to_patient * 1.3 / SPEED_FOOT_M_S),
    )


def test_collected_arrived_and_not_coming() -> None:
    now = T0 + timedelta(seconds=500)
    collected = responder(
        1, S.AED_COLLECTED, task=Task.fetch_aed("aed-1"), north_m=300, accepted_s=5
    )
    arrived = responder(2, S.ARRIVED, accepted_s=5, arrived_s=420)
    declined = responder(3, S.DECLINED)
    m = mission(collected, arrived, declined)
    rows = responder_rows(m, {"aed-1": AED}, {"r1": Mode.FOOT}, now)
    assert [row.responder.rank for row in rows] == [1, 2, 3]
    assert close(rows[0].eta_patient, now + timedelta(seconds=300 * 1.3 / SPEED_FOOT_M_S))
    assert rows[1].eta_patient == T0 + timedelta(seconds=420)
    assert rows[2].eta_patient is None
    assert first_arrival(rows) == T0 + timedelta(seconds=420)
