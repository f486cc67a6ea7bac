"""The package ships what it needs: every sub-package is listed, the reference data is inside."""

from __future__ import annotations

import importlib.resources
import tomllib
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
