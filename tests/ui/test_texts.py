"""How numbers and times read: distances, stopwatch durations, local clock, ETAs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QApplication

from console.ui import texts

T0 = datetime(2025, 1, 15, 22, 30, tzinfo=UTC)  # winter: 23:30 in Copenhagen


def test_distances_in_english_and_danish(qapp: QApplication) -> None:
    assert texts.distance_text(847) == "850 m"
    assert texts.distance_text(1234) == "1.2 km"
    assert texts.distance_text(None) == "—"
    assert texts.distance_text(-1) == "—"
    texts.use_number_language("da")
    try:
        assert texts.distance_text(1234) == "1,2 km"
    finally:
        texts.use_number_language("en")


def test_durations_and_clock(qapp: QApplication) -> None:
    assert texts.duration_text(45) == "0:45"
    assert texts.duration_text(725.9) == "12:05"
    assert texts.duration_text(3729) == "1:02:09"
    assert texts.duration_text(-3) == "0:00"
    assert texts.clock_text(T0) == "23:30:00"
    assert texts.eta_text(T0 + timedelta(seconds=220), T0) == "≈ 23:33 (3:40)"
    assert texts.eta_text(T0, T0 + timedelta(seconds=5)) == "≈ 23:30 (due)"
    assert texts.eta_text(None, T0) == "—"
