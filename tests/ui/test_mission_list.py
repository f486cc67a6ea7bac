"""The mission list model: newest first, ticking elapsed times, the ⚠ and ● marks."""

from __future__ import annotations

from datetime import timedelta

from missions_for_tests import T0, mission, responder
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_theme import dark_palette

from console.domain.model import ResponderState
from console.ui.mission_list import Column, MissionListModel
from console.ui.theme import Tone, tone_colour

D = Qt.ItemDataRole.DisplayRole


def text(model: MissionListModel, row: int, column: Column) -> str:
    return str(model.data(model.index(row, column), D))


def test_rows_newest_first_with_elapsed_and_counts(qapp: QApplication) -> None:
    model = MissionListModel()
    model.tick(T0 + timedelta(seconds=125))
    model.put(mission(responder(1), mission_id="old", address="Gammel Torv 1"))
    model.put(
        mission(
            responder(1, ResponderState.ACCEPTED, accepted_s=5),
            responder(2),
            mission_id="new",
            created=T0 + timedelta(seconds=60),
            address="<b>Ny</b> Torv 2",
        )
    )
    assert model.mission_ids() == ["new", "old"]
    assert text(model, 0, Column.ADDRESS) == "<b>Ny</b> Torv 2"  # plain text, as typed
    assert text(model, 0, Column.ELAPSED) == "1:05"
    assert text(model, 1, Column.ELAPSED) == "2:05"
    assert text(model, 0, Column.ACCEPTED) == "1/2"
    model.remove("new")
    assert model.mission_ids() == ["old"]


def test_attention_after_60_s_and_its_signal(qapp: QApplication, qtbot: QtBot) -> None:
    model = MissionListModel()
    model.configure(after_s=60, min_accepted=2)
    model.tick(T0 + timedelta(seconds=30))
    model.put(mission(responder(1), responder(2)))
    assert not model.needs_attention("m1")
    with qtbot.waitSignal(model.attention_raised) as raised:
        model.tick(T0 + timedelta(seconds=61))
    assert raised.args == ["m1"]
    assert text(model, 0, Column.MARK) == "⚠"
    accepted = model.index(0, Column.ACCEPTED)
    assert model.data(accepted, Qt.ItemDataRole.ForegroundRole) == tone_colour(Tone.ALERT)
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    try:  # a dark desktop: the lighter red, readable on a dark list
        assert model.data(accepted, Qt.ItemDataRole.ForegroundRole).name() == (
            tone_colour(Tone.ALERT, dark_palette()).name()
        )
    finally:
        qapp.setPalette(before)
    assert "Fewer than 2 accepted after 60 s" in str(
        model.data(model.index(0, Column.MARK), Qt.ItemDataRole.ToolTipRole)
    )
    model.put(
        mission(
            responder(1, ResponderState.ACCEPTED, accepted_s=70),
            responder(2, ResponderState.ACCEPTED, accepted_s=71),
        )
    )
    assert not model.needs_attention("m1")


def test_unseen_mark_is_bold_until_seen(qapp: QApplication) -> None:
    model = MissionListModel()
    model.put(mission(responder(1)))
    model.mark_unseen("m1")
    assert text(model, 0, Column.MARK) == "●"
    assert model.data(model.index(0, Column.ADDRESS), Qt.ItemDataRole.FontRole).bold()
    model.mark_seen("m1")
    assert text(model, 0, Column.MARK) == ""
    assert model.data(model.index(0, Column.ADDRESS), Qt.ItemDataRole.FontRole) is None
