"""The map in Danish and in English: every word on the page follows the installed translator.

The application builds its map view before the translator is installed (the page loads while
the rest starts), so the page's words must also arrive after it: on ``LanguageChange`` the view
sends a ``texts`` delta (:func:`console.maps.payload.texts_op`) and makes every item it shows
again, so the page and its popups are in the chosen language at once; a reloaded page gets the
words first. A view built after the translator has them in its configuration from the start.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import map_scene as scene
import pytest
from map_harness import (
    LogProblems,
    close_view,
    js_json,
    open_view,
    page_state,
    run_js,
    wait_until,
)
from PySide6.QtCore import QEvent, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from console.domain.model import Aed, AedAccess, AedStatus
from console.maps import MapView
from console.ui import i18n

_AEDS = (
    Aed("aed-a", 55.7105, 12.4662, "Husumvej 2", AedAccess.ALWAYS, "24/7", AedStatus.AVAILABLE),
    Aed(
        "aed-b",
        55.7090,
        12.4630,
        "Husum Skole",
        AedAccess.LIMITED,
        "Mo-Fr 08:00-16:00",
        AedStatus.AVAILABLE,
    ),
)

#: What the dispatcher reads, per language: (legend, buttons, layer names, popups by kind).
EXPECTED = {
    "da": {
        "legend": [
            "Signaturforklaring",
            "Hjerteløbere (tal = rækkefølge)",
            "Alarmeret, intet svar endnu",
            "Accepteret → henter hjertestarter",
            "Hjertestartere lige nu",
            "Hjertestarter tilgængelig døgnet rundt",
            "Hjertestarter ude af drift",
            "Patient, alarmradius",
            "Gruppe af hjertestartere",
        ],
        "actions": [
            ["Opgave", "Zoom ind på opgaven (eller alle opgaver)"],
            ["Alt", "Vis alt på kortet"],
        ],
        "layers": ["Bynavne", "Ruter", "Hjertestartere", "Opgaver", "Hjerteløbere"],
        "responder": ["Rækkefølge", "Status", "Opgave", "Afstand", "ETA"],
        "incident": ["Patient", "Adresse", "Note", "Alarmradius", "5,0 km", "Opgave"],
        "aed": ["Hjertestarter aed-a", "Adresse", "Nu", "Tilgængelig døgnet rundt", "Døgnåben"],
        "runner": ["Afstand", "Transport", "Til fods", "Alarm", "Blandt de nærmeste"],
        "english": ["Legend", "Responders", "Alerted", "Address", "Distance", "Routes"],
    },
    "en": {
        "legend": [
            "Legend",
            "Responders (number = rank)",
            "Alerted, no answer yet",
            "Accepted → fetching AED",
            "AEDs now",
            "AED available 24/7",
            "AED out of service",
            "Patient, alert radius",
            "AED group",
        ],
        "actions": [["Incident", "Zoom to the incident(s)"], ["All", "Show everything on the map"]],
        "layers": ["Town names", "Routes", "AEDs", "Incidents", "Responders"],
        "responder": ["Rank", "State", "Task", "Distance", "ETA"],
        "incident": ["Patient", "Address", "Note", "Alert radius", "5.0 km", "Mission"],
        "aed": ["AED aed-a", "Address", "Now", "Available 24/7", "24/7"],
        "runner": ["Distance", "Travels by", "On foot", "Alert", "Among the nearest"],
        "english": [],
    },
}

LEGEND = "document.querySelector('.amk-legend').textContent"
ACTIONS = (
    "Array.from(document.querySelectorAll('.amk-action')).map(function (a) {"
    " return [a.textContent, a.title]; })"
)
LAYERS = (
    "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
    ".map(function (l) { return l.textContent.trim(); })"
)


Install = Callable[[str], None]


@pytest.fixture
def install(qapp: QApplication, tmp_path: Path) -> Iterator[Install]:
    """``install(lang)`` installs the console's translators; they are removed after the test."""
    installed: list[QTranslator] = []

    def install_language(lang: str) -> None:
        got, translators = i18n.install(qapp, lang, tmp_path)
        assert got == lang
        installed.extend(translators)

    yield install_language
    i18n.uninstall(qapp, installed)


def _show_everything(view: MapView) -> scene.Mission:
    mission = scene.mission("m-i18n", aeds=_AEDS)
    view.set_aeds(_AEDS, scene.NIGHT)
    view.set_mission(mission)
    view.show_runner_preview(
        scene.PATIENT.lat, scene.PATIENT.lon, 5000, [scene.runner("i18n-1", 55.711, 12.466)]
    )
    return mission


def _popup(view: MapView, kind: str, item_id: str, mission_id: str = "") -> str:
    args = ", ".join(json.dumps(a) for a in (kind, item_id, mission_id))
    assert run_js(view, f"AMK.openPopup({args})") is True
    text = run_js(view, "AMK.popupText()")
    run_js(view, "document.querySelector('.leaflet-popup-close-button').click()")
    return str(text)


