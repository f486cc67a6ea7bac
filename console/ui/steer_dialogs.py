"""Steering an open mission: alert more, message, cancel (with reason and confirmation), close.

Each dialog only collects and checks values; the window sends the command through the outbox
and shows its state. Limits are the contract's (count 1–20, radius up to 10 km, message ≤ 280
characters, reason and outcome ≤ 200), checked here so the dispatcher hears of them at once.
Cancelling is the one action that cannot be undone, so it needs a reason *and* a tick in a
box that names how many responders will be stood down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.domain.constants import (
    MAX_ALERT_MORE_COUNT,
    MAX_MESSAGE_CHARS,
    MAX_RADIUS_M,
    MAX_REASON_CHARS,
)
from console.domain.model import Mission
from console.ui import texts

ERROR_STYLE = "color: #c62828; font-weight: bold;"


class _SteerDialog(QDialog):
    """Shared frame: a title naming the mission, a form, an error line, OK/Cancel."""

    def __init__(self, mission: Mission, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.mission = mission
        self.setWindowTitle(title)
        heading = QLabel(texts.mission_title(mission))
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-weight: bold;")
        heading.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("steerError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("okButton")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def problem(self) -> str | None:
        return None

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()


class AlertMoreDialog(_SteerDialog):
    def __init__(self, mission: Mission, default_count: int, parent: QWidget | None = None) -> None:
        super().__init__(mission, self.tr("Alert more responders"), self.tr("Alert more"), parent)
        self.setObjectName("alertMoreDialog")
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setRange(1, MAX_ALERT_MORE_COUNT)
        self.count.setValue(max(1, min(MAX_ALERT_MORE_COUNT, default_count)))
        self.count.setAccessibleName(self.tr("How many more to alert"))
        self.radius = QSpinBox()
        self.radius.setObjectName("radius")
        low = round(mission.radius_m)
        self.radius.setRange(low, int(MAX_RADIUS_M))
        self.radius.setSingleStep(500)
        self.radius.setSuffix(" m")
        self.radius.setValue(low)
        self.radius.setAccessibleName(self.tr("Alert radius in metres"))
        explain = QLabel(
            self.tr(
                "Alerts the next nearest active runners who were not alerted yet, within the "
                "radius. A wider radius (up to 10 km) reaches more but farther runners."
            )
        )
        explain.setWordWrap(True)
        self.form.addRow(self.tr("&How many more:"), self.count)
        self.form.addRow(self.tr("&Radius:"), self.radius)
        self.form.addRow(explain)
        self.count.setFocus()
        self.count.selectAll()

    def values(self) -> tuple[int, float]:
        return self.count.value(), float(self.radius.value())


class MessageDialog(_SteerDialog):
    def __init__(self, mission: Mission, parent: QWidget | None = None) -> None:
        super().__init__(mission, self.tr("Message responders"), self.tr("Send"), parent)
        self.setObjectName("messageDialog")
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        self.recipient.setAccessibleName(self.tr("Recipient"))
        self.recipient.addItem(self.tr("Everyone who accepted (also later ones)"), None)
        for responder in sorted(mission.responders, key=lambda r: r.rank):
            if responder.accepted_at is not None:
                self.recipient.addItem(
                    f"#{responder.rank} {responder.alias} — {texts.state_label(responder.state)}",
                    responder.runner_id,
                )
        self.text = QLineEdit()
        self.text.setObjectName("messageText")
        self.text.setAccessibleName(self.tr("Message text"))
        self.text.setPlaceholderText(self.tr("e.g. Door code 1234, 3rd floor"))
        self.count = QLabel()
        self.text.textChanged.connect(self._count)
        self._count()
        self.form.addRow(self.tr("&To:"), self.recipient)
        self.form.addRow(self.tr("&Message:"), self.text)
        self.form.addRow("", self.count)
        self.text.setFocus()

    def choose_runner(self, runner_id: str) -> None:
        index = self.recipient.findData(runner_id)
        if index >= 0:
            self.recipient.setCurrentIndex(index)

    def _count(self) -> None:
        length = len(self.text.text())
        self.count.setText(f"{length}/{MAX_MESSAGE_CHARS}")
        self.count.setStyleSheet(ERROR_STYLE if length > MAX_MESSAGE_CHARS else "")

    def problem(self) -> str | None:
        text = self.text.text()
        if not text.strip():
            return self.tr("Write a message first.")
        if len(text) > MAX_MESSAGE_CHARS:
            return self.tr("The message is {n} characters long; the limit is {limit}.").format(
                n=len(text), limit=MAX_MESSAGE_CHARS
            )
        return None

    def values(self) -> tuple[str, str | None]:
        runner = self.recipient.currentData()
        return self.text.text(), (str(runner) if runner else None)


class CancelDialog(_SteerDialog):
    def __init__(self, mission: Mission, parent: QWidget | None = None) -> None:
        super().__init__(mission, self.tr("Cancel the alert"), self.tr("Cancel alert"), parent)
        self.setObjectName("cancelDialog")
        out = sum(1 for r in mission.responders if r.state.is_out)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.setAccessibleName(self.tr("Reason for cancelling"))
        self.reason.addItems(
            [
                "",
                self.tr("Not a cardiac arrest"),
                self.tr("Patient is conscious and breathing"),
                self.tr("EMS already on scene"),
                self.tr("Wrong address"),
                self.tr("Raised by mistake"),
            ]
        )
        self.reason.setCurrentIndex(0)
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Required: why is the alert cancelled?"))
        self.confirm = QCheckBox(
            self.tr("Yes, cancel: %n responder(s) still out will be stood down", "", out)
        )
        self.confirm.setObjectName("confirm")
        self.ok_button.setEnabled(False)
        self.ok_button.setStyleSheet("color: white; background: #c62828; font-weight: bold;")
        self.confirm.toggled.connect(self._update)
        self.reason.currentTextChanged.connect(self._update)
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.form.addRow(self.confirm)
        self.reason.setFocus()

    def _update(self) -> None:
        self.ok_button.setEnabled(self.confirm.isChecked() and bool(self.reason_text()))

    def reason_text(self) -> str:
        return self.reason.currentText().strip()

    def problem(self) -> str | None:
        reason = self.reason_text()
        if not reason:
            return self.tr("A reason is required.")
        if len(reason) > MAX_REASON_CHARS:
            return self.tr("The reason is {n} characters long; the limit is {limit}.").format(
                n=len(reason), limit=MAX_REASON_CHARS
            )
        if not self.confirm.isChecked():
            return self.tr("Tick the box to confirm.")
        return None


class CloseDialog(_SteerDialog):
    def __init__(self, mission: Mission, parent: QWidget | None = None) -> None:
        super().__init__(mission, self.tr("Close the mission"), self.tr("Close mission"), parent)
        self.setObjectName("closeDialog")
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        self.outcome.setAccessibleName(self.tr("Outcome"))
        for value in texts.OUTCOMES:
            self.outcome.addItem(texts.outcome_label(value), value)
        self.other = QLineEdit()
        self.other.setObjectName("otherOutcome")
        self.other.setAccessibleName(self.tr("Other outcome"))
        self.other.setPlaceholderText(self.tr("Describe the outcome"))
        self.other.setEnabled(False)
        self.outcome.currentIndexChanged.connect(
            lambda _: self.other.setEnabled(self.outcome.currentData() == "other")
        )
        self.form.addRow(self.tr("&Outcome:"), self.outcome)
        self.form.addRow(self.tr("O&ther:"), self.other)
        self.outcome.setFocus()

    def outcome_value(self) -> str:
        value = str(self.outcome.currentData())
        if value == "other":
            return self.other.text().strip()
        return value

    def problem(self) -> str | None:
        value = self.outcome_value()
        if not value:
            return self.tr("Describe the outcome.")
        if len(value) > MAX_REASON_CHARS:
            return self.tr("The outcome is {n} characters long; the limit is {limit}.").format(
                n=len(value), limit=MAX_REASON_CHARS
            )
        return None
