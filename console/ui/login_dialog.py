"""The login to a real dispatch service (``--server URL``): user name and password.

The password lives only in this dialog and in the API client's memory; it is never written to
the settings or a log. A refused login shows the server's reason in the dialog, which stays open
for another try (an account locked after repeated failures says so too). Its words are set in
``_retranslate``, again on a change of language; an error shown stays as it was given.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.ui.theme import Tone, tone_css


class LoginDialog(QDialog):
    def __init__(self, server: str, username: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        server_label = QLabel(server)
        server_label.setTextFormat(Qt.TextFormat.PlainText)
        server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.username = QLineEdit(username or "")
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self._server_label = QLabel()
        self._server_label.setBuddy(server_label)
        self._username_label = QLabel()
        self._username_label.setBuddy(self.username)
        self._password_label = QLabel()
        self._password_label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(self._server_label, server_label)
        form.addRow(self._username_label, self.username)
        form.addRow(self._password_label, self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._accept_if_filled)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._retranslate()
        (self.password if username else self.username).setFocus()

    def event(self, event: QEvent) -> bool:
        # After the children: the button box puts Qt's own "OK" back on LanguageChange.
        handled = super().event(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        return handled

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Log in — AMK Hjerteløber console"))
        self.username.setAccessibleName(self.tr("User name"))
        self.password.setAccessibleName(self.tr("Password"))
        self._server_label.setText(self.tr("Dispatch service:"))
        self._username_label.setText(self.tr("&User name:"))
        self._password_label.setText(self.tr("&Password:"))
        self._ok.setText(self.tr("Log in"))

    def credentials(self) -> tuple[str, str]:
        return self.username.text().strip(), self.password.text()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setStyleSheet(tone_css(Tone.ALERT, self.palette()))
        self.error.show()
        self.password.clear()
        self.password.setFocus()

    def _accept_if_filled(self) -> None:
        user, password = self.credentials()
        if not user or not password:
            self.show_error(self.tr("Give both a user name and a password."))
            return
        self.accept()
