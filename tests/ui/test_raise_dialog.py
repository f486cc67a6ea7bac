"""Raising an alert with bad input says why and sends nothing; odd text stays text everywhere;
the location comes from a map click, a right click, a town or pasted coordinates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot
from ui_harness import Sim, console_running, page_json, page_state, pause, settle_map, wait_until

from console.ui import i18n
from console.ui.composition import Console
from console.ui.location_input import LocationSource
from console.ui.raise_dialog import RaiseDialog

HTML_ADDRESS = '<b>Nørrebrogade 1</b> <img src=x onerror="alert(1)"> & <i>2200</i>'


@pytest.fixture(scope="module")
def console(
    qapp: QApplication, qloop: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Console]:
    import asyncio

    asyncio.set_event_loop(qloop)  # type: ignore[arg-type]
    previous = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(qloop)  # type: ignore[arg-type]
    folder = tmp_path_factory.mktemp("raise")
    args = ["--simulate", "--world", "empty", "--data-dir", str(folder)]
    try:
        with console_running(args, qapp) as running:
            wait_until(running.window.is_live, 30, "a live link")
            wait_until(lambda: running.window.map.is_ready, 30, "the map")
            assert running.training is not None
            sim = Sim(running.base_url, running.training.password)
            sim.autopilot(False)
            sim.add_runners(
                [
                    {"id": "rd-1", "lat": 55.6905, "lon": 12.5540, "mode": "bike"},
                    {"id": "rd-2", "lat": 55.6420, "lon": 12.0790, "mode": "foot"},
                ]
            )
            sim.close()
            yield running
    finally:
        asyncio.events._set_running_loop(previous)


@pytest.fixture
def dialog(console: Console, loop: object, qtbot: QtBot) -> Iterator[RaiseDialog]:
    window = console.window
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F2)
    opened = wait_until(lambda: window.raise_dialog, 5, "the raise dialog")
    assert isinstance(opened, RaiseDialog)
    yield opened
    if window.raise_dialog is not None:
        window.raise_dialog.reject()
    wait_until(lambda: window.raise_dialog is None, 5)


def nothing_sent(console: Console) -> bool:
    return (
        len(console.services.missions.commands) == 0 and not console.services.missions.open_missions
    )


def test_empty_location_says_so_and_sends_nothing(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.address, "Vesterbrogade 1")
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    pause(0.3)
    assert dialog.problem.isVisible()
    assert dialog.problem.text().startswith("Give a location")
    assert dialog.isVisible()
    assert nothing_sent(console)


def test_a_point_at_sea_is_outside_the_service_area(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.location, "56.0000, 11.5000")  # Kattegat
    assert "Outside the service area" in dialog.location_status.text()
    assert "at sea or abroad" in dialog.location_status.text()
    qtbot.keyClick(dialog.location, Qt.Key.Key_Return)
    pause(0.3)
    assert dialog.problem.text().startswith("Outside the service area")
    assert "No preview" in dialog.coverage_label.text()
    assert nothing_sent(console)


def test_a_5000_character_note_is_refused_with_the_limit(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.location, "55.6761 12.5683")
    dialog.note.setText("x" * 5000)  # pasted
    assert dialog.note_count.text() == "5000/500"
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    pause(0.3)
    assert dialog.problem.text() == "The note is 5000 characters long; the limit is 500."
    assert nothing_sent(console)


def test_unreadable_coordinates_and_unknown_towns(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.location, "55.67 12.5 9")
    assert dialog.location_status.text().startswith("The coordinates cannot be read: ")
    assert "cannot read coordinates" in dialog.location_status.text()  # and what is wrong
    dialog.location.clear()
    qtbot.keyClicks(dialog.location, "Atlantis")
    assert "No town matches “Atlantis”" in dialog.location_status.text()
    qtbot.keyClick(dialog.location, Qt.Key.Key_Return)
    pause(0.2)
    assert "No town matches" in dialog.problem.text()
    assert nothing_sent(console)


def test_town_search_and_map_click_set_the_location(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    qtbot.keyClicks(dialog.location, "Roskil")
    assert dialog.resolved is not None
    assert dialog.resolved.source is LocationSource.TOWN
    assert dialog.location_status.text().startswith("✓ Roskilde, Roskilde")
    wait_until(lambda: dialog.coverage is not None, 20, "the coverage preview")
    assert dialog.coverage is not None
    assert dialog.coverage.runners == 1  # rd-2, in Roskilde
    settle_map(console.window.map)
    assert [r["id"] for r in page_state(console.window.map)["runners"]] == ["rd-2"]

    console.window.map.map_clicked.emit(55.6900, 12.5530)
    assert dialog.location.text() == "55.69000, 12.55300"
    assert dialog.resolved is not None
    assert dialog.resolved.source is LocationSource.MAP
    assert dialog.address.hasFocus() or not dialog.isActiveWindow()


def test_right_click_on_the_map_offers_raise_here(console: Console, loop: object) -> None:
    window = console.window
    view = window.map
    settle_map(view)
    centre = QPoint(view.width() // 2, view.height() // 2)
    expected = page_json(view, f"AMK.latLngAt({centre.x()}, {centre.y()})")
    heard: list[tuple[float, float]] = []
    window.map_context.requested.connect(lambda lat, lon, _: heard.append((lat, lon)))
    window.map_context.request_at(centre)
    wait_until(lambda: heard, 5, "the coordinate under the mouse")
    assert heard[0] == pytest.approx(tuple(expected))
    menu = wait_until(lambda: window.findChild(QMenu, "mapMenu"), 5, "the context menu")
    action = menu.actions()[0]
    assert action.text() == "Raise alert here (F2)"
    action.trigger()
    menu.close()
    dialog = wait_until(lambda: window.raise_dialog, 5, "the raise dialog")
    assert dialog.resolved is not None
    assert dialog.resolved.location.lat == pytest.approx(expected[0], abs=1e-5)
    dialog.reject()
    wait_until(lambda: window.raise_dialog is None, 5)


def test_an_address_with_markup_is_text_in_the_list_panel_timeline_and_map(
    console: Console, dialog: RaiseDialog, qtbot: QtBot
) -> None:
    window = console.window
    qtbot.keyClicks(dialog.location, "55.6905 12.5540")
    dialog.address.setText(HTML_ADDRESS)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    mission_id = wait_until(
        lambda: window.raise_dialog is None and window.selected_mission_id, 20, "the mission"
    )
    row = window.list_model.row_of(mission_id)
    assert window.list_model.data(window.list_model.index(row, 1)) == HTML_ADDRESS
    assert window.panel.title.text() == HTML_ADDRESS
    assert window.panel.title.textFormat() == Qt.TextFormat.PlainText
    wait_until(lambda: window.timeline_model.texts(), 10, "the timeline")
    assert window.timeline_model.texts()[0] == f"Alert raised: {HTML_ADDRESS}"
    settle_map(view := window.map)
    assert page_state(view)["incidents"][mission_id]["address"] == HTML_ADDRESS
    assert page_json(view, "document.querySelectorAll('img[src=x], b, i').length") == 0
    assert page_json(view, f"AMK.openPopup('incident', {mission_id!r})")
    popup = page_json(view, "AMK.popupText()")
    assert HTML_ADDRESS in popup
    assert page_json(view, "document.querySelectorAll('img[src=x], b, i').length") == 0


def test_the_location_messages_in_danish(
    console: Console, dialog: RaiseDialog, qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    """A Danish dispatcher reads why nothing can be sent in Danish, distances included."""
    _lang, translators = i18n.install(qapp, "da", tmp_path)
    try:
        qtbot.keyClicks(dialog.location, "56.0000, 11.5000")  # Kattegat
        status = dialog.location_status.text()
        assert status.startswith("Uden for dækningsområdet: ca. ")
        assert "(til søs eller i udlandet)" in status
        assert "outside" not in status
        dialog.location.clear()
        qtbot.keyClicks(dialog.location, "Atlantis")
        assert "Ingen by hedder “Atlantis”" in dialog.location_status.text()
    finally:
        i18n.uninstall(qapp, translators)
    wait_until(lambda: "No town matches “Atlantis”" in dialog.location_status.text(), 5)
