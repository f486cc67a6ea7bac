"""For people, checked rather than promised: every control has a name a screen reader says,
every action a keyboard shortcut that its menu and tooltip show, and every dialog works from the
keyboard alone (the 2x display is tests/ui/test_app.py's, a process of its own).

Names are read the way assistive technology reads them, through :class:`QAccessible` (a line
edit labelled by a form row's buddy label has its name from the label), not from the
``accessibleName`` property alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from missions_for_tests import mission, responder
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from ui_harness import console_running, wait_until

from console.domain.model import ResponderState
from console.ui.composition import Console
from console.ui.login_dialog import LoginDialog
from console.ui.settings import ConsoleSettings
from console.ui.settings_dialog import SettingsDialog
from console.ui.steer_dialogs import AlertMoreDialog, CancelDialog, CloseDialog, MessageDialog

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)

S = ResponderState
MISSION = mission(
    responder(1, S.ACCEPTED, accepted_s=10),
    responder(2, S.DECLINED),
    responder(3, S.ARRIVED, accepted_s=5, arrived_s=200),
)


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, widget
    return interface.text(QAccessible.Text.Name).strip()


def controls(root: QWidget) -> Iterator[QWidget]:
    """The controls a user can reach in ``root``: interactive, visible, taking focus."""
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        # The line edit inside a combo box or spin box is part of that control.
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parentWidget(), QComboBox | QAbstractSpinBox
        ):
            continue
        yield widget


def unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(widget).__name__} {widget.objectName() or '(no object name)'}"
        for widget in controls(root)
        if not spoken_name(widget)
    ]


def focus_chain(root: QWidget) -> set[QWidget]:
    """Every widget Tab reaches from ``root``'s first focus, once round."""
    seen: set[QWidget] = set()
    widget = root.nextInFocusChain()
    while widget is not root and widget not in seen:
        seen.add(widget)
        widget = widget.nextInFocusChain()
    return seen


def assert_keyboard_dialog(dialog: QDialog) -> None:
    dialog.show()
    assert unnamed(dialog) == []
    chain = focus_chain(dialog)
    tab_focus = [
        w for w in controls(dialog) if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()
    ]
    assert tab_focus, "a dialog with nothing to type into or press"
    assert [w.objectName() for w in tab_focus if w not in chain] == []
    # Escape closes every dialog without doing anything (QDialog's own key handling).
    dialog.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda: AlertMoreDialog(MISSION, 5),
        lambda: MessageDialog(MISSION),
        lambda: CancelDialog(MISSION),
        lambda: CloseDialog(MISSION),
        lambda: SettingsDialog(ConsoleSettings()),
        lambda: LoginDialog("https://amk.example", None),
    ],
    ids=["alert-more", "message", "cancel", "close", "settings", "login"],
)
def test_dialogs_name_every_control_and_reach_it_by_tab(qapp: QApplication, make: object) -> None:
    dialog = make()  # type: ignore[operator]
    try:
        assert_keyboard_dialog(dialog)
    finally:
        dialog.deleteLater()


@pytest.fixture
def console(loop: object, qapp: QApplication, tmp_path: Path) -> Iterator[Console]:
    args = ["--simulate", "--world", "empty", "--data-dir", str(tmp_path)]
    with console_running(args, qapp) as running:
        wait_until(running.window.is_live, 30, "a live link")
        yield running


def test_window_actions_keyboard_and_names(console: Console) -> None:
    window = console.window
    window.show()
    in_menus: set[str] = set()
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            in_menus.add(action.objectName())
    shortcuts: list[str] = []
    for name, action in window.actions_.actions.items():
        sequence = action.shortcut()
        assert not sequence.isEmpty(), f"{name} has no shortcut"
        native = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        assert native in action.toolTip(), f"{name}'s tooltip does not show {native}"
        assert name in in_menus, f"{name} is in no menu (menus show the shortcut)"
        shortcuts.append(sequence.toString())
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"
    # Every menu title has a mnemonic (Alt+letter opens it).
    for action in window.menuBar().actions():
        assert "&" in action.text(), action.text()
    assert unnamed(window) == []


def test_raise_dialog_by_keyboard_names_everything(console: Console) -> None:
    dialog = console.window.open_raise_dialog()
    assert dialog is not None
    assert unnamed(dialog) == []
    assert dialog.focusWidget() is dialog.location  # typing starts with the location
    chain = focus_chain(dialog)
    for name in ("location", "address", "adult", "child", "unknown", "note", "raise_button"):
        widget = getattr(dialog, name)
        assert widget in chain or any(w.isAncestorOf(widget) for w in chain), name
    dialog.reject()


def test_the_audit_finds_an_unnamed_control(qapp: QApplication) -> None:
    """The check above would pass on anything if it could not see a nameless field."""
    dialog = QDialog()
    form = QFormLayout(dialog)
    named = QLineEdit(objectName="named")
    form.addRow("&Address:", named)  # named by its buddy label
    bare = QLineEdit(objectName="bare")
    form.addRow(QLabel("not a buddy"), QWidget())
    form.addRow(bare)
    dialog.show()
    try:
        assert spoken_name(named) == "Address:"
        assert unnamed(dialog) == ["QLineEdit bare"]
    finally:
        dialog.deleteLater()
