"""A new language applies at once: chosen in Settings…, the running window speaks it without a
restart — menus, actions and their tooltips, the training band, the mission panel, the tables'
headers and rows, the status bar, and the map page — and going back restores English."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QLabel
from ui_harness import console_running, page_json, pause, run, settle_map, wait_until

from console.domain.model import AgeGroup, LatLon
from console.ui.composition import Console
from console.ui.data_dirs import DataDirs
from console.ui.main_window import MainWindow
from console.ui.settings import ConsoleSettings, SettingsStore
from console.ui.settings_dialog import SettingsDialog

COPENHAGEN = LatLon(55.6761, 12.5683)
LEGEND = "document.querySelector('.amk-legend').textContent"

#: What the dispatcher reads, per language (from resources/i18n/amk_console_da.ts).
WORDS = {
    "en": {
        "menus": ["&Mission", "&View", "&Settings", "&Help"],
        "raise": "&Raise alert…",
        "raise_tip": "Raise a new alert at a location (F2)",
        "alert_more_tip": "Alert the next nearest responders, optionally in a wider radius (F3)",
        "title": "AMK Hjerteløber — dispatcher console — TRAINING",
        "banner": "TRAINING — SIMULATED",
        "counters": {"alerted": "Alerted", "accepted": "Accepted"},
        "list_headers": ["", "Address", "Patient", "Elapsed", "Accepted"],
        "timeline_headers": ["Time", "Event"],
        "responder_header": "Responder",
        "timeline_row": "Alert raised: Rådhuspladsen 1",
        "details": "Adult · raised",
        "labels": ["Open missions", "Timeline"],
        "clock": "Server clock",
        "legend": "Legend",
    },
    "da": {
        "menus": ["&Opgave", "&Vis", "&Indstillinger", "&Hjælp"],
        "raise": "&Udløs alarm…",
        "raise_tip": "Udløs en ny alarm på et sted (F2)",
        "alert_more_tip": (
            "Alarmér de næste nærmeste hjerteløbere, eventuelt i en større radius (F3)"
        ),
        "title": "AMK Hjerteløber — disponentkonsol — TRÆNING",
        "banner": "TRÆNING — SIMULERET",
        "counters": {"alerted": "Alarmeret", "accepted": "Accepteret"},
        "list_headers": ["", "Adresse", "Patient", "Forløbet", "Accepteret"],
        "timeline_headers": ["Tid", "Hændelse"],
        "responder_header": "Hjerteløber",
        "timeline_row": "Alarm udløst: Rådhuspladsen 1",
        "details": "Voksen · udløst",
        "labels": ["Åbne opgaver", "Tidslinje"],
        "clock": "Serverur",
        "legend": "Signaturforklaring",
    },
}


@pytest.fixture
def console(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    # English to start with, whatever the machine's own language.
    SettingsStore(DataDirs.for_user(tmp_path).settings_file).save(ConsoleSettings(language="en"))
    args = ["--simulate", "--world", "empty", "--data-dir", str(tmp_path)]
    with console_running(args, qapp) as running:
        wait_until(running.window.is_live, 30, "a live link")
        yield running


def raise_mission(console: Console) -> str:
    missions = console.services.missions
    entry = run(missions.raise_alert(COPENHAGEN, "Rådhuspladsen 1", AgeGroup.ADULT))
    mission_id = wait_until(
        lambda: (
            missions.commands[entry.key].mission_id in missions.open_missions
            and missions.commands[entry.key].mission_id
        ),
        20,
        "the mission",
    )
    return str(mission_id)


def choose_language(window: MainWindow, language: str) -> None:
    """Settings… → Language, as the dispatcher does it, then OK."""
    window.actions_["settings"].trigger()
    dialog = wait_until(
        lambda: isinstance(window.active_dialog, SettingsDialog) and window.active_dialog,
        10,
        "the settings dialog",
    )
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    dialog.accept()


def headers(model: QAbstractItemModel, count: int) -> list[str]:
    return [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(count)]


def speaks(window: MainWindow, lang: str) -> bool:
    """Every part is in ``lang`` (a condition to wait for: the change arrives as events)."""
    want = WORDS[lang]
    menus = [m.title() for m in (window.mission_menu, window.view_menu)]
    menus += [window.settings_menu.title(), window.help_menu.title()]
    return menus == want["menus"]


def wait_for_legend(window: MainWindow, lang: str) -> None:
    """The page's legend in ``lang`` (asked outside ``wait_until``: asking the page runs the
    loop itself)."""
    deadline = time.monotonic() + 20
    while WORDS[lang]["legend"] not in page_json(window.map, LEGEND):
        assert time.monotonic() < deadline, f"the map's legend in {lang}"
        pause(0.05)


def assert_speaks(window: MainWindow, mission_id: str, lang: str) -> None:
    want = WORDS[lang]
    actions = window.actions_
    assert window.windowTitle() == want["title"]
    assert actions["raise_alert"].text() == want["raise"]
    assert actions["raise_alert"].toolTip() == want["raise_tip"]
    assert actions["alert_more"].isEnabled()
    assert actions["alert_more"].toolTip() == want["alert_more_tip"]
    assert actions["raise_alert"].statusTip() == want["raise_tip"].rsplit(" (", 1)[0]
    assert window.training_banner is not None
    assert window.training_banner.text().startswith(want["banner"])
    for name, caption in want["counters"].items():
        assert window.panel.tiles[name].caption.text() == caption
    assert [window.missions_label.text(), window.timeline_label.text()] == want["labels"]
    assert headers(window.list_model, 5) == want["list_headers"]
    assert headers(window.timeline_model, 2) == want["timeline_headers"]
    assert headers(window.responder_model, 8)[1] == want["responder_header"]
    assert window.selected_mission_id == mission_id
    assert want["timeline_row"] in window.timeline_model.texts()
    row = window.timeline_model.texts().index(want["timeline_row"])
    assert window.timeline_model.index(row, 1).data() == want["timeline_row"]
    assert window.panel.details.text().startswith(want["details"])
    assert window.clock_label.text().startswith(want["clock"])
    legend = page_json(window.map, LEGEND)
    assert want["legend"] in legend


def test_the_language_changes_at_once_and_back(console: Console) -> None:
    window = console.window
    mission_id = raise_mission(console)
    wait_until(lambda: window.selected_mission_id == mission_id, 20, "the mission selected")
    wait_until(
        lambda: WORDS["en"]["timeline_row"] in window.timeline_model.texts(), 20, "its timeline"
    )
    assert_speaks(window, mission_id, "en")

    choose_language(window, "da")
    wait_until(lambda: speaks(window, "da"), 20, "the window in Danish")
    wait_for_legend(window, "da")
    assert_speaks(window, mission_id, "da")
    assert window.settings.language == "da"
    assert SettingsStore(console.dirs.settings_file).load().language == "da"
    settle_map(window.map)
    window.grab().save("/tmp/live_da.png")

    choose_language(window, "en")
    wait_until(lambda: speaks(window, "en"), 20, "the window in English again")
    wait_for_legend(window, "en")
    assert_speaks(window, mission_id, "en")


def test_the_settings_dialog_says_nothing_of_a_restart(qapp: QApplication) -> None:
    dialog = SettingsDialog(ConsoleSettings())
    try:
        assert all("started again" not in label.text() for label in dialog.findChildren(QLabel))
    finally:
        dialog.deleteLater()
