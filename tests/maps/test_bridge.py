"""The page's only way into Python: three notifications, every argument checked."""

from __future__ import annotations

import logging
import math

import pytest
from PySide6.QtWidgets import QApplication

from console.maps.bridge import MapBridge


@pytest.fixture
def bridge(qapp: QApplication) -> MapBridge:
    return MapBridge()


def test_clicks_pass_through(bridge: MapBridge) -> None:
    seen: list[tuple[object, ...]] = []
    bridge.map_clicked.connect(lambda *a: seen.append(a))
    bridge.item_clicked.connect(lambda *a: seen.append(a))
    bridge.mapClicked(55.5, 12.25)
    bridge.itemClicked("aed", "aed-1", "")
    assert seen == [(55.5, 12.25), ("aed", "aed-1", "")]


@pytest.mark.allow_log_warnings
@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.mapClicked(math.nan, 12.0),
        lambda b: b.mapClicked(95.0, 12.0),
        lambda b: b.itemClicked("ambulance", "x", ""),
        lambda b: b.itemClicked("aed", "", ""),
        lambda b: b.itemClicked("aed", "a" * 500, ""),
        lambda b: b.itemClicked("responder", "r1", "m" * 500),
    ],
)
def test_nonsense_from_the_page_is_dropped_and_logged(
    bridge: MapBridge, call: object, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[object] = []
    bridge.map_clicked.connect(lambda *a: seen.append(a))
    bridge.item_clicked.connect(lambda *a: seen.append(a))
    call(bridge)  # type: ignore[operator]
    assert seen == []
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
