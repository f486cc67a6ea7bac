"""A realistic map scene for the map tests, the screenshot and by-eye checks.

One mission in Copenhagen at night with 20 responders in every state and task the legend knows,
the fetchers sent to the AEDs nearest the patient, over all of Denmark's generated AEDs.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from functools import cache

from console.domain.geometry import haversine_m
from console.domain.model import (
    Aed,
    AgeGroup,
    LatLon,
    Mission,
    MissionState,
    Mode,
    Position,
    Responder,
    ResponderState,
    Runner,
    Task,
)
from console.domain.opening_hours import aed_available_now
from console.domain.world import generate_world

#: 23:40 local summer time: the night a dispatcher sees the map at.
NIGHT = datetime(2025, 6, 3, 21, 40, tzinfo=UTC)
PATIENT = LatLon(55.7100, 12.4650)  # Husum, north-west Copenhagen

#: (state, task kind) for the 20 ranks, a mix a real mission reaches after a few minutes.
_PLAN: tuple[tuple[ResponderState, str | None], ...] = (
    (ResponderState.ARRIVED, "patient"),
    (ResponderState.AED_COLLECTED, "aed"),
    (ResponderState.ACCEPTED, "aed"),
    (ResponderState.ACCEPTED, "aed"),
    (ResponderState.ACCEPTED, "patient"),
    (ResponderState.ACCEPTED, "patient"),
    (ResponderState.ALERTED, None),
    (ResponderState.ALERTED, None),
    (ResponderState.DECLINED, None),
    (ResponderState.ALERTED, None),
    (ResponderState.REJECTED_TOO_FAR, None),
    (ResponderState.ALERTED, None),
    (ResponderState.ACCEPTED, "patient"),
    (ResponderState.ALERTED, None),
    (ResponderState.DECLINED, None),
    (ResponderState.ABANDONED, "patient"),
    (ResponderState.ALERTED, None),
    (ResponderState.ALERTED, None),
    (ResponderState.DECLINED, None),
    (ResponderState.ALERTED, None),
)


@cache
def denmark_aeds() -> tuple[Aed, ...]:
    """All 26,182 AEDs of the generated Denmark (the world generator's, seed 7)."""
    return generate_world(7, NIGHT).aeds


def nearest_aeds(aeds: tuple[Aed, ...], lat: float, lon: float, count: int) -> list[Aed]:
    """The ``count`` AEDs usable at ``NIGHT`` nearest to a point (as dispatch rule 4 picks)."""
    near = [
        a
        for a in aeds
        if abs(a.lat - lat) < 0.05 and abs(a.lon - lon) < 0.09 and aed_available_now(a, NIGHT)
    ]
    near.sort(key=lambda a: haversine_m(lat, lon, a.lat, a.lon))
    return near[:count]


def responders(
    aeds: tuple[Aed, ...], *, seed: int = 3, patient: LatLon = PATIENT, count: int = 20
) -> tuple[Responder, ...]:
    """``count`` responders 150 m – 3 km around ``patient`` following ``_PLAN``."""
    rng = random.Random(seed)
    fetch = nearest_aeds(aeds, patient.lat, patient.lon, 2)
    out = []
    for rank in range(1, count + 1):
        state, task_kind = _PLAN[(rank - 1) % len(_PLAN)]
        distance = 150 + rng.random() * 2850
        bearing = rng.random() * 2 * math.pi
        lat = patient.lat + distance * math.cos(bearing) / 111_320
        lon = patient.lon + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
        if state is ResponderState.ARRIVED:
            lat, lon = patient.lat + 0.0003, patient.lon + 0.0004
        task = None
        if task_kind == "aed" and fetch:
            task = Task.fetch_aed(fetch[rank % len(fetch)].id)
        elif task_kind == "patient":
            task = Task.go_to_patient()
        alerted = NIGHT - timedelta(minutes=4)
        accepted = alerted + timedelta(seconds=40 + rank) if task is not None else None
        out.append(
            Responder(
                runner_id=f"r{seed:02d}{rank:03d}",
                alias=f"HL-{seed:02d}{rank:03d}",
                rank=rank,
                distance_m=haversine_m(patient.lat, patient.lon, lat, lon),
                state=state,
                task=task,
                alerted_at=alerted,
                accepted_at=accepted,
                arrived_at=NIGHT if state is ResponderState.ARRIVED else None,
                position=Position(lat, lon, NIGHT),
            )
        )
    return tuple(out)


def mission(
    mission_id: str = "m-0001",
    *,
    address: str = "Frederikssundsvej 250, 2700 Brønshøj",
    note: str = "Man, 60s, collapsed in stairwell; caller doing CPR",
    aeds: tuple[Aed, ...] = (),
    patient: LatLon = PATIENT,
    seed: int = 3,
) -> Mission:
    return Mission(
        id=mission_id,
        state=MissionState.ALERTING,
        location=patient,
        address=address,
        age_group=AgeGroup.ADULT,
        note=note,
        radius_m=5000.0,
        created_at=NIGHT - timedelta(minutes=4),
        created_by="demo-dispatcher",
        responders=responders(aeds, seed=seed, patient=patient),
    )


def runner(runner_id: str, lat: float, lon: float, mode: Mode = Mode.FOOT) -> Runner:
    return Runner(runner_id, f"HL-{runner_id}", lat, lon, NIGHT - timedelta(minutes=30), mode)
