"""What the embedded map costs: page load, all of Denmark's AEDs, a busy second of moves, memory.

Measured with the real QWebEngineView offscreen, in the page (``performance.now``) and in Python
(wall clock from the call to the page's report). Targets (issue 6): 26,182 AEDs drawn in
≤ 400 ms (a single ``addLayers`` into Leaflet.markercluster takes ~700 ms here, which is why
the page clusters AEDs itself); 1,000 responder moves (50 missions × 20) in ≤ 50 ms of page time.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from bench.bench_console import _descendants, _prepare_environment, _rss_kib

RUNS = 5
NIGHT = datetime(2025, 6, 3, 21, 40, tzinfo=UTC)


def _spin_until(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while True:
        QApplication.processEvents()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("the map page did not answer")
        time.sleep(0.001)


def _js(view: Any, expression: str) -> Any:
    view.flush()
    box: list[Any] = []
    view.page().runJavaScript(f"JSON.stringify({expression})", 0, box.append)
    _spin_until(lambda: bool(box))
    return json.loads(box[0])


def _drawn_after(view: Any, start_epoch_ms: float) -> dict[str, Any] | None:
    metrics: dict[str, Any] = _js(view, "AMK.state().metrics")
    drawn = metrics["lastAedsDrawnEpochMs"]
    return metrics if drawn is not None and drawn > start_epoch_ms else None


def _moved(view: Any, total: int) -> dict[str, Any] | None:
    metrics: dict[str, Any] = _js(view, "AMK.state().metrics")
    return metrics if metrics["movesApplied"] >= total else None


def _missions(count: int, per_mission: int) -> list[tuple[str, float, float, list[Any]]]:
    from console.domain.model import Position, Responder, ResponderState, Task
    from console.domain.reference_data import towns

    rng = random.Random(6)
    places = sorted(towns(), key=lambda t: -t.population)[:count]
    states = [ResponderState.ALERTED, ResponderState.ACCEPTED, ResponderState.DECLINED]
    out = []
    for m, town in enumerate(places):
        responders = []
        for rank in range(1, per_mission + 1):
            angle, dist = rng.random() * 2 * math.pi, 200 + rng.random() * 4000
            lat = town.lat + dist * math.cos(angle) / 111_320
            lon = town.lon + dist * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
            state = states[rank % 3]
            task = Task.go_to_patient() if state is ResponderState.ACCEPTED else None
            responders.append(
                Responder(
                    f"m{m}r{rank}",
                    f"HL-{m}-{rank}",
                    rank,
                    dist,
                    state,
                    task,
                    NIGHT,
                    NIGHT if task else None,
                    None,
                    Position(lat, lon, NIGHT),
                )
            )
        out.append((f"m-{m:03d}", town.lat, town.lon, responders))
    return out


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ms (min {min(values):.1f}, max {max(values):.1f})"


def main() -> None:
    _prepare_environment()
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    import console.maps  # registers the map's URL scheme before the QApplication exists
    from console.domain.world import generate_world

    app = QApplication.instance() or QApplication(sys.argv[:1])
    aeds = generate_world(7, NIGHT).aeds

    # ---- page load to ready, a fresh view (and renderer) each time
    load_py, load_page = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        fresh = console.maps.MapView()
        fresh.resize(1280, 860)
        fresh.show()
        _spin_until(partial(getattr, fresh, "is_ready"))
        load_py.append((time.perf_counter() - started) * 1000)
        load_page.append(_js(fresh, "AMK.state().metrics.readyMs"))
        fresh.close()
        fresh.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    print(f"page load to ready, Python (view created → ready): {_median(load_py)}")
    print(f"page load to ready, page (navigation → ready):     {_median(load_page)}")

    view = console.maps.MapView()
    view.resize(1280, 860)
    view.show()
    _spin_until(lambda: view.is_ready)

    # ---- all AEDs until drawn
    e2e, apply_ms, drawn_ms, transfer_ms = [], [], [], []
    for run in range(RUNS):
        view.set_view(56.0, 11.0, 7)
        _js(view, "1")
        start_epoch = time.time() * 1000
        view.set_aeds(aeds, NIGHT + timedelta(minutes=run))
        view.flush()
        metrics = _spin_until(partial(_drawn_after, view, start_epoch))
        e2e.append(metrics["lastAedsDrawnEpochMs"] - start_epoch)
        transfer_ms.append(metrics["lastApplyStartEpochMs"] - start_epoch)
        apply_ms.append(metrics["lastAedsMs"])
        drawn_ms.append(metrics["lastAedsDrawnMs"])
    print(f"{len(aeds):,} AEDs, Python call → drawn (end to end):  {_median(e2e)}")
    print(f"  of which Python encoding + transfer + JSON parse:  {_median(transfer_ms)}")
    print(f"  page: index + cluster + markers:                   {_median(apply_ms)}")
    print(f"  page: until the next frame after they are drawn:   {_median(drawn_ms)}")

    # ---- 1,000 responder moves in one busy second
    missions = _missions(50, 20)
    for mission_id, lat, lon, responders in missions:
        view.set_incident(mission_id, lat, lon, 5000, "bench")
        view.set_responders(mission_id, responders)
    view.set_view(56.0, 11.0, 7)
    _js(view, "1")
    py_ms, apply_moves_ms, frame_ms, page_total = [], [], [], []
    for run in range(1, RUNS + 1):
        before = _js(view, "AMK.state().metrics")
        started = time.perf_counter()
        for mission_id, _, _, responders in missions:
            view.update_responder_positions(
                mission_id,
                [(r.runner_id, r.position.lat + run * 1e-4, r.position.lon) for r in responders],
            )
        view.flush()
        py_ms.append((time.perf_counter() - started) * 1000)
        after = _spin_until(partial(_moved, view, before["movesApplied"] + 1000))
        apply_moves_ms.append(after["lastApplyMs"])
        frame_ms.append(after["frameMs"] - before["frameMs"])
        page_total.append(apply_moves_ms[-1] + frame_ms[-1])
    print(f"1,000 responder moves (50 missions × 20), page total: {_median(page_total)}")
    print(f"  page: taking the deltas (AMK.apply):                {_median(apply_moves_ms)}")
    print(f"  page: moving markers and routes in one frame:       {_median(frame_ms)}")
    print(f"  Python: checking and encoding the 50 calls:          {_median(py_ms)}")

    # ---- memory with everything above loaded
    own = _rss_kib(os.getpid())
    helpers = [kb for pid in _descendants(os.getpid()) if (kb := _rss_kib(pid))]
    if not own:
        print("memory: not available on this platform (/proc missing)")
    else:
        print(f"memory, console process (RSS):                      {own / 1024:7.1f} MB")
        print(
            f"memory, with Chromium's helper processes ({len(helpers)}):     "
            f"{(own + sum(helpers)) / 1024:7.1f} MB"
        )
    view.close()
    view.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    main()
