"""The window's actions, declared once: text, shortcut, accessible name, and what they need.

Every action has a keyboard shortcut, shown in its menu and in its tooltip. Function keys for
the mission actions, because a dispatcher with a headset and one hand on the keyboard finds
them without looking: F2 raise, F3 alert more, F4 message, F7 close, F8 cancel (apart from the
others, since it cannot be undone).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, auto

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class Needs(Flag):
    NOTHING = 0
    #: The link must be live (the command goes to the server now).
    LIVE = auto()
    #: A dispatcher session (not read-only).
    WRITE = auto()
    #: An open mission is selected.
    MISSION = auto()


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    text: str
    shortcut: str
    needs: Needs
    tip: str


def action_specs() -> list[ActionSpec]:
    """The actions in the language installed now (called again on a change of language)."""
    steer = Needs.LIVE | Needs.WRITE | Needs.MISSION
    specs = [
        ActionSpec(
            "raise_alert",
            QCoreApplication.translate("WindowActions", "&Raise alert…"),
            "F2",
            Needs.LIVE | Needs.WRITE,
            QCoreApplication.translate("WindowActions", "Raise a new alert at a location"),
        ),
        ActionSpec(
            "alert_more",
            QCoreApplication.translate("WindowActions", "Alert &more…"),
            "F3",
            steer,
            QCoreApplication.translate(
                "WindowActions",
                "Alert the next nearest responders, optionally in a wider radius",
            ),
        ),
        ActionSpec(
            "message",
            QCoreApplication.translate("WindowActions", "&Message…"),
            "F4",
            steer,
            QCoreApplication.translate(
                "WindowActions", "Send a message to one responder or to all who accepted"
            ),
        ),
        ActionSpec(
            "close_mission",
            QCoreApplication.translate("WindowActions", "C&lose mission…"),
            "F7",
            steer,
            QCoreApplication.translate(
                "WindowActions", "End the mission with an outcome (e.g. EMS on scene)"
            ),
        ),
        ActionSpec(
            "cancel_mission",
            QCoreApplication.translate("WindowActions", "&Cancel alert…"),
            "F8",
            steer,
            QCoreApplication.translate(
                "WindowActions", "Cancel the alert: every responder still out is stood down"
            ),
        ),
        ActionSpec(
            "fit_mission",
            QCoreApplication.translate("WindowActions", "&Fit map to mission"),
            "F5",
            Needs.MISSION,
            QCoreApplication.translate("WindowActions", "Zoom the map to the selected mission"),
        ),
        ActionSpec(
            "show_all",
            QCoreApplication.translate("WindowActions", "Show &all on map"),
            "Shift+F5",
            Needs.NOTHING,
            QCoreApplication.translate("WindowActions", "Zoom out to every mission"),
        ),
        ActionSpec(
            "focus_missions",
            QCoreApplication.translate("WindowActions", "Go to mission &list"),
            "Ctrl+1",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "focus_responders",
            QCoreApplication.translate("WindowActions", "Go to &responders"),
            "Ctrl+2",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "focus_timeline",
            QCoreApplication.translate("WindowActions", "Go to &timeline"),
            "Ctrl+3",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "focus_map",
            QCoreApplication.translate("WindowActions", "Go to m&ap"),
            "Ctrl+4",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "sound",
            QCoreApplication.translate("WindowActions", "&Sound cue"),
            "Ctrl+Shift+S",
            Needs.NOTHING,
            QCoreApplication.translate("WindowActions", "Sound cue on or off"),
        ),
        ActionSpec(
            "settings",
            QCoreApplication.translate("WindowActions", "&Settings…"),
            "Ctrl+,",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "shortcuts",
            QCoreApplication.translate("WindowActions", "&Keyboard shortcuts"),
            "F1",
            Needs.NOTHING,
            "",
        ),
        ActionSpec(
            "quit",
            QCoreApplication.translate("WindowActions", "&Quit"),
            "Ctrl+Q",
            Needs.NOTHING,
            "",
        ),
    ]
    return specs


class WindowActions:
    """Builds the QActions and remembers what each needs, to enable them with a reason.

    Not a widget, so Qt's ``LanguageChange`` reaches it through the window, which calls
    :meth:`retranslate`.
    """

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        specs = action_specs()
        self.specs = {spec.name: spec for spec in specs}
        self.actions: dict[str, QAction] = {}
        # The last :meth:`update`, applied again after a change of language.
        self._state: tuple[bool, bool, bool, str] | None = None
        for spec in specs:
            action = QAction(parent)
            action.setObjectName(spec.name)
            action.setShortcut(QKeySequence(spec.shortcut))
            self.actions[spec.name] = action
        self.actions["sound"].setCheckable(True)
        self._retranslate()

    def retranslate(self) -> None:
        """Texts, tooltips and status tips again, in the language installed now."""
        self.specs = {spec.name: spec for spec in action_specs()}
        self._retranslate()

    def _retranslate(self) -> None:
        for name, spec in self.specs.items():
            action = self.actions[name]
            action.setText(spec.text)
            action.setToolTip(self._base_tip(spec))
            action.setStatusTip(spec.tip)
        if self._state is not None:
            live, writable, mission_open, why = self._state
            self.update(live=live, writable=writable, mission_open=mission_open, why_not_live=why)

    @staticmethod
    def _base_tip(spec: ActionSpec) -> str:
        plain = spec.text.replace("&", "").rstrip("…")
        shortcut = QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        return f"{spec.tip or plain} ({shortcut})"

    def __getitem__(self, name: str) -> QAction:
        return self.actions[name]

    def update(self, *, live: bool, writable: bool, mission_open: bool, why_not_live: str) -> None:
        """Enable each action whose needs are met; a disabled one's tooltip says why."""
        self._state = (live, writable, mission_open, why_not_live)
        for name, spec in self.specs.items():
            action = self.actions[name]
            reason = None
            if Needs.WRITE in spec.needs and not writable:
                reason = QCoreApplication.translate("WindowActions", "read-only session")
            elif Needs.MISSION in spec.needs and not mission_open:
                reason = QCoreApplication.translate("WindowActions", "no open mission selected")
            elif Needs.LIVE in spec.needs and not live:
                reason = QCoreApplication.translate("WindowActions", "not live: {why}").format(
                    why=why_not_live
                )
            action.setEnabled(reason is None)
            base = self._base_tip(spec)
            action.setToolTip(base if reason is None else f"{base} — {reason}")
            action.setProperty("disabled_reason", reason or "")

    def shortcut_lines(self) -> list[str]:
        lines = []
        for name, spec in self.specs.items():
            shortcut = (
                self.actions[name].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            )
            lines.append(f"{shortcut}\t{spec.text.replace('&', '')}")
        return lines
