"""Danish and English: the Danish translation is complete and current, compiles, and shows.

"Complete" is checked four ways: no message in the .ts is unfinished or empty, running
``pyside6-lupdate`` over the window's and the map's code finds no string the .ts lacks, every
literal ``translate(``/``tr(``/``QT_TRANSLATE_NOOP(`` call in that code has a finished Danish
translation (read from the code's syntax tree, so a call lupdate would miss is caught too), and
every ``{placeholder}`` of a source string is in its translation (a missing one would drop data
from the screen).
"""

from __future__ import annotations

import ast
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
#: Where the console's translatable strings are: the window and the map.
SOURCE_DIRS = (ROOT / "console" / "ui", ROOT / "console" / "maps")


def source_files() -> list[Path]:
    return sorted(p for folder in SOURCE_DIRS for p in folder.glob("*.py"))


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
    sources = [str(p) for p in source_files()]
    result = subprocess.run(
        [str(lupdate), *sources, "-ts", str(copy), "-no-obsolete"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(0 new and" in result.stdout + result.stderr, result.stdout + result.stderr
    assert "unfinished" not in copy.read_text(encoding="utf-8")


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def code_strings(path: Path) -> Iterator[tuple[str, str, int]]:
    """(context, source, line) of every translation call with literal text in ``path``:
    ``X.translate("Ctx", "text")``, ``QT_TRANSLATE_NOOP("Ctx", "text")`` and ``self.tr("text")``
    (its context is the enclosing class's name)."""

    def walk(node: ast.AST, cls: str) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from walk(child, child.name)
                continue
            if isinstance(child, ast.Call):
                func, args = child.func, child.args
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2:
                    context, text = _literal(args[0]), _literal(args[1])
                    if context is not None and text is not None:
                        yield context, text, child.lineno
                elif name == "tr" and isinstance(func, ast.Attribute) and args:
                    text = _literal(args[0])
                    if text is not None:
                        yield cls, text, child.lineno
            yield from walk(child, cls)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")), "")


def test_every_string_in_the_window_and_the_map_has_a_finished_danish_translation() -> None:
    finished = set()
    for context, message in messages():
        translation = message.find("translation")
        if translation is not None and translation.get("type") is None:
            finished.add((context, message.findtext("source") or ""))
    found = [
        (path.relative_to(ROOT), line, context, text)
        for path in source_files()
        for context, text, line in code_strings(path)
    ]
    assert len({f[0].parts[1] for f in found}) == 2  # both console/ui and console/maps
    missing = [f for f in found if (f[2], f[3]) not in finished]
    assert not missing, "no finished Danish translation for:\n" + "\n".join(map(str, missing))


def test_the_map_strings_are_in_the_danish_translation() -> None:
    contexts = {context for context, _ in messages()}
    assert {"MapLegend", "MapControls", "MapPopup", "MapItems", "MapLayers"} <= contexts


@pytest.fixture
def danish(qapp: QApplication, tmp_path: Path) -> Iterator[str]:
    lang, translators = i18n.install(qapp, "da", tmp_path)
    yield lang
    i18n.uninstall(qapp, translators)


def test_danish_is_shown(danish: str) -> None:
    assert danish == "da"
    assert QCoreApplication.translate("Texts", "Accepted") == "Accepteret"
    assert QCoreApplication.translate("MainWindow", "Sending %n command(s)…", "", 3) == (
        "Sender 3 kommandoer…"
    )
    panel = MissionPanel([])
    assert panel.title.text() == "Ingen opgave valgt"
    assert panel.tiles["to_aed"].caption.text() == "Henter hjertestarter"
    assert distance_text(1234) == "1,2 km"


def test_a_shipped_qm_is_used_only_while_it_matches_its_ts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shipped = tmp_path / "i18n"
    shipped.mkdir()
    for lang in i18n.LANGUAGES:
        shutil.copy(TS.with_name(i18n.TS_NAME.format(lang=lang)), shipped)
    monkeypatch.setattr(i18n, "ts_file", lambda lang: shipped / i18n.TS_NAME.format(lang=lang))
    cache = tmp_path / "cache"

    made = i18n.compile_all(shipped)  # what make install does for the working tree
    assert [p.name for p in made] == [
        i18n.qm_name(lang, (shipped / i18n.TS_NAME.format(lang=lang)).read_bytes())
        for lang in i18n.LANGUAGES
    ]
    assert i18n.qm_file("da", cache) == made[0]
    assert not cache.exists()  # nothing compiled at start-up

    # The .ts changes after the build (an edit, a checkout): the shipped .qm is stale.
    source = shipped / "amk_console_da.ts"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fallback = i18n.qm_file("da", cache)
    assert fallback.parent == cache
    assert fallback.name == i18n.qm_name("da", source.read_bytes())
    assert i18n.qm_file("da", cache) == fallback  # compiled once per version

    again = i18n.compile_all(shipped)
    assert sorted(p.name for p in shipped.glob("*.qm")) == sorted(p.name for p in again)


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
