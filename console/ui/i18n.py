"""Danish and English with Qt's translation tools.

The source language is English. ``resources/i18n/amk_console_da.ts`` is the Danish translation
as Qt Linguist edits it (``make i18n`` refreshes it from ``console/ui`` and ``console/maps``
with ``pyside6-lupdate``);
``amk_console_en.ts`` holds only the English plural forms. The
compiled ``.qm`` is made with ``lrelease`` from the PySide6 wheel: by ``make install`` into
``resources/i18n/``, and — when that is missing or older than the ``.ts`` (a plain ``pip
install``) — at start-up into the user's data directory, keyed by the ``.ts`` file's digest so
it is compiled once per version. Qt's own strings (OK, Cancel) come from Qt's translations.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import shutil
import subprocess
from pathlib import Path

import PySide6
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from console.maps import payload as map_payload
from console.ui import texts

log = logging.getLogger("console.ui.i18n")

LANGUAGES = ("da", "en")
TS_NAME = "amk_console_{lang}.ts"


class TranslationError(RuntimeError):
    """The Danish translation could not be compiled or loaded."""


def ts_file(lang: str) -> Path:
    resource = importlib.resources.files("console.resources") / "i18n" / TS_NAME.format(lang=lang)
    return Path(str(resource))


def lrelease() -> Path:
    """The ``lrelease`` shipped in the PySide6 wheel."""
    folder = Path(PySide6.__file__).parent
    for candidate in (folder / "lrelease", folder / "Qt" / "libexec" / "lrelease"):
        if candidate.is_file():
            return candidate
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found is None:
        raise TranslationError("lrelease not found (it ships with PySide6)")
    return Path(found)


def compile_ts(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(lrelease()), "-silent", str(source), "-qm", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not target.is_file():
        raise TranslationError(f"lrelease failed on {source}: {result.stderr.strip()}")
    return target


def qm_file(lang: str, cache_dir: Path) -> Path:
    """A compiled translation for ``lang``: the shipped one if current, else compiled now."""
    source = ts_file(lang)
    if not source.is_file():
        raise TranslationError(f"no translation source {source}")
    shipped = source.with_suffix(".qm")
    if shipped.is_file() and shipped.stat().st_mtime >= source.stat().st_mtime:
        return shipped
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    cached = cache_dir / f"amk_console_{lang}-{digest}.qm"
    if not cached.is_file():
        compile_ts(source, cached)
        log.info("compiled the %s translation into %s", lang, cached)
    return cached


def choose_language(setting: str, system: QLocale | None = None) -> str:
    """``da`` or ``en`` for the setting (``system`` follows the desktop's locale)."""
    if setting in LANGUAGES:
        return setting
    locale = system or QLocale.system()
    return "da" if locale.language() == QLocale.Language.Danish else "en"


def install(app: QApplication, setting: str, cache_dir: Path) -> tuple[str, list[QTranslator]]:
    """Install the translators for the chosen language; returns ``da``/``en`` and them.

    English is the source language, but it has a translation too: the plural forms only
    (``%n responder(s)`` → "1 responder", "2 responders"), as Qt's documentation advises.
    """
    lang = choose_language(setting)
    texts.use_number_language(lang)
    map_payload.use_number_language(lang)
    ours = QTranslator(app)
    path = qm_file(lang, cache_dir)
    if not ours.load(str(path)):
        raise TranslationError(f"Qt could not load {path}")
    app.installTranslator(ours)
    installed = [ours]
    if lang == "da":
        qt_base = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_base.load(QLocale(QLocale.Language.Danish), "qtbase", "_", folder):
            app.installTranslator(qt_base)
            installed.append(qt_base)
    return lang, installed


def uninstall(app: QApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
    texts.use_number_language("en")
    map_payload.use_number_language("en")
