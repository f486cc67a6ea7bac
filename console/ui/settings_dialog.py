"""Preferences: language, sound cue, and when a mission counts as short of responders."""

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

from console.ui.settings import ConsoleSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: ConsoleSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem(self.tr("Follow the system"), "system")
        self.language.addItem("Dansk", "da")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.sound = QCheckBox(self.tr("Play a sound on new acceptances and missing acceptances"))
        self.sound.setObjectName("sound")
        self.sound.setChecked(settings.sound)
        self.after = QSpinBox()
        self.after.setObjectName("afterSeconds")
        self.after.setRange(10, 600)
        self.after.setSuffix(" s")
        self.after.setValue(settings.no_acceptance_after_s)
        self.after.setAccessibleName(self.tr("Seconds before a mission is marked"))
        self.min_accepted = QSpinBox()
        self.min_accepted.setObjectName("minAccepted")
        self.min_accepted.setRange(1, 20)
        self.min_accepted.setValue(settings.min_accepted)
        self.min_accepted.setAccessibleName(self.tr("Acceptances wanted"))
        self.alert_more = QSpinBox()
        self.alert_more.setObjectName("alertMoreCount")
        self.alert_more.setRange(1, 20)
        self.alert_more.setValue(settings.alert_more_count)
        self.alert_more.setAccessibleName(self.tr("Alert more proposes"))
        note = QLabel(self.tr("A new language takes effect when the console is started again."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", note)
        form.addRow(self.tr("&Sound cue:"), self.sound)
        form.addRow(self.tr("Mark a mission when fewer than"), self.min_accepted)
        form.addRow(self.tr("have accepted after"), self.after)
        form.addRow(self.tr("Alert &more proposes"), self.alert_more)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> ConsoleSettings:
        return self._settings.changed(
            language=str(self.language.currentData()),
            sound=self.sound.isChecked(),
            no_acceptance_after_s=self.after.value(),
            min_accepted=self.min_accepted.value(),
            alert_more_count=self.alert_more.value(),
        )
