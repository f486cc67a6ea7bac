"""Steering an open mission: alert more, message, cancel (with reason and confirmation), close.

Each dialog only collects and checks values; the window sends the command through the outbox
and shows its state. Limits are the contract's (count 1–20, radius up to 10 km, message ≤ 280
characters, reason and outcome ≤ 200), checked here so the dispatcher hears of them at once.
Cancelling is the one action that cannot be undone, so it needs a reason *and* a tick in a
box that names how many responders will be stood down.

Each dialog sets its words in ``_retranslate`` (from ``__init__`` and again on a change of
language); form labels are kept so they can be set again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
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
    """Shared frame: a title naming the mission, a form, an error line, OK/Cancel.

    A subclass builds its fields, then calls :meth:`_retranslate`, which sets its words (the
    window title and the OK button's among them) and calls :meth:`_retranslate_frame`.
    """

    def __init__(self, mission: Mission, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.mission = mission
        self.heading = QLabel()
        heading = self.heading
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-weight: bold;")
        heading.setWordWrap(True)
        self._labels: dict[QWidget, QLabel] = {}
        # What the error line shows comes from :meth:`problem`, asked again in a new language.
        self._problem_shown = False
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
        self.ok_button.setObjectName("okButton")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add_row(self, text: str, field: QWidget) -> None:
        """A form row whose label :meth:`set_label` can set again."""
        label = QLabel(text)
        label.setBuddy(field)
        self._labels[field] = label
        self.form.addRow(label, field)

    def set_label(self, field: QWidget, text: str) -> None:
        self._labels[field].setText(text)

    def event(self, event: QEvent) -> bool:
        # After the children: the button box puts Qt's own "OK" back on LanguageChange.
        handled = super().event(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return handled

    #: Every dialog's own: its words, from its current state (it calls _retranslate_frame).
    _retranslate: Callable[[], None]

    def _retranslate_frame(self, title: str, ok_text: str) -> None:
        self.setWindowTitle(title)
        self.ok_button.setText(ok_text)
        self.heading.setText(texts.mission_title(self.mission))
        if self._problem_shown:
            problem = self.problem()
            self.error.setText(problem or "")
            self.error.setVisible(bool(problem))

    def problem(self) -> str | None:
        return None

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem:
            self._problem_shown = True
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()


class AlertMoreDialog(_SteerDialog):
    def __init__(self, mission: Mission, default_count: int, parent: QWidget | None = None) -> None:
        super().__init__(mission, parent)
        self.setObjectName("alertMoreDialog")
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setRange(1, MAX_ALERT_MORE_COUNT)
        self.count.setValue(max(1, min(MAX_ALERT_MORE_COUNT, default_count)))
        self.radius = QSpinBox()
        self.radius.setObjectName("radius")
        low = round(mission.radius_m)
        self.radius.setRange(low, int(MAX_RADIUS_M))
        self.radius.setSingleStep(500)
        self.radius.setSuffix(" m")
        self.radius.setValue(low)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.add_row("", self.count)
        self.add_row("", self.radius)
        self.form.addRow(self.explain)
        self._retranslate()
        self.count.setFocus()
        self.count.selectAll()

    def _retranslate(self) -> None:
        self._retranslate_frame(self.tr("Alert more responders"), self.tr("Alert more"))
        self.count.setAccessibleName(self.tr("How many more to alert"))
        self.radius.setAccessibleName(self.tr("Alert radius in metres"))
        self.explain.setText(
            self.tr(
                "Alerts the next nearest active runners who were not alerted yet, within the "
                "radius. A wider radius (up to 10 km) reaches more but farther runners."
            )
        )
        self.set_label(self.count, self.tr("&How many more:"))
        self.set_label(self.radius, self.tr("&Radius:"))

    def values(self) -> tuple[int, float]:
        return self.count.value(), float(self.radius.value())


class MessageDialog(_SteerDialog):
    def __init__(self, mission: Mission, parent: QWidget | None = None) -> None:
        super().__init__(mission, parent)
        self.setObjectName("messageDialog")
        self.recipient = QComboBox()
        self.recipient.setObjectName("recipient")
        self.recipient.addItem("", None)
        self._recipients = [
            responder
            for responder in sorted(mission.responders, key=lambda r: r.rank)
            if responder.accepted_at is not None
        ]
        for responder in self._recipients:
            self.recipient.addItem("", responder.runner_id)
        self.text = QLineEdit()
        self.text.setObjectName("messageText")
        self.count = QLabel()
        self.text.textChanged.connect(self._count)
        self._count()
        self.add_row("", self.recipient)
        self.add_row("", self.text)
        self.form.addRow("", self.count)
        self._retranslate()
        self.text.setFocus()

    def _retranslate(self) -> None:
        self._retranslate_frame(self.tr("Message responders"), self.tr("Send"))
        self.recipient.setAccessibleName(self.tr("Recipient"))
        self.recipient.setItemText(0, self.tr("Everyone who accepted (also later ones)"))
        for index, responder in enumerate(self._recipients, start=1):
            self.recipient.setItemText(
                index, f"#{responder.rank} {responder.alias} — {texts.state_label(responder.state)}"
            )
        self.text.setAccessibleName(self.tr("Message text"))
        self.text.setPlaceholderText(self.tr("e.g. Door code 1234, 3rd floor"))
        self.set_label(self.recipient, self.tr("&To:"))
        self.set_label(self.text, self.tr("&Message:"))

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
        super().__init__(mission, parent)
        self.setObjectName("cancelDialog")
        self._out = sum(1 for r in mission.responders if r.state.is_out)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems([""] * (1 + len(self._reasons())))
        self.reason.setCurrentIndex(0)
        self.confirm = QCheckBox()
        self.confirm.setObjectName("confirm")
        self.ok_button.setEnabled(False)
        self.ok_button.setStyleSheet("color: white; background: #c62828; font-weight: bold;")
        self.confirm.toggled.connect(self._update)
        self.reason.currentTextChanged.connect(self._update)
        self.add_row("", self.reason)
        self.form.addRow(self.confirm)
        self._retranslate()
        self.reason.setFocus()

    def _reasons(self) -> list[str]:
        return [
            self.tr("Not a cardiac arrest"),
            self.tr("Patient is conscious and breathing"),
            self.tr("EMS already on scene"),
            self.tr("Wrong address"),
            self.tr("Raised by mistake"),
        ]

    def _retranslate(self) -> None:
        self._retranslate_frame(self.tr("Cancel the alert"), self.tr("Cancel alert"))
        self.reason.setAccessibleName(self.tr("Reason for cancelling"))
        # The offered reasons in the new language; one the dispatcher typed is left as it is.
        text = self.reason.currentText()
        index = self.reason.currentIndex()
        typed = index <= 0 or text != self.reason.itemText(index)
        for index, reason in enumerate(self._reasons(), start=1):
            self.reason.setItemText(index, reason)
        if typed:
            self.reason.setEditText(text)
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Required: why is the alert cancelled?"))
        self.confirm.setText(
            self.tr("Yes, cancel: %n responder(s) still out will be stood down", "", self._out)
        )
        self.set_label(self.reason, self.tr("&Reason:"))

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
        super().__init__(mission, parent)
        self.setObjectName("closeDialog")
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        for value in texts.OUTCOMES:
            self.outcome.addItem("", value)
        self.other = QLineEdit()
        self.other.setObjectName("otherOutcome")
        self.other.setEnabled(False)
        self.outcome.currentIndexChanged.connect(
            lambda _: self.other.setEnabled(self.outcome.currentData() == "other")
        )
        self.add_row("", self.outcome)
        self.add_row("", self.other)
        self._retranslate()
        self.outcome.setFocus()

    def _retranslate(self) -> None:
        self._retranslate_frame(self.tr("Close the mission"), self.tr("Close mission"))
        self.outcome.setAccessibleName(self.tr("Outcome"))
        for index, value in enumerate(texts.OUTCOMES):
            self.outcome.setItemText(index, texts.outcome_label(value))
        self.other.setAccessibleName(self.tr("Other outcome"))
        self.other.setPlaceholderText(self.tr("Describe the outcome"))
        self.set_label(self.outcome, self.tr("&Outcome:"))
        self.set_label(self.other, self.tr("O&ther:"))

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
