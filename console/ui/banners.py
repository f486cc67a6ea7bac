"""Full-width bands across the top of the window for what must never be missed.

- TRAINING — SIMULATED, always, in a ``--simulate`` session: nothing reaches a real responder.
- READ-ONLY for a supervisor session.
- NOT LIVE whenever the link is not live: the window says so in words, with since when and
  why, not in a tooltip; the actions that need the server are disabled at the same time.
- A failed command (an alert, a cancel...) in red with its reason, Retry and Dismiss.

Colours are fixed (not the palette) with text colours chosen for contrast on them, so they read
the same in a light and a dark desktop theme.

Each band sets its words in ``_retranslate`` (from ``__init__`` and on ``LanguageChange``), the
ones built from state from the state it last showed, so a change of language reaches them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.cache.outbox import OutboxEntry, OutboxState
from console.services.link import LinkState, LinkStatus
from console.ui import texts
from console.ui.retranslating import Retranslating

TRAINING_STYLE = "background: #ffb300; color: black; font-weight: bold; padding: 4px;"
READ_ONLY_STYLE = "background: #455a64; color: white; font-weight: bold; padding: 3px;"
NOT_LIVE_STYLE = "background: #b71c1c; color: white; font-weight: bold; padding: 6px;"
CATCHING_UP_STYLE = "background: #e65100; color: white; font-weight: bold; padding: 6px;"
FAILED_STYLE = "background: #b71c1c; color: white; font-weight: bold;"


class _Band(Retranslating, QLabel):
    """A full-width line of plain text in its own fixed colours."""

    def __init__(self, name: str, style: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(style)


class TrainingBanner(_Band):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("trainingBanner", TRAINING_STYLE, parent)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setText(
            self.tr("TRAINING — SIMULATED · no real responders are alerted · simulated service")
        )
        self.setAccessibleName(self.text())


class ReadOnlyBanner(_Band):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("readOnlyBanner", READ_ONLY_STYLE, parent)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setText(self.tr("READ-ONLY SESSION (supervisor): alerts cannot be raised or changed"))
        self.setAccessibleName(self.text())


class NotLiveBanner(_Band):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("notLiveBanner", NOT_LIVE_STYLE, parent)
        self.setWordWrap(True)
        self._shown: tuple[LinkStatus, datetime | None] | None = None
        self.hide()

    def _retranslate(self) -> None:
        """The band is built from the link's state: built again from the last one shown."""
        if self._shown is not None:
            self.show_status(*self._shown)

    def show_status(self, status: LinkStatus, last_live: datetime | None) -> None:
        if status.state is LinkState.LIVE:
            self._shown = None
            self.hide()
            return
        self._shown = (status, last_live)
        state = texts.link_label(status.state).upper()
        since = texts.clock_text(status.since)
        parts = [self.tr("NOT LIVE — {state} since {since}").format(state=state, since=since)]
        if status.detail:
            parts.append(status.detail)
        if last_live is not None:
            parts.append(
                self.tr("What you see was current at {time}").format(
                    time=texts.clock_text(last_live)
                )
            )
        if status.state is LinkState.UNAUTHORISED:
            parts.append(self.tr("Log in again to continue"))
        else:
            parts.append(self.tr("Raising and steering are disabled until the link is back"))
        self.setText(" · ".join(parts))
        self.setAccessibleName(self.text())
        self.setStyleSheet(
            CATCHING_UP_STYLE if status.state is LinkState.CATCHING_UP else NOT_LIVE_STYLE
        )
        self.show()


class FailedCommandBanner(Retranslating, QWidget):
    """One failed command; Retry resends it with its key, Dismiss hides it."""

    retry = Signal(str)
    dismissed = Signal(str)

    def __init__(
        self,
        entry: OutboxEntry,
        address_of: Callable[[str | None], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = entry.key
        self._address_of = address_of
        self.setObjectName("failedCommand")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(FAILED_STYLE)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setStyleSheet(FAILED_STYLE)
        self._retry = QPushButton()
        self._retry.setObjectName("retryCommand")
        self._retry.setStyleSheet("background: white; color: #b71c1c; font-weight: bold;")
        self._retry.clicked.connect(lambda: self.retry.emit(self.key))
        self._dismiss = QPushButton()
        self._dismiss.setObjectName("dismissCommand")
        self._dismiss.clicked.connect(lambda: self.dismissed.emit(self.key))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self._retry)
        layout.addWidget(self._dismiss)
        self._entry = entry
        self._retranslate()

    def _retranslate(self) -> None:
        self._retry.setText(self.tr("Retry"))
        self._dismiss.setText(self.tr("Dismiss"))
        self.update_entry(self._entry)

    def update_entry(self, entry: OutboxEntry) -> None:
        self._entry = entry
        self.label.setText(
            self.tr("FAILED: {command} — {reason}").format(
                command=texts.command_label(
                    entry.command, self._address_of(entry.command.mission_id)
                ),
                reason=entry.reason or "",
            )
        )
        self.label.setAccessibleName(self.label.text())


class CommandBanners(QWidget):
    """The stack of failed-command bands; commands that recover (sent on retry) leave it.

    Dismiss hides the band at once and asks (``dismissed``) for the command to be set aside in
    the outbox, so that a restart does not bring it back with a Retry button: a retried alert
    the dispatcher had already handled by phone would alert runners a second time.
    """

    retry = Signal(str)
    dismissed = Signal(str)

    def __init__(
        self,
        address_of: Callable[[str | None], str | None] = lambda mission_id: None,
        parent: QWidget | None = None,
    ) -> None:
        """``address_of``: a mission's address by its id, while the console knows it."""
        super().__init__(parent)
        self._address_of = address_of
        self._bands: dict[str, FailedCommandBanner] = {}
        self._dismissed: set[str] = set()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(1)
        self.hide()

    def show_entry(self, entry: OutboxEntry) -> None:
        band = self._bands.get(entry.key)
        if entry.state is OutboxState.FAILED and entry.key not in self._dismissed:
            if band is None:
                band = FailedCommandBanner(entry, self._address_of, self)
                band.retry.connect(self.retry)
                band.dismissed.connect(self.dismiss)
                self._bands[entry.key] = band
                self._layout.addWidget(band)
            else:
                band.update_entry(entry)
        elif band is not None:
            self._remove(entry.key)
        self.setVisible(bool(self._bands))

    def dismiss(self, key: str) -> None:
        self._dismissed.add(key)
        self._remove(key)
        self.setVisible(bool(self._bands))
        self.dismissed.emit(key)

    def failed_keys(self) -> list[str]:
        return list(self._bands)

    def _remove(self, key: str) -> None:
        band = self._bands.pop(key, None)
        if band is not None:
            self._layout.removeWidget(band)
            band.deleteLater()
