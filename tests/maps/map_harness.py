"""Helpers for the map tests and the screenshot: wait on the Qt loop, ask the page, open views.

Kept out of conftest.py so test modules can import them by name (``from map_harness import``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
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


def open_view(**kwargs: Any) -> MapView:
    view = MapView(**kwargs)
    view.resize(1000, 700)
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
