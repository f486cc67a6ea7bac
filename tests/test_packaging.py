"""The package ships what it needs: every sub-package is listed, the reference data and the
compiled translations are inside."""

from __future__ import annotations

import importlib.resources
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import console

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "console").rglob("__init__.py")
    }
    missing = on_disk - listed
    assert not missing, f"add these packages to [tool.setuptools] packages: {sorted(missing)}"


def test_reference_data_is_read_from_the_package_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = importlib.resources.files("console.resources") / "data"
    names = {entry.name for entry in data.iterdir()}
    assert {
        "README.md",
        "kommuner_2025-06-03.csv",
        "towns.csv",
        "denmark_land.geojson",
    } <= names
    assert "GeoNames" in (data / "README.md").read_text(encoding="utf-8")


def test_package_imports() -> None:
    assert console.__name__ == "console"


def test_test_module_basenames_are_unique() -> None:
    """pytest imports test modules by basename; two with one name break the whole run."""
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(ROOT)} and {path.relative_to(ROOT)}")
        seen.setdefault(path.name, path)
    assert not clashes, f"rename one of each pair: {clashes}"


@pytest.mark.slow
def test_a_built_wheel_ships_the_compiled_translations(tmp_path: Path) -> None:
    """The build compiles resources/i18n/*.ts (setup.py), named as the console looks for them.

    Built offline from a copy of the sources (the working tree's own build/ and .qm files stay
    out of it), in the project's environment, which has the build requirements.
    """
    from PySide6.QtCore import QTranslator

    from console.ui import i18n

    source = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.qm", "*.egg-info", "build")
    for folder in ("console", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=skip)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("amk_console-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = sorted(n for n in names if n.endswith(".qm"))
        expected = sorted(
            "console/resources/i18n/"
            + i18n.qm_name(lang, archive.read(f"console/resources/i18n/amk_console_{lang}.ts"))
            for lang in i18n.LANGUAGES
        )
        assert shipped == expected
        archive.extractall(tmp_path / "unpacked", members=shipped)
    danish, english = QTranslator(), QTranslator()
    assert danish.load(str(tmp_path / "unpacked" / expected[0]))
    assert english.load(str(tmp_path / "unpacked" / expected[1]))
    assert danish.translate("MapLegend", "Legend") == "Signaturforklaring"
    assert danish.translate("Texts", "Accepted") == "Accepteret"
    assert english.translate("MainWindow", "Sending %n command(s)…", "", 2) == (
        "Sending %n commands…"
    )
