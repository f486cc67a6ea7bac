"""The steering dialogs check what the contract would refuse before anything is sent."""

from __future__ import annotations

from missions_for_tests import mission, responder
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.domain.model import ResponderState
from console.ui.steer_dialogs import AlertMoreDialog, CancelDialog, CloseDialog, MessageDialog

S = ResponderState
MISSION = mission(
    responder(1, S.ACCEPTED, accepted_s=10),
    responder(2, S.DECLINED),
    responder(3, S.ARRIVED, accepted_s=5, arrived_s=200),
    responder(4),
    address="<b>Torv</b> 1",
)


def test_alert_more_limits(qapp: QApplication) -> None:
    dialog = AlertMoreDialog(MISSION, 25)
    assert dialog.count.maximum() == 20
    assert dialog.count.value() == 20  # the proposal is clamped to the contract
    assert dialog.radius.minimum() == 5000
    assert dialog.radius.maximum() == 10_000
    dialog.radius.setValue(7500)
    assert dialog.values() == (20, 7500.0)


def test_message_recipients_and_length(qapp: QApplication, qtbot: QtBot) -> None:
    dialog = MessageDialog(MISSION)
    qtbot.addWidget(dialog)
    recipients = [dialog.recipient.itemData(i) for i in range(dialog.recipient.count())]
    assert recipients == [None, "r1", "r3"]  # everyone who accepted, then each of them
    dialog.choose_runner("r3")
    dialog.text.setText("x" * 281)
    dialog.ok_button.click()
    assert dialog.error.text() == "The message is 281 characters long; the limit is 280."
    assert dialog.result() == 0
    dialog.text.setText("Dørkode 4711")
    dialog.ok_button.click()
    assert dialog.result() == 1
    assert dialog.values() == ("Dørkode 4711", "r3")


def test_cancel_needs_a_reason_and_the_tick(qapp: QApplication, qtbot: QtBot) -> None:
    dialog = CancelDialog(MISSION)
    qtbot.addWidget(dialog)
    assert "%n" not in dialog.confirm.text()
    assert "2 responder" in dialog.confirm.text()  # r1 accepted, r4 alerted
    assert not dialog.ok_button.isEnabled()
    dialog.confirm.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "Forkert adresse")
    assert dialog.ok_button.isEnabled()
    dialog.confirm.setChecked(False)
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setCurrentText("x" * 201)
    dialog.confirm.setChecked(True)
    dialog.ok_button.click()
    assert dialog.error.text() == "The reason is 201 characters long; the limit is 200."


def test_close_with_a_listed_or_described_outcome(qapp: QApplication, qtbot: QtBot) -> None:
    dialog = CloseDialog(MISSION)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.outcome_value() == "ems_on_scene"
    assert not dialog.other.isEnabled()
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("other"))
    assert dialog.other.isEnabled()
    dialog.ok_button.click()
    assert dialog.error.text() == "Describe the outcome."
    qtbot.keyClicks(dialog.other, "Pårørende overtog")
    qtbot.keyClick(dialog.other, Qt.Key.Key_Return)
    assert dialog.result() == 1
    assert dialog.outcome_value() == "Pårørende overtog"
