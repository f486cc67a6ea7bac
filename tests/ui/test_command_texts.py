"""A command in the failure bands and the status bar reads in the console's language, naming the
mission by its address while the console knows it (the id is only a fallback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from console.api.commands import Command
from console.domain.model import AgeGroup, LatLon
from console.ui import i18n, texts

RAISE = Command.raise_mission(LatLon(55.68, 12.57), "Jagtvej 111", AgeGroup.ADULT)
COMMANDS = [
    Command.alert_more("m-7", 3, 6000.0),
    Command.message("m-7", "Døren er åben"),
    Command.cancel("m-7", "false alarm"),
    Command.close("m-7", "ems_on_scene"),
]


def test_in_english(qapp: QApplication) -> None:
    assert texts.command_label(RAISE) == "Raise alert: Jagtvej 111"
    assert [texts.command_label(c, "Nørregade 1") for c in COMMANDS] == [
        "Alert more responders: Nørregade 1",
        "Message responders: Nørregade 1",
        "Cancel the alert: Nørregade 1",
        "Close the mission: Nørregade 1",
    ]
    assert texts.command_label(COMMANDS[2]) == "Cancel the alert: mission m-7"


@pytest.fixture
def danish(qapp: QApplication, tmp_path: Path) -> Iterator[str]:
    lang, translators = i18n.install(qapp, "da", tmp_path)
    yield lang
    i18n.uninstall(qapp, translators)


def test_in_danish(danish: str) -> None:
    assert texts.command_label(RAISE) == "Udløs alarm: Jagtvej 111"
    assert [texts.command_label(c, "Nørregade 1") for c in COMMANDS] == [
        "Alarmér flere hjerteløbere: Nørregade 1",
        "Besked til hjerteløbere: Nørregade 1",
        "Annullér alarmen: Nørregade 1",
        "Afslut opgaven: Nørregade 1",
    ]
    assert texts.command_label(COMMANDS[3]) == "Afslut opgaven: opgave m-7"
