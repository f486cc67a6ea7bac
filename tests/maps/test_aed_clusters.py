# ruff: noqa: E501  (the page script under test is JavaScript, kept as the page would have it)
"""The AED layer against the real page: groups made once per zoom, small changes stay small.

A status change, a responder's AED and a pan must touch only the elements they concern; the
groups' counts must stay what a fresh grouping gives; clicks on AEDs and groups still work.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import map_scene as scene
import pytest
from map_harness import js_json, page_state, run_js, wait_until
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineWidgets import QWebEngineView

from console.domain.model import AedStatus
from console.maps import MapView

# Every element of the AED pane a mutation touched since the watch began (an AED or group,
# whether its content, its attributes or its place in the pane changed).
_WATCH = """(function () {
  if (window.__amkWatch) { window.__amkWatch.disconnect(); }
  var pane = document.querySelector('.leaflet-aeds-pane');
  var touched = window.__amkTouched = new Set();
  function item(node) {
    var e = node.nodeType === 1 ? node : node.parentNode;
    while (e && e !== pane && e.parentNode !== pane && !(e.classList && e.classList.contains('amk-aed-item'))) {
      e = e.parentNode;
    }
    return e && e !== pane ? e : null;
  }
  function add(node) { var e = item(node); if (e) { touched.add(e); } }
  window.__amkWatch = new MutationObserver(function (records) {
    records.forEach(function (m) {
      if (m.type === 'childList' && (m.target === pane || m.target.parentNode === pane && !m.target.classList.contains('amk-aed-item'))) {
        m.addedNodes.forEach(add); m.removedNodes.forEach(add);
      } else { add(m.target); }
    });
  });
  window.__amkWatch.observe(pane, {childList: true, subtree: true, attributes: true, characterData: true});
  return 1;
}())"""

# What the AED layer shows, element by element, in a stable order.
_SHOWN = """Array.prototype.map.call(document.querySelectorAll('.amk-aed-item'), function (e) {
  var count = e.querySelector('.amk-cluster-count'), ring = e.querySelector('.amk-cluster-share');
  return [e.className, e.style.left, e.style.top, count ? count.textContent : '',
          ring ? ring.getAttribute('stroke-dasharray') : ''];
}).sort()"""


def _watch(view: MapView) -> None:
    assert run_js(view, _WATCH) == 1


def _touched(view: MapView) -> int:
    return int(run_js(view, "window.__amkTouched.size"))


def _metrics(view: MapView) -> dict[str, Any]:
    return dict(page_state(view)["metrics"])


@pytest.fixture(scope="module")
def denmark(map_view: MapView) -> MapView:
    map_view.set_aeds(scene.denmark_aeds(), scene.NIGHT)
    return map_view


def test_one_aed_status_change_touches_only_its_group(denmark: MapView) -> None:
    view = denmark
    aed = scene.nearest_aeds(scene.denmark_aeds(), scene.PATIENT.lat, scene.PATIENT.lon, 1)[0]
    for zoom, least in ((12, 50), (17, 1)):  # in a group among many, and on its own
        view.set_view(aed.lat, aed.lon, zoom)
        before = _metrics(view)
        shown = page_state(view)["aeds"]
        assert shown["clusters"] + shown["markers"] >= least
        _watch(view)
        view.update_aed(replace(aed, status=AedStatus.TAKEN), scene.NIGHT)
        after = _metrics(view)
        assert _touched(view) == 1
        assert after["aedLevelBuilds"] == before["aedLevelBuilds"]
        assert after["aedNodesCreated"] == before["aedNodesCreated"]
        view.update_aed(aed, scene.NIGHT)
        assert page_state(view)["aeds"]["byAvailability"].get("taken", 0) == 0


def test_an_availability_refresh_touches_only_what_changed(denmark: MapView) -> None:
    view = denmark
    view.set_view(scene.PATIENT.lat, scene.PATIENT.lon, 13)
    before = _metrics(view)
    _watch(view)
    assert view.refresh_aed_availability(scene.NIGHT) == 0  # nothing changed: nothing drawn
    assert _touched(view) == 0
    assert _metrics(view)["aedLevelBuilds"] == before["aedLevelBuilds"]


def test_pins_and_unpins_keep_group_counts_right(denmark: MapView) -> None:
    view = denmark
    aeds = scene.denmark_aeds()
    view.set_view(scene.PATIENT.lat, scene.PATIENT.lon, 11)
    alone = js_json(view, _SHOWN)
    level = page_state(view)["aeds"]["level"]
    assert level["aeds"] == len(aeds)
    builds = _metrics(view)["aedLevelBuilds"]

    mission = scene.mission("m-pins", aeds=aeds)
    _watch(view)
    view.set_mission(mission)
    state = page_state(view)["aeds"]
    fetched = state["pinned"]
    assert fetched
    # Each pinned AED leaves its group (one element refigured, or a pair become one AED) and is
    # drawn on its own: a few elements, not every group in view.
    assert _touched(view) <= 3 * len(fetched)
    assert state["level"]["aeds"] == len(aeds) - len(fetched)
    assert _metrics(view)["aedLevelBuilds"] == builds
    pinned_view = js_json(view, _SHOWN)
    assert pinned_view != alone

    view.set_aeds(aeds, scene.NIGHT)  # grouped afresh, with the same AEDs pinned
    assert js_json(view, _SHOWN) == pinned_view
    assert page_state(view)["aeds"]["level"] == state["level"]

    view.clear_mission("m-pins")
    assert page_state(view)["aeds"]["pinned"] == []
    assert js_json(view, _SHOWN) == alone
    assert page_state(view)["aeds"]["level"]["aeds"] == len(aeds)


def test_panning_back_reuses_the_elements(denmark: MapView) -> None:
    view = denmark
    places = [(55.6867, 12.5701), (55.70, 12.52)]
    for zoom in (13, 16):
        for lat, lon in places:
            view.set_view(lat, lon, zoom)
        created = _metrics(view)["aedNodesCreated"]
        for lat, lon in places * 2:
            view.set_view(lat, lon, zoom)
        assert _metrics(view)["aedNodesCreated"] == created
    assert page_state(view)["aeds"]["markers"] > 20


def _click(view: MapView, x: float, y: float) -> None:
    web = QWebEngineView.forPage(view.page())
    target = web.focusProxy() or web
    QTest.mouseClick(
        target,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(x), round(y)),
    )


def test_click_on_an_aed_opens_it_and_says_which(denmark: MapView) -> None:
    view = denmark
    aed = scene.nearest_aeds(scene.denmark_aeds(), scene.PATIENT.lat, scene.PATIENT.lon, 1)[0]
    view.set_view(aed.lat, aed.lon, 17)
    x, y = js_json(view, f"AMK.pointOf({aed.lat}, {aed.lon})")
    items: list[tuple[str, str, str]] = []
    places: list[tuple[float, float]] = []
    view.item_clicked.connect(lambda *args: items.append(args))
    view.map_clicked.connect(lambda lat, lon: places.append((lat, lon)))
    _click(view, x, y)
    wait_until(lambda: items, what="the click to reach Python")
    assert items == [("aed", aed.id, "")]
    assert aed.address in run_js(view, "AMK.popupText()")
    QTest.qWait(100)
    assert places == []  # not a click on the map as well


def test_click_on_a_group_zooms_into_it(denmark: MapView) -> None:
    view = denmark
    view.set_view(scene.PATIENT.lat, scene.PATIENT.lon, 10)
    x, y = js_json(
        view,
        "(function () { var best = null, mid = [500, 350];"
        " document.querySelectorAll('.amk-cluster').forEach(function (e) {"
        "  var r = e.getBoundingClientRect(), p = [r.left + r.width / 2, r.top + r.height / 2];"
        "  var d = Math.hypot(p[0] - mid[0], p[1] - mid[1]);"
        "  if (!best || d < best[0]) { best = [d, p]; } }); return best[1]; }())",
    )
    places: list[tuple[float, float]] = []
    view.map_clicked.connect(lambda lat, lon: places.append((lat, lon)))
    _click(view, x, y)
    wait_until(lambda: page_state(view)["zoom"] > 10, what="the map to zoom into the group")
    assert places == []


def test_an_aed_moved_or_added_joins_the_groups_without_grouping_again(denmark: MapView) -> None:
    view = denmark
    aeds = scene.denmark_aeds()
    last = aeds[-1]  # the last to join each group: its group's tail in every level
    far = replace(last, lat=last.lat + 0.3, lon=last.lon - 0.4)  # some 40 km away
    view.set_view(far.lat, far.lon, 17)
    markers_there = page_state(view)["aeds"]["markers"]
    view.set_view(last.lat, last.lon, 11)  # a level grouped already
    builds = _metrics(view)["aedLevelBuilds"]

    def level() -> dict[str, int]:
        found = dict(page_state(view)["aeds"]["level"])
        assert found["listed"] == found["aeds"] + found["pinnedAll"]
        return found

    try:
        view.update_aed(far, scene.NIGHT)
        assert level()["aeds"] == len(aeds)
        view.set_view(far.lat, far.lon, 17)
        assert page_state(view)["aeds"]["markers"] == markers_there + 1
        view.set_view(far.lat, far.lon, 11)
        assert level()["aeds"] == len(aeds)
        view.update_aed(last, scene.NIGHT)  # back where it was: it joins its old group again
        assert level()["aeds"] == len(aeds)

        usable = scene.nearest_aeds(aeds, scene.PATIENT.lat, scene.PATIENT.lon, 1)[0]
        new = replace(usable, id="aed-new-on-the-map")  # usable at NIGHT, as its model is
        view.update_aed(new, scene.NIGHT)
        added = level()
        assert added["aeds"] == len(aeds) + 1
        view.update_aed(replace(new, status=AedStatus.TAKEN), scene.NIGHT)
        assert level()["usable"] == added["usable"] - 1  # the new AED's group was recounted
        assert _metrics(view)["aedLevelBuilds"] == builds
    finally:
        view.set_aeds(aeds, scene.NIGHT)
