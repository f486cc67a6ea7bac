"""Light and dark: the texts that carry meaning stay readable in both palettes (WCAG 4.5:1),
and an open raise dialog recolours them when the desktop switches theme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from console.ui.login_dialog import LoginDialog
from console.ui.theme import Tone, contrast_ratio, is_dark, tone_colour


def dark_palette() -> QPalette:
    """What a dark desktop theme hands Qt (Fusion's dark colours)."""
    palette = QPalette(QColor("#353535"), QColor("#2a2a2a"))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, QColor("#e6e6e6"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#242424"))
    return palette


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[QPalette]:
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    try:
        yield qapp.palette()
    finally:
        qapp.setPalette(before)


def test_the_light_palette_is_not_dark(qapp: QApplication) -> None:
    assert not is_dark(qapp.palette())
    assert is_dark(dark_palette())


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_tones_are_readable_on_window_and_base(qapp: QApplication, tone: Tone, theme: str) -> None:
    palette = dark_palette() if theme == "dark" else qapp.style().standardPalette()
    colour = tone_colour(tone, palette)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast_ratio(colour, palette.color(role)) >= 4.5, (tone, theme, role)


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    # The old fixed red on a dark window: the reason for the dark variant.
    assert contrast_ratio(QColor("#c62828"), QColor("#353535")) < 3.0


def test_login_error_in_a_dark_theme(dark: QPalette) -> None:
    dialog = LoginDialog("https://amk.example", "anna")
    try:
        dialog.show_error("Wrong user name or password.")
        assert tone_colour(Tone.ALERT, dark).name() in dialog.error.styleSheet()
    finally:
        dialog.deleteLater()
