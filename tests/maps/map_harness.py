"""Helpers for the map tests and the screenshot: wait on the Qt loop, ask the page, open views.

Kept out of conftest.py so test modules can import them by name (``from map_harness import``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from console.maps import MapView


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Spin the Qt event loop until ``condition()`` is truthy; its value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        QApplication.processEvents()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.005)


def run_js(view: MapView, script: str, timeout: float = 10.0) -> Any:
    """Evaluate ``script`` in the map page after everything queued so far, and return its value.

    Queued deltas are flushed first, and ``runJavaScript`` calls run in order, so the result
    sees every delta sent before this call.
    """
    view.flush()
    box: list[Any] = []
    view.page().runJavaScript(script, 0, box.append)
    wait_until(lambda: bool(box), timeout, f"the page to answer {script[:60]!r}")
    return box[0]


def js_json(view: MapView, expression: str) -> Any:
    """A JavaScript expression's value, carried as JSON (Qt's own conversion drops arrays)."""
    return json.loads(run_js(view, f"JSON.stringify({expression})"))


def page_state(view: MapView) -> dict[str, Any]:
    """The page's own account of what it shows (``AMK.state()``), as Python data."""
    return dict(js_json(view, "AMK.state()"))


class LogProblems(logging.Handler):
    """Collects WARNING-or-worse records of the map (its page's console included)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        taken = [f"{r.name}: {r.getMessage()}" for r in self.records]
        self.records.clear()
        return taken


def open_view(width: int = 1000, height: int = 700, **kwargs: Any) -> MapView:
    view = MapView(**kwargs)
    view.resize(width, height)
    view.show()
    wait_until(lambda: view.is_ready, 20.0, "the map page to be ready")
    return view


def close_view(view: MapView) -> None:
    blocked = list(view.interceptor.blocked)
    view.close()
    view.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    assert not blocked, f"the map page made requests that were blocked: {blocked}"


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], **metadata: str) -> Path:
    """An MBTiles file with ``tiles`` at XYZ addresses (stored in TMS order, as the spec says)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
        "tile_data BLOB)"
    )
    meta = {"name": "test", "format": "png", "minzoom": "0", "maxzoom": "12", **metadata}
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (2**z - 1) - y, data) for (z, x, y), data in tiles.items()],
    )
    db.commit()
    db.close()
    return path


def settle(view: MapView, pause_s: float = 0.2) -> None:
    """Wait until the page has painted two frames after everything sent so far, then a moment
    for the frame to reach the widget, so a snapshot shows the current state."""
    run_js(
        view,
        "window.__amkFrames = 0; requestAnimationFrame(function () {"
        " requestAnimationFrame(function () { window.__amkFrames = 2; }); }); 1",
    )
    wait_until(lambda: run_js(view, "window.__amkFrames") == 2, what="two painted frames")
    deadline = time.monotonic() + pause_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
