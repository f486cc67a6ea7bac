"""The selected mission at a glance: where, who for, the live counters, the warning, the actions.

Counters are large numbers with a small caption, so they read from across a desk at night.
Server text (the address, the note) is shown as plain text: an address containing markup is
shown as the characters typed, never interpreted. Every text is built from the mission and
the last clock tick kept here, so a change of language (``LanguageChange``) builds it again.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.domain.model import Mission
from console.ui import texts
from console.ui.mission_view_model import Counters, counters
from console.ui.retranslating import Retranslating

COUNTER_FIELDS = (
    "alerted",
    "accepted",
    "declined",
    "too_far",
    "to_aed",
    "aed_collected",
    "arrived",
    "abandoned",
)


class CounterTile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel("0")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        self._caption_text = caption
        self.set_caption(caption)

    def set_caption(self, caption: str) -> None:
        """The caption (translated by the panel, which knows the words)."""
        self._caption_text = caption
        self.caption.setText(caption)
        self.setAccessibleName(caption)
        self.setAccessibleDescription(f"{caption}: {self.number.text()}")

    def set_value(self, value: int) -> None:
        self.number.setText(str(value))
        self.setAccessibleDescription(f"{self._caption_text}: {value}")


class MissionPanel(Retranslating, QWidget):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missionPanel")
        self._mission: Mission | None = None
        self._now: datetime | None = None
        self._first: tuple[datetime | None, bool, datetime] | None = None
        self.title = QLabel()
        self.title.setObjectName("missionTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("missionDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("missionNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.first = QLabel()
        self.first.setObjectName("firstArrival")
        self.first.setTextFormat(Qt.TextFormat.PlainText)
        self.first.setStyleSheet("font-weight: bold;")
        self.attention = QLabel()
        self.attention.setObjectName("attention")
        self.attention.setTextFormat(Qt.TextFormat.PlainText)
        self.attention.setWordWrap(True)
        self.attention.setStyleSheet(
            "color: white; background: #c62828; font-weight: bold; padding: 4px;"
        )
        self.attention.hide()

        self.tiles: dict[str, CounterTile] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for index, name in enumerate(COUNTER_FIELDS):
            tile = CounterTile("")
            tile.setObjectName(f"counter_{name}")
            self.tiles[name] = tile
            grid.addWidget(tile, index // 4, index % 4)

        buttons = QHBoxLayout()
        self.buttons: list[QToolButton] = []
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"button_{action.objectName()}")
            buttons.addWidget(button)
            self.buttons.append(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.note)
        layout.addWidget(self.first)
        layout.addWidget(self.attention)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self._retranslate()

    def _retranslate(self) -> None:
        captions = {
            "alerted": self.tr("Alerted"),
            "accepted": self.tr("Accepted"),
            "declined": self.tr("Declined"),
            "too_far": self.tr("Too far"),
            "to_aed": self.tr("En route to AED"),
            "aed_collected": self.tr("AED collected"),
            "arrived": self.tr("Arrived"),
            "abandoned": self.tr("Abandoned"),
        }
        for name, tile in self.tiles.items():
            tile.set_caption(captions[name])
        if self._mission is None or self._now is None:
            self._show_empty()
        else:
            self.show_mission(self._mission, self._now)
        if self._first is not None:
            self.show_first_arrival(*self._first)

    @property
    def mission(self) -> Mission | None:
        return self._mission

    def show_mission(self, mission: Mission | None, now: datetime) -> None:
        self._mission = mission
        self._now = now
        if mission is None:
            self._show_empty()
            return
        self.title.setText(texts.mission_title(mission))
        self.note.setText(self.tr("Note: {note}").format(note=mission.note) if mission.note else "")
        self.note.setVisible(bool(mission.note))
        self.tick(now)
        self._show_counters(counters(mission))

    def _show_empty(self) -> None:
        self.title.setText(self.tr("No mission selected"))
        self.details.setText(self.tr("Raise an alert with F2, or pick a mission in the list."))
        self.note.clear()
        self.note.hide()
        self._show_counters(Counters())

    def tick(self, now: datetime) -> None:
        self._now = now
        mission = self._mission
        if mission is None:
            return
        elapsed = texts.duration_text((now - mission.created_at).total_seconds())
        self.details.setText(
            self.tr("{age} · raised {time} · {elapsed} ago · radius {radius}").format(
                age=texts.age_label(mission.age_group),
                time=texts.clock_text(mission.created_at),
                elapsed=elapsed,
                radius=texts.distance_text(mission.radius_m),
            )
        )

    def show_first_arrival(self, first: datetime | None, arrived: bool, now: datetime) -> None:
        """The earliest at the patient: when someone arrived, or when the first is expected."""
        self._first = (first, arrived, now)
        if first is None:
            self.first.clear()
        elif arrived:
            self.first.setText(
                self.tr("First responder on scene at {time}").format(time=texts.clock_text(first))
            )
        else:
            self.first.setText(
                self.tr("First responder expected at the patient {eta}").format(
                    eta=texts.eta_text(first, now)
                )
            )
        self.first.setAccessibleName(self.first.text())

    def set_attention(self, text: str | None) -> None:
        self.attention.setText(text or "")
        self.attention.setVisible(bool(text))

    def counter_values(self) -> dict[str, int]:
        return {name: int(tile.number.text()) for name, tile in self.tiles.items()}

    def _show_counters(self, values: Counters) -> None:
        for name, tile in self.tiles.items():
            tile.set_value(getattr(values, name))
