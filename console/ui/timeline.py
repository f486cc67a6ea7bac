"""The selected mission's timeline: every event but position updates, with its server time.

Position updates arrive every few seconds per responder and would bury what matters (accepted,
declined, arrived); the map shows movement instead. Text from the server (addresses, messages,
reasons) goes into the model as data, so the view shows it as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from console.domain.model import Aed, Event, EventType
from console.ui import texts
from console.ui.table_model import RowTableModel


class Column(IntEnum):
    TIME = 0
    EVENT = 1


def shown(event: Event) -> bool:
    return event.type is not EventType.RUNNER_POSITION


class TimelineModel(RowTableModel[Event, Column]):
    def __init__(
        self, aeds: Mapping[str, Aed] | None = None, parent: QObject | None = None
    ) -> None:
        """``aeds``: the AED register, read as each line is drawn (AEDs by their address)."""
        super().__init__(Column, parent)
        self._aeds = aeds
        self._mission_id: str | None = None
        self._aliases: dict[str, str] = {}

    @property
    def mission_id(self) -> str | None:
        return self._mission_id

    def show(self, mission_id: str | None, events: Iterable[Event]) -> None:
        self.beginResetModel()
        self._mission_id = mission_id
        self._rows = []
        self._aliases = {}
        self._take(events)
        self.endResetModel()

    def append(self, mission_id: str, events: Iterable[Event]) -> None:
        if mission_id != self._mission_id:
            return
        new = [e for e in events if shown(e)]
        self._learn_aliases(events)
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()

    def texts(self) -> list[str]:
        """The timeline as the dispatcher reads it (for tests and the accessible summary)."""
        return [self._text(event) for event in self._rows]

    def _take(self, events: Iterable[Event]) -> None:
        events = list(events)
        self._learn_aliases(events)
        self._rows = [e for e in events if shown(e)]

    def _learn_aliases(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.type is EventType.RUNNER_ALERTED:
                runner = event.data.get("runner_id")
                alias = event.data.get("alias")
                if isinstance(runner, str) and isinstance(alias, str):
                    self._aliases[runner] = alias

    def _text(self, event: Event) -> str:
        return texts.event_text(event.type, dict(event.data), self._aliases, self._aeds)

    # ------------------------------------------------------------------ Qt model

    def header(self, column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.tr("Time") if column is Column.TIME else self.tr("Event")

    def cell(self, event: Event, column: Column, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column is Column.TIME:
            return texts.clock_text(event.at)
        return self._text(event)
