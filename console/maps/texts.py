"""The map page's own words: legend titles, popup field names, buttons and layer names.

The page's script holds no English: it places these strings (with ``textContent``) from its
configuration (``styles.texts``) or from a ``texts`` delta. They are written as
``QCoreApplication.translate(context, "...")`` literally, because that is the form
``pyside6-lupdate`` collects for ``resources/i18n`` (``make i18n`` scans ``console/maps``), and
they are translated when :func:`page_texts` is called, so the language is the one of the
translator :mod:`console.ui.i18n` installed at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for ``pyside6-lupdate`` in ``context`` and returns it untranslated.

    For tables made at import, before any translator is installed; the code translates the
    entry with ``QCoreApplication.translate(context, text)`` when it uses it. PySide's own
    ``QT_TRANSLATE_NOOP`` does the same but is typed as returning ``object``.
    """
    return text


def page_texts() -> dict[str, object]:
    """Every fixed text of the page, keyed as ``map.js`` reads it (``T.<key>``)."""
    return {
        # The legend (its rows come with the styles, see console.maps.style).
        "legend": QCoreApplication.translate("MapLegend", "Legend"),
        "legendResponders": QCoreApplication.translate("MapLegend", "Responders (number = rank)"),
        "legendAeds": QCoreApplication.translate("MapLegend", "AEDs now"),
        "legendMission": QCoreApplication.translate("MapLegend", "Mission"),
        "legendCluster": QCoreApplication.translate(
            "MapLegend", "AED group: green share usable now"
        ),
        # The zoom buttons at the top left.
        "fitIncidents": QCoreApplication.translate("MapControls", "Incident"),
        "fitIncidentsTitle": QCoreApplication.translate("MapControls", "Zoom to the incident(s)"),
        "showAll": QCoreApplication.translate("MapControls", "All"),
        "showAllTitle": QCoreApplication.translate("MapControls", "Show everything on the map"),
        # Popup titles and field names.
        "patient": QCoreApplication.translate("MapPopup", "Patient"),
        "aed": QCoreApplication.translate("MapPopup", "AED"),
        "aedTitle": QCoreApplication.translate("MapPopup", "AED {id}"),
        "address": QCoreApplication.translate("MapPopup", "Address"),
        "note": QCoreApplication.translate("MapPopup", "Note"),
        "alertRadius": QCoreApplication.translate("MapPopup", "Alert radius"),
        "mission": QCoreApplication.translate("MapPopup", "Mission"),
        "rank": QCoreApplication.translate("MapPopup", "Rank"),
        "state": QCoreApplication.translate("MapPopup", "State"),
        "task": QCoreApplication.translate("MapPopup", "Task"),
        "distance": QCoreApplication.translate("MapPopup", "Distance"),
        "eta": QCoreApplication.translate("MapPopup", "ETA"),
        "now": QCoreApplication.translate("MapPopup", "Now"),
        "access": QCoreApplication.translate("MapPopup", "Access"),
        "hours": QCoreApplication.translate("MapPopup", "Hours"),
        "id": QCoreApplication.translate("MapPopup", "Id"),
        "noLongerKnown": QCoreApplication.translate("MapPopup", "No longer known"),
        "travelsBy": QCoreApplication.translate("MapPopup", "Travels by"),
        "alert": QCoreApplication.translate("MapPopup", "Alert"),
        "wouldAlert": QCoreApplication.translate(
            "MapPopup", "Among the nearest — would be alerted"
        ),
        "wouldNotAlert": QCoreApplication.translate("MapPopup", "Not among the nearest"),
        # The layer control's entries, by layer key (console.maps.shell.LAYERS).
        "layers": {
            "land": QCoreApplication.translate("MapLayers", "Land"),
            "tiles": QCoreApplication.translate("MapLayers", "Map tiles"),
            "towns": QCoreApplication.translate("MapLayers", "Town names"),
            "links": QCoreApplication.translate("MapLayers", "Routes"),
            "aeds": QCoreApplication.translate("MapLayers", "AEDs"),
            "runners": QCoreApplication.translate("MapLayers", "Runner preview"),
            "incidents": QCoreApplication.translate("MapLayers", "Incidents"),
            "responders": QCoreApplication.translate("MapLayers", "Responders"),
            "selection": QCoreApplication.translate("MapLayers", "Selection"),
        },
    }
