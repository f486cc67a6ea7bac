"""The selected mission's responders: who, how far, doing what, and when they should be there.

One row per responder by rank. ETAs come from :func:`console.ui.mission_view_model.eta_of`
(the domain's model); times since alert and acceptance tick with the server's clock. Those no
longer coming (declined, too far, abandoned, released) are greyed, not hidden: the dispatcher
must see that they said no.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from console.domain.model import Aed, Mission, Mode, Responder, ResponderState
from console.maps.payload import responder_look
from console.maps.style import RESPONDER_STYLES
from console.ui import texts
from console.ui.mission_view_model import ResponderRow, responder_rows
from console.ui.table_model import RowTableModel

RUNNER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def state_colour(responder: Responder) -> QColor:
    """The colour the map gives this responder's marker (its legend), for the state column."""
    return QColor(RESPONDER_STYLES[responder_look(responder)].colour)


_GONE = frozenset(
    {
        ResponderState.DECLINED,
        ResponderState.REJECTED_TOO_FAR,
        ResponderState.ABANDONED,
        ResponderState.RELEASED,
    }
)


class Column(IntEnum):
    RANK = 0
    ALIAS = 1
    DISTANCE = 2
    STATE = 3
    TASK = 4
    #: Time since the alert and since the acceptance, in one column: "2:10 / 1:40".
    SINCE = 5
    ETA_AED = 6
    ETA_PATIENT = 7


class ResponderTableModel(RowTableModel[ResponderRow, Column]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(Column, parent)
        self._mission: Mission | None = None
        self._now: datetime | None = None

    @property
    def mission(self) -> Mission | None:
        return self._mission

    def show(
        self,
        mission: Mission | None,
        aeds: Mapping[str, Aed],
        modes: Mapping[str, Mode],
        now: datetime,
    ) -> None:
        """Show ``mission``'s responders (None: empty); rows keep their place when ids match."""
        rows = [] if mission is None else responder_rows(mission, aeds, modes, now)
        same_ids = [r.responder.runner_id for r in rows] == [
            r.responder.runner_id for r in self._rows
        ]
        same_mission = (mission is None and self._mission is None) or (
            mission is not None and self._mission is not None and mission.id == self._mission.id
        )
        self._now = now
        self._mission = mission
        if same_ids and same_mission:
            self._rows = rows
            if rows:
                self.cells_changed(0, len(rows) - 1)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[ResponderRow]:
        return list(self._rows)

    def row_of(self, runner_id: str) -> int:
        for row, item in enumerate(self._rows):
            if item.responder.runner_id == runner_id:
                return row
        return -1

    def runner_id(self, row: int) -> str | None:
        return self._rows[row].responder.runner_id if 0 <= row < len(self._rows) else None

    # ------------------------------------------------------------------ Qt model

    def header(self, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                Column.RANK: self.tr("#"),
                Column.ALIAS: self.tr("Responder"),
                Column.DISTANCE: self.tr("Distance"),
                Column.STATE: self.tr("State"),
                Column.TASK: self.tr("Task / AED"),
                Column.SINCE: self.tr("Since alert / accept"),
                Column.ETA_AED: self.tr("ETA AED"),
                Column.ETA_PATIENT: self.tr("ETA patient"),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                Column.RANK: self.tr("Rank: 1 is the nearest when alerted"),
                Column.SINCE: self.tr("Time since the alert / since the acceptance"),
                Column.DISTANCE: self.tr("Straight-line distance to the patient when alerted"),
                Column.ETA_AED: self.tr("Expected arrival at the AED (estimate)"),
                Column.ETA_PATIENT: self.tr("Expected arrival at the patient (estimate)"),
            }.get(column)
        return None

    def cell(self, row: ResponderRow, column: Column, role: int) -> Any:
        responder = row.responder
        if role == RUNNER_ID_ROLE:
            return responder.runner_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.STATE:
            return state_colour(responder)
        if role == Qt.ItemDataRole.ForegroundRole and responder.state in _GONE:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.RANK,
            Column.DISTANCE,
            Column.SINCE,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: ResponderRow, column: Column) -> str:
        responder = row.responder
        now = self._now
        if column is Column.RANK:
            return str(responder.rank)
        if column is Column.ALIAS:
            return responder.alias
        if column is Column.DISTANCE:
            return texts.distance_text(responder.distance_m)
        if column is Column.STATE:
            return texts.state_label(responder.state)
        if column is Column.TASK:
            return texts.task_label(responder, row.aed)
        if now is None:
            return "—"
        if column is Column.SINCE:
            alerted = texts.duration_text((now - responder.alerted_at).total_seconds())
            if responder.accepted_at is None:
                return f"{alerted} / —"
            accepted = texts.duration_text((now - responder.accepted_at).total_seconds())
            return f"{alerted} / {accepted}"
        if column is Column.ETA_AED:
            return texts.eta_text(row.eta_aed, now)
        if responder.state is ResponderState.ARRIVED:
            return self.tr("Arrived {time}").format(time=texts.clock_text(responder.arrived_at))
        return texts.eta_text(row.eta_patient, now)