def _assert_page_in(view: MapView, lang: str, *, shown: scene.Mission | None = None) -> None:
    """The page's words and its popups in ``lang``; the items are sent now unless ``shown``
    (then the ones on the page already are read)."""
    want = EXPECTED[lang]
    legend = run_js(view, LEGEND)
    for text in want["legend"]:
        assert text in legend, (lang, text, legend)
    assert js_json(view, ACTIONS) == want["actions"]
    layers = js_json(view, LAYERS)
    assert set(want["layers"]) <= set(layers), layers
    mission = shown or _show_everything(view)
    popups = {
        "responder": _popup(view, "responder", mission.responders[0].runner_id, mission.id),
        "incident": _popup(view, "incident", mission.id, mission.id),
        "aed": _popup(view, "aed", "aed-a"),
        "runner": _popup(view, "runner", "i18n-1"),
    }
    for kind, text in popups.items():
        for word in want[kind]:
            assert word in text, (lang, kind, word, text)
    everything = legend + " ".join(layers) + " ".join(popups.values())
    for english in want["english"]:
        assert english not in everything, (lang, english)
    if shown is None:
        view.clear_mission(mission.id)
        view.clear_runner_preview()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_map_built_after_the_translator_speaks_its_language(
    install: Install, map_problems: LogProblems, lang: str
) -> None:
    install(lang)
    view = open_view()
    try:
        _assert_page_in(view, lang)
    finally:
        close_view(view)
    assert not map_problems.take()


class _LanguageChanges(QObject):
    """Counts the ``LanguageChange`` events the view got (it handles them itself)."""

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self.seen = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.seen += 1
        return False


def _language_changed(view: MapView) -> _LanguageChanges:
    hook = _LanguageChanges(view)
    view.installEventFilter(hook)
    return hook


def test_a_map_built_before_the_translator_takes_its_words_on_the_language_change(
    install: Install, map_problems: LogProblems
) -> None:
    view = open_view()  # as the application does: the page loads before the translator
    try:
        hook = _language_changed(view)
        assert "Responders (number = rank)" in run_js(view, LEGEND)
        collapsed = run_js(view, "document.querySelector('.amk-legend').className")
        install("da")  # Qt sends LanguageChange to every top-level widget
        wait_until(lambda: hook.seen > 0, what="the LanguageChange event")
        _assert_page_in(view, "da")
        assert run_js(view, "document.querySelector('.amk-legend').className") == collapsed
        assert run_js(view, "document.querySelectorAll('.amk-legend').length") == 1
        assert run_js(view, "document.querySelectorAll('.amk-actions').length") == 1
    finally:
        close_view(view)
    assert not map_problems.take()


def test_items_shown_before_a_language_change_are_made_again_in_the_new_language(
    install: Install, map_problems: LogProblems
) -> None:
    view = open_view()
    try:
        hook = _language_changed(view)
        mission = _show_everything(view)
        moved = mission.responders[0]
        view.update_responder_positions(mission.id, [(moved.runner_id, 55.7123, 12.4711)])
        _assert_page_in(view, "en", shown=mission)
        install("da")
        wait_until(lambda: hook.seen > 0, what="the LanguageChange event")
        _assert_page_in(view, "da", shown=mission)
        # Made again from the responders, but where they were last moved to, not back.
        wait_until(lambda: page_state(view)["pendingMoves"] == 0, what="the moves applied")
        rider = page_state(view)["missions"][mission.id][moved.runner_id]
        assert (rider["lat"], rider["lon"]) == pytest.approx((55.7123, 12.4711))
    finally:
        close_view(view)
    assert not map_problems.take()


def test_a_reloaded_page_gets_the_words_of_the_language_installed_now(
    install: Install, map_problems: LogProblems
) -> None:
    """After a renderer crash the page is loaded with the configuration the view was built
    with (English here); the replay sends the words first, so it comes back in Danish."""
    view = open_view()
    try:
        hook = _language_changed(view)
        install("da")
        wait_until(lambda: hook.seen > 0, what="the LanguageChange event")
        mission = _show_everything(view)
        view.reload()
        wait_until(lambda: view.is_ready, 20.0, "the reloaded page")
        _assert_page_in(view, "da", shown=mission)
    finally:
        close_view(view)
    assert not map_problems.take()


@pytest.mark.parametrize("kind", ["incident", "responder", "aed"])
def test_a_popup_open_at_the_language_change_speaks_the_new_language(
    install: Install, map_problems: LogProblems, kind: str
) -> None:
    view = open_view()
    try:
        hook = _language_changed(view)
        mission = _show_everything(view)
        item = {
            "incident": (mission.id, mission.id),
            "responder": (mission.responders[0].runner_id, mission.id),
            "aed": ("aed-a", ""),
        }[kind]
        args = ", ".join(json.dumps(a) for a in (kind, *item))
        assert run_js(view, f"AMK.openPopup({args})") is True
        before = str(run_js(view, "AMK.popupText()"))
        install("da")
        wait_until(lambda: hook.seen > 0, what="the LanguageChange event")
        wait_until(
            lambda: all(w in str(run_js(view, "AMK.popupText()")) for w in EXPECTED["da"][kind]),
            what=f"the open {kind} popup in Danish (it said {before!r})",
        )
    finally:
        close_view(view)
    assert not map_problems.take()
