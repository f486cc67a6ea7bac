"""The map page gets its basemap script from a worker thread: the GUI thread never makes it.

Making it (label placement, or reading it back from the user's cache) used to run inside the
scheme handler's ``requestStarted`` on the GUI thread, up to 0.4 s during which the window and
the page's other requests stood still.
"""

from __future__ import annotations

import threading
import time

import pytest
from map_harness import close_view, js_json, open_view
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from console.maps.basemap import basemap_script
from console.maps.scheme import static_files

SLOW_S = 0.6


def test_the_basemap_is_made_off_the_gui_thread_and_still_reaches_the_page(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_in: list[threading.Thread] = []
    window: list[float] = []

    def slow_basemap() -> bytes:
        made_in.append(threading.current_thread())
        window.append(time.monotonic())
        time.sleep(SLOW_S)  # stands for a cold build on a slow machine
        window.append(time.monotonic())
        return basemap_script()

    monkeypatch.setitem(static_files(), "/data/basemap.js", slow_basemap)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(lambda: ticks.append(time.monotonic()))
    ticker.start()
    view = open_view()
    try:
        ticker.stop()
        assert made_in
        assert threading.main_thread() not in made_in
        # The GUI thread went on turning while the basemap was being made.
        start, end = window[0], window[1]
        during = [t for t in ticks if start < t < end]
        assert len(during) >= 5, f"{len(during)} timer ticks in {end - start:.2f} s"
        assert js_json(view, "window.AMK_BASEMAP.towns.length") > 500
    finally:
        close_view(view)
