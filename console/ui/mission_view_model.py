"""What the window shows of a mission, computed without Qt: counters, the "needs more" mark, and
each responder's expected arrival at the AED and at the patient.

Kept apart from the widgets so the rules the dispatcher relies on ("fewer than 2 accepted after
60 s", "there in about 4 minutes") are tested as plain functions, and the widgets only format.
Every "now" passed in is the *server's* now (local clock plus the measured offset): mission
times come from the server's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.domain.constants import AED_PICKUP_S
from console.domain.eta import travel_seconds, turnout_seconds
from console.domain.geometry import haversine_m
from console.domain.model import Aed, Mission, Mode, Responder, ResponderState, TaskKind


@dataclass(frozen=True, slots=True)
class Counters:
    """The live counters of the mission panel.

    ``alerted`` counts every responder ever alerted, ``accepted`` every one who ever accepted
    (also those who arrived, abandoned or were released later); the others are current states.
    """

    alerted: int = 0
    accepted: int = 0
    declined: int = 0
    too_far: int = 0
    to_aed: int = 0
    aed_collected: int = 0
    arrived: int = 0
    abandoned: int = 0


def counters(mission: Mission) -> Counters:
    values = dict.fromkeys(Counters.__dataclass_fields__, 0)
    for responder in mission.responders:
        values["alerted"] += 1
        if responder.accepted_at is not None:
            values["accepted"] += 1
        state = responder.state
        if state is ResponderState.DECLINED:
            values["declined"] += 1
        elif state is ResponderState.REJECTED_TOO_FAR:
            values["too_far"] += 1
        elif state is ResponderState.ACCEPTED and _fetches_aed(responder):
            values["to_aed"] += 1
        elif state is ResponderState.AED_COLLECTED:
            values["aed_collected"] += 1
        elif state is ResponderState.ARRIVED:
            values["arrived"] += 1
        elif state is ResponderState.ABANDONED:
            values["abandoned"] += 1
    return Counters(**values)


def accepted_count(mission: Mission) -> int:
    return sum(1 for responder in mission.responders if responder.accepted_at is not None)


def needs_more(mission: Mission, now: datetime, *, after_s: float, min_accepted: int) -> bool:
    """Fewer than ``min_accepted`` accepted although the alert is ``after_s`` old: act now."""
    if not mission.is_open:
        return False
    age = (now - mission.created_at).total_seconds()
    return age >= after_s and accepted_count(mission) < min_accepted


def new_acceptances(before: Mission | None, after: Mission) -> int:
    """Responders who accepted between two states of a mission (for the sound cue)."""
    earlier = (
        set()
        if before is None
        else {r.runner_id for r in before.responders if r.accepted_at is not None}
    )
    return sum(
        1 for r in after.responders if r.accepted_at is not None and r.runner_id not in earlier
    )


def _fetches_aed(responder: Responder) -> bool:
    return responder.task is not None and responder.task.kind is TaskKind.FETCH_AED


@dataclass(frozen=True, slots=True)
class ResponderRow:
    responder: Responder
    mode: Mode
    #: The AED the responder was sent to fetch, when the register knows it.
    aed: Aed | None
    #: Straight-line metres from the responder's last position.
    to_aed_m: float | None
    to_patient_m: float
    eta_aed: datetime | None
    eta_patient: datetime | None


def responder_rows(
    mission: Mission,
    aeds: Mapping[str, Aed],
    modes: Mapping[str, Mode],
    now: datetime,
) -> list[ResponderRow]:
    """One row per responder, by rank, with ETAs from the domain's model (see :func:`eta_of`)."""
    return [
        eta_of(r, mission, aeds, modes.get(r.runner_id, Mode.FOOT), now)
        for r in sorted(mission.responders, key=lambda r: (r.rank, r.runner_id))
    ]


def eta_of(
    responder: Responder, mission: Mission, aeds: Mapping[str, Aed], mode: Mode, now: datetime
) -> ResponderRow:
    """A responder's ETAs, from its last known position and the domain's ETA model.

    Someone who accepted leaves one turnout after the alert but never before accepting
    (:func:`console.domain.eta.expected_arrival`); from then on the estimate is the remaining
    straight-line distance over the mode's speed and route factor, counted from ``now`` when
    they should already be moving. A fetcher's patient ETA adds the AED pick-up and the AED →
    patient leg. Responders who have not accepted, or are no longer coming, get none.
    """
    position = responder.position
    patient = mission.location
    to_patient_m = haversine_m(position.lat, position.lon, patient.lat, patient.lon)
    task = responder.task
    aed = aeds.get(task.aed_id) if task is not None and task.aed_id is not None else None
    to_aed_m = None if aed is None else haversine_m(position.lat, position.lon, aed.lat, aed.lon)
    eta_aed: datetime | None = None
    eta_patient: datetime | None = None
    state = responder.state
    if state is ResponderState.ARRIVED:
        eta_patient = responder.arrived_at
    elif state is ResponderState.AED_COLLECTED:
        eta_patient = now + timedelta(seconds=travel_seconds(to_patient_m, mode))
    elif state is ResponderState.ACCEPTED and responder.accepted_at is not None:
        leaves = responder.alerted_at + timedelta(seconds=turnout_seconds(responder.alerted_at))
        start = max(leaves, responder.accepted_at, now)
        if aed is not None and to_aed_m is not None:
            eta_aed = start + timedelta(seconds=travel_seconds(to_aed_m, mode))
            aed_to_patient = haversine_m(aed.lat, aed.lon, patient.lat, patient.lon)
            eta_patient = eta_aed + timedelta(
                seconds=AED_PICKUP_S + travel_seconds(aed_to_patient, mode)
            )
        else:
            eta_patient = start + timedelta(seconds=travel_seconds(to_patient_m, mode))
    return ResponderRow(responder, mode, aed, to_aed_m, to_patient_m, eta_aed, eta_patient)


def first_arrival(rows: list[ResponderRow]) -> datetime | None:
    """The earliest expected arrival at the patient among those coming or there."""
    times = [row.eta_patient for row in rows if row.eta_patient is not None]
    return min(times) if times else None
