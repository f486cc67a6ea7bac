"""Preferences: language, sound cue, and when a mission counts as short of responders.

A new language applies at once: the window swaps the translators and every widget, this dialog
too, sets its words again on ``LanguageChange`` (``_retranslate``).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.ui.retranslating import Retranslating
from console.ui.settings import ConsoleSettings


class SettingsDialog(Retranslating, QDialog):
    def __init__(self, settings: ConsoleSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._settings = settings
        self.language = QComboBox()
        self.language.setObjectName("language")
        # The languages' own names, never translated: a dispatcher who cannot read the
        # current language still finds theirs.
        self.language.addItem("", "system")
        self.language.addItem("Dansk", "da")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.sound = QCheckBox()
        self.sound.setObjectName("sound")
        self.sound.setChecked(settings.sound)
        self.after = QSpinBox()
        self.after.setObjectName("afterSeconds")
        self.after.setRange(10, 600)
        self.after.setSuffix(" s")
        self.after.setValue(settings.no_acceptance_after_s)
        self.min_accepted = QSpinBox()
        self.min_accepted.setObjectName("minAccepted")
        self.min_accepted.setRange(1, 20)
        self.min_accepted.setValue(settings.min_accepted)
        self.alert_more = QSpinBox()
        self.alert_more.setObjectName("alertMoreCount")
        self.alert_more.setRange(1, 20)
        self.alert_more.setValue(settings.alert_more_count)
        self._labels: dict[QWidget, QLabel] = {}
        self.form = QFormLayout()
        for field in (self.language, self.sound, self.min_accepted, self.after, self.alert_more):
            label = QLabel()
            label.setBuddy(field)
            self._labels[field] = label
            self.form.addRow(label, field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.language.setAccessibleName(self.tr("Language"))
        self.language.setItemText(0, self.tr("Follow the system"))
        self.sound.setText(self.tr("Play a sound on new acceptances and missing acceptances"))
        self.after.setAccessibleName(self.tr("Seconds before a mission is marked"))
        self.min_accepted.setAccessibleName(self.tr("Acceptances wanted"))
        self.alert_more.setAccessibleName(self.tr("Alert more proposes"))
        labels = {
            self.language: self.tr("&Language:"),
            self.sound: self.tr("&Sound cue:"),
            self.min_accepted: self.tr("Mark a mission when fewer than"),
            self.after: self.tr("have accepted after"),
            self.alert_more: self.tr("Alert &more proposes"),
        }
        for field, text in labels.items():
            self._labels[field].setText(text)

    def values(self) -> ConsoleSettings:
        return self._settings.changed(
            language=str(self.language.currentData()),
            sound=self.sound.isChecked(),
            no_acceptance_after_s=self.after.value(),
            min_accepted=self.min_accepted.value(),
            alert_more_count=self.alert_more.value(),
        )
