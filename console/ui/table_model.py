"""A flat Qt table over a list of rows: the counts, the header and the cells by role.

The console's tables (the missions, the selected mission's responders, its timeline) are each a
list of rows under a fixed set of columns, an ``IntEnum``. :class:`RowTableModel` answers Qt's
questions about the shape of such a table; a subclass keeps its rows in ``_rows`` (inserting
and removing them between the ``begin…``/``end…`` calls as usual), says what a header shows
with :meth:`header` and what a cell shows with :meth:`cell`, both given the column's member.
Both are asked each time Qt asks, so the subclass's ``self.tr`` calls stay in its own
translation context and follow a change of language: on ``QEvent.LanguageChange`` (which a
widget passes on to its child objects, so a model parented to the window gets it) the model
tells its views that the header and every cell changed, and they ask again.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

R = TypeVar("R")
C = TypeVar("C", bound=IntEnum)

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel, Generic[R, C]):
    """Rows of type ``R`` in ``_rows`` under the members of ``columns`` (0, 1, … in order);
    no children: a table, not a tree."""

    def __init__(self, columns: type[C], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[C] = sorted(columns)
        if [int(c) for c in self._columns] != list(range(len(self._columns))):
            raise ValueError(f"the columns of {columns.__name__} must be numbered 0, 1, 2, …")
        self._rows: list[R] = []

    # ------------------------------------------------------------------ for subclasses

    def header(self, column: C, role: int) -> Any:
        """What the header of ``column`` shows for ``role``; None: nothing (the default)."""
        return None

    #: Every table's own: what ``column`` of ``row`` shows for ``role``; None: nothing.
    cell: Callable[[R, C, int], Any]

    def cells_changed(
        self, first_row: int, last_row: int, first_column: int = 0, last_column: int | None = None
    ) -> None:
        """Tell the views that these cells changed (every column unless told)."""
        last = len(self._columns) - 1 if last_column is None else last_column
        self.dataChanged.emit(self.index(first_row, first_column), self.index(last_row, last))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return super().event(event)

    def _retranslate(self) -> None:
        """The header and the cells again, in the language installed now."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        self.redraw()

    def redraw(self) -> None:
        """Every cell again: what they show is read from something that changed beside the
        rows (the language, the AED register)."""
        if self._rows:
            self.cells_changed(0, len(self._rows) - 1)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        return self.header(self._columns[section], role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], self._columns[index.column()], role)
