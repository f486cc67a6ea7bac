"""Danish and English: the Danish translation is complete and current, compiles, and shows.

"Complete" is checked three ways: no message in the .ts is unfinished or empty, running
``pyside6-lupdate`` over the code finds no string the .ts lacks, and every ``{placeholder}`` of
a source string is in its translation (a missing one would drop data from the screen).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from console.ui import i18n
from console.ui.mission_panel import MissionPanel
from console.ui.texts import distance_text

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "amk_console_da.ts"


def messages() -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(TS).getroot().findall("context"):
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            yield name, message


def test_the_shipped_source_is_the_one_the_package_reads() -> None:
    assert i18n.ts_file("da").resolve() == TS.resolve()


def test_every_message_has_a_finished_danish_translation() -> None:
    seen = 0
    for context, message in messages():
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        assert translation.get("type") not in ("unfinished", "obsolete", "vanished"), (
            context,
            source,
        )
        if message.get("numerus") == "yes":
            forms = [f.text or "" for f in translation.findall("numerusform")]
            assert len(forms) == 2, (context, source)  # Danish: one, other
            assert all(forms), (context, source)
            texts = forms
        else:
            assert translation.text, (context, source)
            texts = [translation.text]
        wanted = set(re.findall(r"\{\w+\}", source)) | set(re.findall(r"%n", source))
        for text in texts:
            assert wanted <= set(re.findall(r"\{\w+\}|%n", text)), (context, source, text)
        seen += 1
    assert seen > 200


def test_lupdate_finds_no_string_the_translation_lacks(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"  # installed with PySide6
    assert lupdate.is_file()
    copy = tmp_path / "check.ts"
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in (ROOT / "console" / "ui").glob("*.py"))
    result = subprocess.run(
        [str(lupdate), *sources, "-ts", str(copy), "-no-obsolete"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(0 new and" in result.stdout + result.stderr, result.stdout + result.stderr
    assert "unfinished" not in copy.read_text(encoding="utf-8")


@pytest.fixture
def danish(qapp: QApplication, tmp_path: Path) -> Iterator[str]:
    lang, translators = i18n.install(qapp, "da", tmp_path)
    yield lang
    i18n.uninstall(qapp, translators)


def test_danish_is_compiled_at_first_start_and_shown(danish: str, tmp_path: Path) -> None:
    assert danish == "da"
    assert list(tmp_path.glob("amk_console_da-*.qm"))
    assert QCoreApplication.translate("Texts", "Accepted") == "Accepteret"
    assert QCoreApplication.translate("MainWindow", "Sending %n command(s)…", "", 3) == (
        "Sender 3 kommandoer…"
    )
    panel = MissionPanel([])
    assert panel.title.text() == "Ingen opgave valgt"
    assert panel.tiles["to_aed"].caption.text() == "Henter hjertestarter"
    assert distance_text(1234) == "1,2 km"


def test_english_plural_forms(qapp: QApplication, tmp_path: Path) -> None:
    lang, translators = i18n.install(qapp, "en", tmp_path)
    try:
        assert lang == "en"
        assert QCoreApplication.translate("Texts", "Accepted") == "Accepted"
        assert QCoreApplication.translate("MainWindow", "Sending %n command(s)…", "", 1) == (
            "Sending 1 command…"
        )
        assert QCoreApplication.translate("MainWindow", "Sending %n command(s)…", "", 2) == (
            "Sending 2 commands…"
        )
    finally:
        i18n.uninstall(qapp, translators)


def test_system_language_follows_the_locale() -> None:
    assert i18n.choose_language("system", QLocale(QLocale.Language.Danish)) == "da"
    assert i18n.choose_language("system", QLocale(QLocale.Language.German)) == "en"
    assert i18n.choose_language("en", QLocale(QLocale.Language.Danish)) == "en"
