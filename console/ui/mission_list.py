"""The list of open missions: address, patient, elapsed time, accepted/alerted, and a mark.

The mark column says why a mission wants attention: ``⚠`` when fewer than the configured number
accepted in time (the dispatcher should alert more), ``●`` when something happened on a mission
that is not the selected one. Rows are newest first; elapsed times tick once a second.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont

from console.domain.model import Mission
from console.ui import texts
from console.ui.mission_view_model import accepted_count, needs_more
from console.ui.table_model import RowTableModel
from console.ui.theme import Tone, tone_colour

MISSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    MARK = 0
    ADDRESS = 1
    PATIENT = 2
    ELAPSED = 3
    ACCEPTED = 4


class MissionListModel(RowTableModel[str, Column]):
    """One row per open mission; a row is the mission's id, its mission in ``_missions``."""

    #: A mission has just started to need attention (too few accepted in time).
    attention_raised = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(Column, parent)
        self._missions: dict[str, Mission] = {}
        self._unseen: set[str] = set()
        self._attention: set[str] = set()
        self._now: datetime | None = None
        self._after_s = 60.0
        self._min_accepted = 2

    # ------------------------------------------------------------------ feeding

    def configure(self, *, after_s: float, min_accepted: int) -> None:
        self._after_s = after_s
        self._min_accepted = min_accepted
        self._recompute_attention()

    def put(self, mission: Mission) -> None:
        if mission.id in self._missions:
            self._missions[mission.id] = mission
            self._update_attention(mission.id)
            self._row_changed(mission.id)
            return
        row = self._insert_row(mission)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, mission.id)
        self._missions[mission.id] = mission
        self._update_attention(mission.id)
        self.endInsertRows()

    def remove(self, mission_id: str) -> None:
        if mission_id not in self._missions:
            return
        row = self._rows.index(mission_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._missions[mission_id]
        self._unseen.discard(mission_id)
        self._attention.discard(mission_id)
        self.endRemoveRows()

    def mark_unseen(self, mission_id: str) -> None:
        if mission_id in self._missions and mission_id not in self._unseen:
            self._unseen.add(mission_id)
            self._row_changed(mission_id)

    def mark_seen(self, mission_id: str) -> None:
        if mission_id in self._unseen:
            self._unseen.discard(mission_id)
            self._row_changed(mission_id)

    def tick(self, now: datetime) -> None:
        """Advance the clock: elapsed times and the attention marks follow it."""
        self._now = now
        if self._rows:
            self._recompute_attention()
            self.cells_changed(0, len(self._rows) - 1, Column.ELAPSED, Column.ELAPSED)

    # ------------------------------------------------------------------ reading

    def mission_ids(self) -> list[str]:
        return list(self._rows)

    def mission(self, mission_id: str) -> Mission | None:
        return self._missions.get(mission_id)

    def row_of(self, mission_id: str) -> int:
        return self._rows.index(mission_id) if mission_id in self._missions else -1

    def is_unseen(self, mission_id: str) -> bool:
        return mission_id in self._unseen

    def needs_attention(self, mission_id: str) -> bool:
        return mission_id in self._attention

    # ------------------------------------------------------------------ Qt model

    def header(self, column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.MARK: "",
            Column.ADDRESS: self.tr("Address"),
            Column.PATIENT: self.tr("Patient"),
            Column.ELAPSED: self.tr("Elapsed"),
            Column.ACCEPTED: self.tr("Accepted"),
        }[column]

    def cell(self, mission_id: str, column: Column, role: int) -> Any:
        mission = self._missions[mission_id]
        if role == MISSION_ID_ROLE:
            return mission_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(mission, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.MARK:
            return self._mark_explained(mission_id)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column is Column.MARK:
                return self._mark_explained(mission_id) or self.tr("No mark")
            return self._display(mission, column)
        attention = mission_id in self._attention and column in (Column.MARK, Column.ACCEPTED)
        if role == Qt.ItemDataRole.ForegroundRole and attention:
            # The application's palette, read now: the list follows a switch to a dark theme.
            return tone_colour(Tone.ALERT)
        if role == Qt.ItemDataRole.FontRole and mission_id in self._unseen:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.ELAPSED,
            Column.ACCEPTED,
            Column.MARK,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, mission: Mission, column: Column) -> str:
        if column is Column.MARK:
            marks = []
            if mission.id in self._attention:
                marks.append("⚠")
            if mission.id in self._unseen:
                marks.append("●")
            return " ".join(marks)
        if column is Column.ADDRESS:
            return texts.mission_title(mission)
        if column is Column.PATIENT:
            return texts.age_label(mission.age_group)
        if column is Column.ELAPSED:
            if self._now is None:
                return "—"
            return texts.duration_text((self._now - mission.created_at).total_seconds())
        return f"{accepted_count(mission)}/{len(mission.responders)}"

    def _mark_explained(self, mission_id: str) -> str:
        parts = []
        if mission_id in self._attention:
            parts.append(
                self.tr("Fewer than {n} accepted after {s} s: consider Alert more").format(
                    n=self._min_accepted, s=int(self._after_s)
                )
            )
        if mission_id in self._unseen:
            parts.append(self.tr("New events since you last looked"))
        return "\n".join(parts)

    # ------------------------------------------------------------------ helpers

    def _insert_row(self, mission: Mission) -> int:
        for row, other in enumerate(self._rows):
            if self._missions[other].created_at < mission.created_at:
                return row
        return len(self._rows)

    def _row_changed(self, mission_id: str) -> None:
        row = self._rows.index(mission_id)
        self.cells_changed(row, row)

    def _update_attention(self, mission_id: str) -> bool:
        mission = self._missions[mission_id]
        now = self._now
        wanted = now is not None and needs_more(
            mission, now, after_s=self._after_s, min_accepted=self._min_accepted
        )
        had = mission_id in self._attention
        if wanted and not had:
            self._attention.add(mission_id)
            self.attention_raised.emit(mission_id)
        elif had and not wanted:
            self._attention.discard(mission_id)
        return wanted != had

    def _recompute_attention(self) -> None:
        for mission_id in self._rows:
            if self._update_attention(mission_id):
                self._row_changed(mission_id)
