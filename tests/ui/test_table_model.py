"""The base of the console's tables: counts, headers and cells by role, change signals, and
Qt's own model checks on it and on the three tables built on it."""

from __future__ import annotations

from datetime import timedelta
from enum import IntEnum
from typing import Any

import pytest
from missions_for_tests import T0, mission, responder
from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from console.domain.model import Event, EventType, ResponderState
from console.ui.mission_list import MissionListModel
from console.ui.responder_table import ResponderTableModel
from console.ui.table_model import RowTableModel
from console.ui.timeline import TimelineModel

D = Qt.ItemDataRole.DisplayRole
TIP = Qt.ItemDataRole.ToolTipRole


class Column(IntEnum):
    NAME = 0
    SIZE = 1


class Sizes(RowTableModel[tuple[str, int], Column]):
    """What a subclass writes: its rows, a header and a cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(Column, parent)
        self.asked: list[tuple[Column, int]] = []

    def add(self, name: str, size: int) -> None:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append((name, size))
        self.endInsertRows()

    def drop_first(self) -> None:
        self.beginRemoveRows(QModelIndex(), 0, 0)
        del self._rows[0]
        self.endRemoveRows()

    def header(self, column: Column, role: int) -> Any:
        if role == D:
            return column.name.title()
        return "tip" if role == TIP and column is Column.SIZE else None

    def cell(self, row: tuple[str, int], column: Column, role: int) -> Any:
        self.asked.append((column, role))
        if role != D:
            return None
        return row[0] if column is Column.NAME else str(row[1])


def test_counts_follow_the_rows_and_a_table_has_no_children(qapp: QApplication) -> None:
    model = Sizes()
    assert (model.rowCount(), model.columnCount()) == (0, 2)
    model.add("a", 1)
    model.add("b", 22)
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    child_of = model.index(0, 0)
    assert (model.rowCount(child_of), model.columnCount(child_of)) == (0, 0)


def test_cells_get_the_row_the_column_member_and_the_role(qapp: QApplication) -> None:
    model = Sizes()
    model.add("a", 1)
    model.add("b", 22)
    assert model.data(model.index(1, Column.SIZE), D) == "22"
    assert model.data(model.index(0, Column.NAME)) == "a"  # DisplayRole by default
    assert model.asked[0] == (Column.SIZE, D)
    assert type(model.asked[0][0]) is Column
    assert model.data(model.index(0, Column.NAME), TIP) is None
    model.asked.clear()
    assert model.data(model.index(5, 0), D) is None  # no such row: the subclass is not asked
    assert model.data(QModelIndex(), D) is None
    assert model.asked == []


def test_headers_horizontal_only_by_role_and_in_range(qapp: QApplication) -> None:
    model = Sizes()
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    assert model.headerData(0, horizontal, D) == "Name"
    assert model.headerData(1, horizontal) == "Size"
    assert model.headerData(1, horizontal, TIP) == "tip"
    assert model.headerData(0, horizontal, TIP) is None
    assert model.headerData(0, vertical, D) is None
    assert model.headerData(2, horizontal, D) is None
    assert model.headerData(-1, horizontal, D) is None


def test_cells_changed_names_the_whole_row_or_the_columns_given(qapp: QApplication) -> None:
    model = Sizes()
    for name in "abc":
        model.add(name, 1)
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles=(): changed.append(
            (top.row(), top.column(), bottom.row(), bottom.column())
        )
    )
    model.cells_changed(1, 1)
    model.cells_changed(0, 2, Column.SIZE, Column.SIZE)
    assert changed == [(1, 0, 1, 1), (0, 1, 2, 1)]


def test_the_columns_must_be_numbered_from_0(qapp: QApplication) -> None:
    class Gappy(IntEnum):
        FIRST = 0
        THIRD = 2

    with pytest.raises(ValueError, match="numbered 0, 1, 2"):
        RowTableModel[str, Gappy](Gappy)


def test_qt_finds_nothing_wrong_with_the_base(
    qapp: QApplication, qtmodeltester: ModelTester
) -> None:
    model = Sizes()
    qtmodeltester.check(model, force_py=True)
    model.add("a", 1)
    model.add("b", 2)
    model.drop_first()
    assert model.rowCount() == 1


def test_qt_finds_nothing_wrong_with_the_three_tables(
    qapp: QApplication, qtmodeltester: ModelTester
) -> None:
    missions = MissionListModel()
    qtmodeltester.check(missions, force_py=True)
    missions.tick(T0 + timedelta(seconds=90))
    missions.put(mission(responder(1), responder(2, ResponderState.ACCEPTED, accepted_s=10)))
    missions.put(mission(responder(1), mission_id="m2", created=T0 + timedelta(seconds=30)))
    missions.mark_unseen("m1")
    missions.tick(T0 + timedelta(seconds=91))
    missions.remove("m2")

    responders = ResponderTableModel()
    qtmodeltester.check(responders, force_py=True)
    shown = mission(responder(1), responder(2, ResponderState.DECLINED))
    responders.show(shown, {}, {}, T0 + timedelta(seconds=60))
    responders.show(shown, {}, {}, T0 + timedelta(seconds=61))
    responders.show(None, {}, {}, T0 + timedelta(seconds=62))

    timeline = TimelineModel()
    qtmodeltester.check(timeline, force_py=True)
    created = Event(1, EventType.MISSION_CREATED, T0, "m1", {"address": "Vesterbrogade 1"})
    timeline.show("m1", [created])
    closed = Event(2, EventType.MISSION_CLOSED, T0, "m1", {"outcome": "ems_on_scene", "by": "d"})
    timeline.append("m1", [closed])
    assert timeline.rowCount() == 2
