"""Scripted scenarios for ``--screenshot``: the real console on the training service, driven
the way a dispatcher would, then saved as a picture.

``busy``: four alerts across Denmark (one for a child) raised through the mission service,
the autopilot answering at 12× speed (``--autopilot`` changes it), and the mission furthest
along selected once someone has collected an AED or arrived (or after a minute, whatever the
state). ``quiet``: the window with no mission, the AED register on the map. The scenario waits
for things to have happened (acceptances, the map drawn), never for fixed times alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from console.domain.model import AgeGroup, LatLon, Mission, ResponderState
from console.maps import MapView
from console.services.link import LinkState
from console.ui.composition import Console

log = logging.getLogger("console.ui.scenarios")

WINDOW_SIZE: Final = (1600, 1000)


@dataclass(frozen=True, slots=True)
class Alert:
    location: LatLon
    address: str
    age_group: AgeGroup
    note: str = ""


BUSY: Final = (
    Alert(
        LatLon(55.69060, 12.55380),
        "Jagtvej 111, 3. th., 2200 København N",
        AgeGroup.ADULT,
        "Mand ca. 60 år, hustru giver HLR. Dørkode 4711.",
    ),
    Alert(LatLon(56.15550, 10.20800), "Søndergade 12, 8000 Aarhus C", AgeGroup.CHILD),
    Alert(LatLon(55.39600, 10.38400), "Vestergade 20, 5000 Odense C", AgeGroup.UNKNOWN),
    Alert(LatLon(55.64150, 12.08030), "Algade 3, 4000 Roskilde", AgeGroup.ADULT),
)


class ScenarioError(RuntimeError):
    """The scenario could not reach the state it wanted to show."""


async def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise ScenarioError(f"timed out after {timeout_s:g} s waiting for {what}")
        await asyncio.sleep(0.05)


async def ready(console: Console, timeout_s: float = 60.0) -> None:
    """The window is up, live, its map drawn and the AED register loaded."""
    services = console.services
    await wait_for(lambda: console.window.map.is_ready, timeout_s, "the map page")
    await wait_for(
        lambda: services.sync.status.value.state is LinkState.LIVE, timeout_s, "a live link"
    )
    try:  # an empty training world has no AEDs; Denmark's arrive within a second or two
        await wait_for(lambda: len(services.aeds.aeds) > 0, 15.0, "the AED register")
    except ScenarioError:
        log.info("no AEDs in the register; the picture shows none")


async def raise_and_wait(console: Console, alert: Alert, timeout_s: float = 30.0) -> Mission:
    missions = console.services.missions
    entry = await missions.raise_alert(alert.location, alert.address, alert.age_group, alert.note)
    settled = await asyncio.wait_for(console.services.outbox.settled(entry.key), timeout_s)
    mission_id = settled.mission_id
    if mission_id is None:
        raise ScenarioError(f"the alert at {alert.address} was not raised: {settled.status_text}")
    await wait_for(lambda: mission_id in missions.open_missions, timeout_s, "the mission")
    return missions.open_missions[mission_id]


async def busy(console: Console, patience_s: float = 60.0) -> None:
    """Four alerts; the picture waits until someone has collected an AED or arrived."""
    for alert in BUSY:
        await raise_and_wait(console, alert)
    open_missions = console.services.missions.open_missions

    def progress(mission: Mission) -> tuple[int, int]:
        far = sum(
            1
            for r in mission.responders
            if r.state in (ResponderState.AED_COLLECTED, ResponderState.ARRIVED)
        )
        return far, sum(1 for r in mission.responders if r.accepted_at is not None)

    def something_to_show() -> bool:
        return any(progress(m)[0] >= 1 and progress(m)[1] >= 4 for m in open_missions.values())

    try:
        await wait_for(something_to_show, patience_s, "an AED collected or an arrival")
    except ScenarioError:
        log.info("no arrival within %g s; taking the picture as it is", patience_s)
    if not open_missions:
        raise ScenarioError("every mission of the scenario ended before the picture")
    chosen = max(open_missions.values(), key=progress)
    console.window.select_mission(chosen.id)


async def render_screenshot(console: Console, scenario: str, path: Path) -> Path:
    window = console.window
    window.resize(*WINDOW_SIZE)
    window.show()
    await ready(console)
    if scenario == "busy":
        await busy(console)
    await settle_map(console)
    image = window.grab().toImage()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise ScenarioError(f"could not write {path}")
    log.info("saved the %s scenario to %s", scenario, path)
    return path


async def settle_map(console: Console, pause_s: float = 1.0) -> None:
    """Let the map apply what was sent and paint two frames, then give the frame time to land."""
    view = console.window.map
    view.flush()
    await page_value(
        view,
        "window.__amkFrames = 0; requestAnimationFrame(function () {"
        " requestAnimationFrame(function () { window.__amkFrames = 2; }); }); 1",
    )
    deadline = time.monotonic() + 10.0
    while await page_value(view, "window.__amkFrames") != 2:
        if time.monotonic() > deadline:
            raise ScenarioError("the map did not paint")
        await asyncio.sleep(0.05)
    await asyncio.sleep(pause_s)


async def page_value(view: MapView, script: str) -> object:
    """Evaluate ``script`` in the map page (after the queued deltas) and return its value."""
    view.flush()
    done: asyncio.Future[object] = asyncio.get_running_loop().create_future()

    def answered(value: object) -> None:
        if not done.done():
            done.set_result(value)

    view.page().runJavaScript(script, 0, answered)
    return await asyncio.wait_for(done, 10.0)
