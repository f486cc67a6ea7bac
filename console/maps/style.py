"""How everything on the map looks: one shape *and* one colour per meaning, in one place.

About one man in twelve cannot tell red from green, and a dispatcher glancing at the map at 3 a.m.
must still read it right, so every state gets a distinct shape as well as a colour from the
Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), chosen to stay apart under all
three common colour-vision deficiencies. The page's script draws the shapes and builds the legend
from this table (it is sent in the page's configuration), so the legend can never disagree with
the markers.

The legend's words are written ``QT_TRANSLATE_NOOP("MapLegend", ...)`` so ``pyside6-lupdate``
collects them; :meth:`MarkerStyle.to_json` translates them when the page's configuration or a
``texts`` delta is made, so they follow the translator installed at start-up
(:mod:`console.ui.i18n`), not the one of the moment this module was imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PySide6.QtCore import QCoreApplication

from console.maps.texts import QT_TRANSLATE_NOOP, page_texts

# The translation context of the legend rows (``resources/i18n/amk_console_da.ts``).
LEGEND_CONTEXT: Final = "MapLegend"


class OkabeIto(StrEnum):
    """The eight colours of the Okabe–Ito palette (black is replaced by a light grey at night)."""

    ORANGE = "#E69F00"
    SKY_BLUE = "#56B4E9"
    BLUISH_GREEN = "#009E73"
    YELLOW = "#F0E442"
    BLUE = "#0072B2"
    VERMILLION = "#D55E00"
    REDDISH_PURPLE = "#CC79A7"
    GREY = "#9A9A9A"


class Shape(StrEnum):
    """Marker outlines the page knows how to draw (``map.js``: ``SHAPES``)."""

    RING = "ring"
    TRIANGLE = "triangle"
    DIAMOND = "diamond"
    SQUARE = "square"
    STAR = "star"
    CROSS = "cross"
    DOT = "dot"
    BADGE = "badge"


class Glyph(StrEnum):
    """The symbol inside an AED badge, the non-colour cue for its availability."""

    BOLT = "bolt"
    CLOCK = "clock"
    LOCK = "lock"
    HAND = "hand"
    CROSS = "cross"


@dataclass(frozen=True, slots=True)
class MarkerStyle:
    """One legend row: what is drawn and what the dispatcher reads next to it.

    ``faded`` marks responders who are no longer coming; they stay visible (the dispatcher may
    want to call them back) but recede. ``filled`` false draws only the outline: an AED that
    cannot be used now is hollow, so "usable or not" reads even without colour.
    """

    shape: Shape
    colour: str
    # The English source text; :meth:`text` is what the dispatcher reads.
    label: str
    faded: bool = False
    filled: bool = True
    glyph: Glyph | None = None

    def text(self) -> str:
        """The label in the language of the installed translator."""
        return QCoreApplication.translate(LEGEND_CONTEXT, self.label)

    def to_json(self) -> dict[str, object]:
        return {
            "shape": self.shape.value,
            "colour": self.colour,
            "label": self.text(),
            "faded": self.faded,
            "filled": self.filled,
            "glyph": None if self.glyph is None else self.glyph.value,
        }


class ResponderLook(StrEnum):
    """The visual classes of responders (several contract states may share one)."""

    ALERTED = "alerted"
    TO_AED = "to_aed"
    TO_PATIENT = "to_patient"
    AED_COLLECTED = "aed_collected"
    ARRIVED = "arrived"
    OUT = "out"


RESPONDER_STYLES: Final[dict[ResponderLook, MarkerStyle]] = {
    ResponderLook.ALERTED: MarkerStyle(
        Shape.RING, OkabeIto.SKY_BLUE, QT_TRANSLATE_NOOP("MapLegend", "Alerted, no answer yet")
    ),
    ResponderLook.TO_AED: MarkerStyle(
        Shape.TRIANGLE, OkabeIto.ORANGE, QT_TRANSLATE_NOOP("MapLegend", "Accepted → fetching AED")
    ),
    ResponderLook.TO_PATIENT: MarkerStyle(
        Shape.DIAMOND,
        OkabeIto.YELLOW,
        QT_TRANSLATE_NOOP("MapLegend", "Accepted → going to patient"),
    ),
    ResponderLook.AED_COLLECTED: MarkerStyle(
        Shape.SQUARE,
        OkabeIto.BLUISH_GREEN,
        QT_TRANSLATE_NOOP("MapLegend", "AED collected, on the way"),
    ),
    ResponderLook.ARRIVED: MarkerStyle(
        Shape.STAR, OkabeIto.REDDISH_PURPLE, QT_TRANSLATE_NOOP("MapLegend", "Arrived")
    ),
    ResponderLook.OUT: MarkerStyle(
        Shape.CROSS,
        OkabeIto.GREY,
        QT_TRANSLATE_NOOP("MapLegend", "Declined, too far, abandoned or released"),
        faded=True,
    ),
}

# Keyed by :class:`console.domain.opening_hours.AedAvailability` values.
AED_STYLES: Final[dict[str, MarkerStyle]] = {
    "always": MarkerStyle(
        Shape.BADGE,
        OkabeIto.BLUISH_GREEN,
        QT_TRANSLATE_NOOP("MapLegend", "AED available 24/7"),
        glyph=Glyph.BOLT,
    ),
    "open_now": MarkerStyle(
        Shape.BADGE,
        OkabeIto.SKY_BLUE,
        QT_TRANSLATE_NOOP("MapLegend", "AED open now (limited hours)"),
        glyph=Glyph.CLOCK,
    ),
    "closed_now": MarkerStyle(
        Shape.BADGE,
        OkabeIto.ORANGE,
        QT_TRANSLATE_NOOP("MapLegend", "AED closed now"),
        filled=False,
        glyph=Glyph.LOCK,
    ),
    "taken": MarkerStyle(
        Shape.BADGE,
        OkabeIto.REDDISH_PURPLE,
        QT_TRANSLATE_NOOP("MapLegend", "AED taken"),
        filled=False,
        glyph=Glyph.HAND,
    ),
    "out_of_service": MarkerStyle(
        Shape.BADGE,
        OkabeIto.GREY,
        QT_TRANSLATE_NOOP("MapLegend", "AED out of service"),
        filled=False,
        glyph=Glyph.CROSS,
    ),
}

INCIDENT_STYLE: Final = MarkerStyle(
    Shape.DOT, OkabeIto.VERMILLION, QT_TRANSLATE_NOOP("MapLegend", "Patient, alert radius")
)
RUNNER_STYLE: Final = MarkerStyle(
    Shape.DOT, "#E8E8E8", QT_TRANSLATE_NOOP("MapLegend", "Active runner (preview)")
)

#: The night basemap: dark water, slightly lighter land, so markers carry the contrast.
BASEMAP_COLOURS: Final[dict[str, str]] = {
    "water": "#0B1520",
    "land": "#1B2631",
    "coast": "#3A4A5A",
    "label": "#AEB8C2",
    "label_halo": "#0B1520",
}


def page_styles() -> dict[str, object]:
    """The style table as the page's configuration carries it (with the legend's order).

    The configuration goes through JSON with sorted keys, so the order is sent explicitly. It
    carries the page's other words too (``texts``: legend titles, popup fields, buttons, layer
    names), in the language of the translator installed now.
    """
    return {
        "responder_order": [look.value for look in RESPONDER_STYLES],
        "aed_order": list(AED_STYLES),
        "responders": {look.value: style.to_json() for look, style in RESPONDER_STYLES.items()},
        "aeds": {key: style.to_json() for key, style in AED_STYLES.items()},
        "incident": INCIDENT_STYLE.to_json(),
        "runner": RUNNER_STYLE.to_json(),
        "basemap": dict(BASEMAP_COLOURS),
        "texts": page_texts(),
    }
