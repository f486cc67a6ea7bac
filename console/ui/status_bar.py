"""The status bar's permanent parts: link state, server clock offset, commands in flight, user.

These never disappear behind a temporary message, so "is this live?" and "is my clock right?"
have an answer at any moment. Their words are built from what they show, so on a change of
language (``LanguageChange``) they are built again from the last state shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from console.services.link import LinkState, LinkStatus
from console.services.server_clock import WARN_OFFSET_S, ClockOffset
from console.ui import texts
from console.ui.retranslating import Retranslating

_LINK_STYLES = {
    LinkState.LIVE: "background: #2e7d32; color: white;",
    LinkState.CATCHING_UP: "background: #e65100; color: white;",
    LinkState.STALE: "background: #b71c1c; color: white;",
    LinkState.OFFLINE: "background: #b71c1c; color: white;",
    LinkState.UNAUTHORISED: "background: #b71c1c; color: white;",
}


class LinkIndicator(Retranslating, QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkState")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.state: LinkState | None = None
        self._status: LinkStatus | None = None

    def _retranslate(self) -> None:
        if self._status is not None:
            self.show_status(self._status)

    def show_status(self, status: LinkStatus) -> None:
        self.state = status.state
        self._status = status
        text = texts.link_label(status.state)
        if status.state is LinkState.OFFLINE and status.retry_in_s is not None:
            text = self.tr("{state} (retry in {s} s)").format(
                state=text, s=max(1, round(status.retry_in_s))
            )
        if status.warnings:
            text += self.tr(" · {n} bad events").format(n=status.warnings)
        self.setText(f" ● {text} ")
        self.setStyleSheet(_LINK_STYLES[status.state] + " font-weight: bold; padding: 1px 6px;")
        self.setToolTip(status.detail or text)
        self.setAccessibleName(self.tr("Link: {state}").format(state=text))


class ClockOffsetLabel(Retranslating, QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockOffset")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = False
        self._offset: ClockOffset | None = None
        self._retranslate()

    def _retranslate(self) -> None:
        self.show_offset(self._offset)

    def show_offset(self, offset: ClockOffset | None) -> None:
        self._offset = offset
        if offset is None:
            self.setText(self.tr("Server clock: not measured yet"))
            self.setStyleSheet("")
            self.warning = False
        else:
            seconds = offset.seconds
            shown = "±0.0 s" if abs(seconds) < 0.05 else f"{seconds:+.1f} s"
            self.warning = offset.is_warning
            if self.warning:
                self.setText(
                    self.tr(
                        "⚠ Server clock {offset} off this PC: times shown are the server's"
                    ).format(offset=shown)
                )
                self.setStyleSheet("background: #e65100; color: white; font-weight: bold;")
            else:
                self.setText(self.tr("Server clock {offset}").format(offset=shown))
                self.setStyleSheet("")
            self.setToolTip(
                self.tr(
                    "Server time minus this computer's time, measured with a {rtt} ms round trip. "
                    "Over {limit} s is a warning."
                ).format(rtt=round(offset.round_trip_s * 1000), limit=int(WARN_OFFSET_S))
            )
        self.setAccessibleName(self.text())


class UserLabel(QLabel):
    def __init__(self, user: str, role: str, server: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userLabel")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(f"{user} ({role}) @ {server}")
        self.setAccessibleName(self.text())
