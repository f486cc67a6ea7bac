"""The page's only way into Python: three notifications, every argument checked."""

from __future__ import annotations

import logging
import math

import pytest
from map_harness import close_view, js_json, open_view, run_js, wait_until
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from console.maps.bridge import MapBridge


@pytest.fixture
def bridge(qapp: QApplication) -> MapBridge:
    return MapBridge()


def test_clicks_pass_through(bridge: MapBridge) -> None:
    seen: list[tuple[object, ...]] = []
    bridge.events.map_clicked.connect(lambda *a: seen.append(a))
    bridge.events.item_clicked.connect(lambda *a: seen.append(a))
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
    bridge.events.map_clicked.connect(lambda *a: seen.append(a))
    bridge.events.item_clicked.connect(lambda *a: seen.append(a))
    call(bridge)  # type: ignore[operator]
    assert seen == []
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


@pytest.mark.allow_log_warnings
def test_the_page_reaches_only_the_bridge_and_cannot_delete_it(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    view = open_view()
    run_js(
        view,
        "new QWebChannel(qt.webChannelTransport, function (channel) {"
        "  var bridge = channel.objects.amkBridge;"
        "  window.__bridgeKeys = Object.keys(channel.objects).concat(Object.keys(bridge).filter("
        "    function (k) { return k.indexOf('(') < 0 && k.indexOf('__') !== 0; }));"
        "  bridge.deleteLater(); }); 1",
    )
    wait_until(lambda: run_js(view, "!!window.__bridgeKeys"), what="a second channel client")
    keys = set(js_json(view, "window.__bridgeKeys"))
    internal = {"unwrapQObject", "unwrapProperties", "propertyUpdate", "signalEmitted"}
    assert keys - internal == {
        "amkBridge",
        "pageReady",
        "mapClicked",
        "itemClicked",
        "deleteLater",
        "objectNameChanged",
        "destroyed",
    }
    wait_until(lambda: "delete the bridge; refused" in caplog.text, what="the refusal")
    clicks: list[tuple[float, float]] = []
    view.map_clicked.connect(lambda lat, lon: clicks.append((lat, lon)))
    web = QWebEngineView.forPage(view.page())
    QTest.mouseClick(
        web.focusProxy() or web,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(500, 350),
    )
    wait_until(lambda: clicks, what="a click after the attempt to delete the bridge")
    close_view(view)
