"""Text colours that carry meaning (an error, a success), readable in a light and a dark theme.

The window follows the desktop's palette, light or dark. A fixed red that reads well on a light
grey (#c62828, 5:1) is hard to read on a dark one (2.8:1), so each tone has a variant per
background, chosen from the palette in use when the text is shown: WCAG's 4.5:1 for normal
text holds for both against the window and the base colour (tests/ui/test_theme.py measures it).

The full-width bands (TRAINING, NOT LIVE, failed command) are another matter: they carry their
own background, so their colours are fixed on purpose (:mod:`console.ui.banners`).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QGuiApplication, QPalette


class Tone(StrEnum):
    #: Something is wrong and nothing was (or will be) sent.
    ALERT = "alert"
    #: It worked (a command was sent).
    OK = "ok"


_ON_LIGHT = {Tone.ALERT: "#c62828", Tone.OK: "#1b5e20"}
_ON_DARK = {Tone.ALERT: "#ff8a80", Tone.OK: "#81c784"}


def is_dark(palette: QPalette | None = None) -> bool:
    """A dark theme: the window's background is darker than its text."""
    palette = palette or QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()


def tone_colour(tone: Tone, palette: QPalette | None = None) -> QColor:
    return QColor((_ON_DARK if is_dark(palette) else _ON_LIGHT)[tone])


def tone_css(tone: Tone, palette: QPalette | None = None, *, bold: bool = True) -> str:
    """A label's style sheet for ``tone`` in the palette shown now."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {tone_colour(tone, palette).name()};{weight}"


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (none) to 21 (black on white)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
