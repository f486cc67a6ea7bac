"""Danish and English with Qt's translation tools.

The source language is English. ``resources/i18n/amk_console_da.ts`` is the Danish translation
as Qt Linguist edits it (``make i18n`` refreshes it from ``console/ui`` and ``console/maps``
with ``pyside6-lupdate``); ``amk_console_en.ts`` holds only the English plural forms. Qt's own
strings (OK, Cancel) come from Qt's translations.

The compiled ``.qm`` files are made at build time with ``lrelease`` from the PySide6 wheel and
named after the digest of their ``.ts`` (``amk_console_da-<digest>.qm``, :func:`qm_name`), so a
``.qm`` is current exactly when its name matches the ``.ts`` beside it:

- a wheel gets them from the build step in ``setup.py`` (``build_py``), which names them the
  same way;
- the editable install (``make install``) gets them in ``resources/i18n/`` from
  ``python -m console.ui.i18n resources/i18n`` (:func:`compile_all`).

Only when no current ``.qm`` is shipped is the ``.ts`` compiled at start-up, into the user's
data directory under the same name, once per version. That happens in a working tree whose
``.ts`` was edited (or checked out) after ``make install``, or in an editable install made
without ``make``; never for an installed wheel.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from console.maps import payload as map_payload
from console.ui import texts

log = logging.getLogger("console.ui.i18n")

LANGUAGES = ("da", "en")
TS_NAME = "amk_console_{lang}.ts"
#: ``setup.py`` names the ``.qm`` files it builds the same way (keep the two in step).
QM_NAME = "amk_console_{lang}-{digest}.qm"


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


def qm_name(lang: str, source: bytes) -> str:
    """The compiled translation's file name for a ``.ts`` with the content ``source``."""
    return QM_NAME.format(lang=lang, digest=hashlib.sha256(source).hexdigest()[:12])


def qm_file(lang: str, cache_dir: Path) -> Path:
    """A compiled translation for ``lang``: the shipped one if current, else compiled now."""
    source = ts_file(lang)
    if not source.is_file():
        raise TranslationError(f"no translation source {source}")
    name = qm_name(lang, source.read_bytes())
    shipped = source.parent / name
    if shipped.is_file():
        return shipped
    cached = cache_dir / name
    if not cached.is_file():
        compile_ts(source, cached)
        log.info("no current compiled %s translation shipped; compiled it into %s", lang, cached)
    return cached


def compile_all(folder: Path) -> list[Path]:
    """Compile every ``.ts`` in ``folder`` beside it (``make install``), dropping stale ones."""
    made = []
    for lang in LANGUAGES:
        source = folder / TS_NAME.format(lang=lang)
        target = folder / qm_name(lang, source.read_bytes())
        for old in folder.glob(QM_NAME.format(lang=lang, digest="*")):
            if old != target:
                old.unlink()
        made.append(compile_ts(source, target))
    return made


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
    ours = QTranslator(app)
    path = qm_file(lang, cache_dir)
    if not ours.load(str(path)):
        raise TranslationError(f"Qt could not load {path}")
    # Before the translator: installing it sends LanguageChange, and what is re-rendered then
    # must already write its numbers in the new language.
    texts.use_number_language(lang)
    map_payload.use_number_language(lang)
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


class Translation:
    """The console's installed language, which the dispatcher may change while it runs.

    Swapping the translators is all a change takes: Qt then sends ``QEvent.LanguageChange`` to
    every widget, and each widget that shows translated text sets it again (``_retranslate``).
    The composition root makes one at start-up and removes its translators at the end; the
    window calls :meth:`switch` when the language setting changes.
    """

    def __init__(self, app: QApplication, setting: str, cache_dir: Path) -> None:
        self._app = app
        self._cache_dir = cache_dir
        self.language, self._translators = install(app, setting, cache_dir)

    def switch(self, setting: str) -> bool:
        """Install the language of ``setting`` in place of the current one; True if it changed.

        The new translator is loaded before the old one is removed, so a translation that
        cannot be loaded leaves the console in the language it had.
        """
        if choose_language(setting) == self.language:
            return False
        old = self._translators
        lang, self._translators = install(self._app, setting, self._cache_dir)
        for translator in old:
            self._app.removeTranslator(translator)
        self.language = lang
        return True

    def uninstall(self) -> None:
        uninstall(self._app, self._translators)
        self._translators = []


if __name__ == "__main__":
    for made in compile_all(Path(sys.argv[1] if len(sys.argv) > 1 else ts_file("da").parent)):
        print(made)
