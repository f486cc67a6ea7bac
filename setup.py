"""The package's one build step beyond pyproject.toml: the translations are compiled into it.

``build_py`` copies the package as usual, then runs ``lrelease`` from the PySide6 wheel on every
``resources/i18n/*.ts`` and writes the ``.qm`` beside it in the build tree, so a wheel ships
``console/resources/i18n/amk_console_<lang>-<digest>.qm``. The digest is the first 12 hex digits
of the ``.ts`` file's SHA-256: :func:`console.ui.i18n.qm_name` names them the same way and uses a
shipped ``.qm`` only when its name matches the ``.ts`` beside it (this file cannot import the
console, which needs the runtime dependencies, so the rule is written twice; a packaging test
checks that the two agree).

``lrelease`` comes from the build environment's PySide6: ``pyside6-essentials`` is a build
requirement in pyproject.toml, and with ``--no-build-isolation`` the project's virtual
environment has it. Editable installs skip the step: ``make install`` compiles the translations
into ``resources/i18n/`` itself.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

I18N = Path("resources") / "i18n"


def qm_name(ts: Path) -> str:
    lang = ts.stem.removeprefix("amk_console_")
    return f"amk_console_{lang}-{hashlib.sha256(ts.read_bytes()).hexdigest()[:12]}.qm"


def find_lrelease() -> str:
    try:
        import PySide6
    except ImportError:
        folder = None
    else:
        folder = Path(PySide6.__file__).parent
    if folder is not None:
        for candidate in ("lrelease", "lrelease.exe", "Qt/libexec/lrelease"):
            if (folder / candidate).is_file():
                return str(folder / candidate)
    for name in ("pyside6-lrelease", "lrelease"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(
        "lrelease not found: the build needs PySide6 (pyside6-essentials) to compile the "
        "translations; build with isolation, or install PySide6 into the environment first"
    )


class BuildPyWithTranslations(build_py):
    """``build_py`` that also compiles ``resources/i18n/*.ts`` into the build tree."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        sources = sorted(I18N.glob("amk_console_*.ts"))
        if not sources:
            raise SystemExit(f"no translation sources in {I18N}")
        target = Path(self.build_lib) / "console" / "resources" / "i18n"
        target.mkdir(parents=True, exist_ok=True)
        # A working tree's own .qm files (make install) may be stale; only fresh ones ship.
        for old in target.glob("*.qm"):
            old.unlink()
        lrelease = find_lrelease()
        for ts in sources:
            qm = target / qm_name(ts)
            result = subprocess.run(
                [lrelease, "-silent", str(ts), "-qm", str(qm)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0 or not qm.is_file():
                raise SystemExit(f"lrelease failed on {ts}: {result.stderr.strip()}")
            self.announce(f"compiled {ts} -> {qm}", level=2)


setup(cmdclass={"build_py": BuildPyWithTranslations})
