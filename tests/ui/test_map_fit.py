"""Framing a mission: patient, responders on their way and their AEDs, at the closest zoom."""

from __future__ import annotations

from missions_for_tests import PATIENT, mission, responder

from console.domain.model import Aed, AedAccess, AedStatus, ResponderState, Task
from console.ui.map_fit import MAX_ZOOM, MIN_ZOOM, frame, mission_view

S = ResponderState


def test_nobody_coming_gives_no_view() -> None:
    m = mission(responder(1), responder(2, S.DECLINED, north_m=3000))
    assert mission_view(m, {}, 1000, 700) is None


def test_frames_responders_and_the_aed_they_fetch() -> None:
    aed = Aed(
        "a", PATIENT.lat - 0.01, PATIENT.lon, "x", AedAccess.ALWAYS, None, AedStatus.AVAILABLE
    )
    m = mission(
        responder(1, S.ACCEPTED, task=Task.fetch_aed("a"), north_m=900, accepted_s=3),
        responder(2, S.DECLINED, north_m=4000),  # not coming: not framed
    )
    view = mission_view(m, {"a": aed}, 1000, 700)
    assert view is not None
    north = PATIENT.lat + 900 / 111_195.0
    assert view.lat == (north + aed.lat) / 2
    assert view.lon == PATIENT.lon
    assert view.zoom == 14  # ~2 km tall in 560 px: 14 fits, 15 would not


def test_zoom_limits() -> None:
    assert frame([(55.0, 12.0), (55.00001, 12.00001)], 1000, 700).zoom == MAX_ZOOM
    assert frame([(54.6, 8.1), (57.7, 12.6)], 800, 600).zoom == MIN_ZOOM
