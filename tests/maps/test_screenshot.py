"""The picture a dispatcher sees at night: an incident, 20 responders in every state, all AEDs.

The PNG goes to the test's temporary folder; with ``AMK_MAP_SCREENSHOT=docs/map.png`` it is
also written there (that is how ``docs/map.png`` is made).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import map_scene as scene
from map_harness import close_view, js_json, open_view, page_state, settle, wait_until
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from console.maps.style import AED_STYLES, INCIDENT_STYLE, RESPONDER_STYLES, ResponderLook


def _pixels_like(image: QImage, colour: str, step: int = 2) -> int:
    want = QColor(colour)
    count = 0
    for x in range(0, image.width(), step):
        for y in range(0, image.height(), step):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - want.red())
                + abs(pixel.green() - want.green())
                + abs(pixel.blue() - want.blue())
            ) < 30:
                count += 1
    return count


def test_night_scene_screenshot(qapp: QApplication, tmp_path: Path) -> None:
    aeds = scene.denmark_aeds()
    mission = scene.mission(aeds=aeds)
    etas = {
        r.runner_id: scene.NIGHT + timedelta(seconds=90 + 2.2 * r.distance_m / 3)
        for r in mission.responders
        if r.task is not None
    }
    view = open_view(1280, 860)
    view.set_aeds(aeds, scene.NIGHT)
    view.set_mission(mission, etas)
    view.set_view(mission.location.lat + 0.004, mission.location.lon, 13)
    view.select("responder", mission.responders[1].runner_id, mission.id)
    state = page_state(view)
    assert len(state["missions"][mission.id]) == 20
    assert state["aeds"]["count"] == 26_182
    wait_until(
        lambda: js_json(view, "AMK.state().metrics.lastAedsDrawnMs") is not None,
        what="the AEDs to be drawn",
    )
    settle(view)

    image = view.snapshot(tmp_path / "map.png")
    target = os.environ.get("AMK_MAP_SCREENSHOT")
    if target:
        view.snapshot(Path(target))
    looks = set(RESPONDER_STYLES) - {ResponderLook.OUT}
    for look in looks:
        assert _pixels_like(image, RESPONDER_STYLES[look].colour) > 10, f"no {look} on the map"
    assert _pixels_like(image, INCIDENT_STYLE.colour) > 40
    assert _pixels_like(image, AED_STYLES["always"].colour) > 100  # cluster rings
    assert _pixels_like(image, AED_STYLES["closed_now"].colour) > 20
    close_view(view)
