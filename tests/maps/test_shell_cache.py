"""The map page kept between starts: read back without folium, never stale, never damaged.

A page served from the cache that no longer matches its inputs would show yesterday's styles or
texts, or a policy whose hashes no longer match the scripts (a blank map); these tests change
each kind of input and expect a new page.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.maps import shell
from console.maps.shell import TileLayerConfig, build_page

ROOT = Path(__file__).resolve().parents[2]
TILES = TileLayerConfig(
    "https://tiles.amk.example/{z}/{x}/{y}.png", 17, "© AMK", "https://tiles.amk.example"
)


@pytest.fixture(autouse=True)
def _fresh_process_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing in memory, only what is on disk."""
    monkeypatch.setattr(shell, "_pages", {})


def _forget() -> None:
    shell._pages.clear()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("map-shell-*.html"))


def test_a_second_start_reads_the_page_back(tmp_path: Path) -> None:
    first = build_page(cache_dir=tmp_path)
    [kept] = _files(tmp_path)
    _forget()
    assert build_page(cache_dir=tmp_path) == first
    assert _files(tmp_path) == [kept]


def test_a_warm_start_imports_no_folium(tmp_path: Path) -> None:
    """What the cache is for: in a fresh interpreter, the page comes without folium."""
    build_page(cache_dir=tmp_path)
    probe = (
        "import sys, json; from pathlib import Path\n"
        "from console.maps.shell import build_page\n"
        f"page = build_page(cache_dir=Path({str(tmp_path)!r}))\n"
        "heavy = ('folium', 'branca', 'jinja2', 'requests', 'scipy')\n"
        "print(json.dumps([len(page), sorted(m for m in heavy if m in sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    length, loaded = json.loads(done.stdout.splitlines()[-1])
    assert length == len(build_page(cache_dir=tmp_path))
    assert loaded == []


def _changed_styles(original: Any) -> Any:
    def styles() -> dict[str, object]:
        table = original()
        table["incident"] = {**table["incident"], "label": "Changed incident label"}
        return table

    return styles


@pytest.mark.parametrize(
    "change",
    ["styles", "zoom", "tiles", "library", "builder"],
)
def test_a_changed_input_makes_a_new_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    before = build_page(cache_dir=tmp_path)
    _forget()
    tiles = None
    if change == "styles":
        monkeypatch.setattr(shell, "page_styles", _changed_styles(shell.page_styles))
    elif change == "zoom":
        monkeypatch.setattr(shell, "MAX_ZOOM", shell.MAX_ZOOM - 1)
    elif change == "tiles":
        tiles = TILES
    elif change == "library":
        versions = {**shell._library_versions(), "folium": "folium-99.0.dist-info"}
        monkeypatch.setattr(shell, "_library_versions", lambda: versions)
    else:
        monkeypatch.setattr(shell, "_builder_source", lambda: "0" * 64)
    after = build_page(tiles, cache_dir=tmp_path)
    assert len(_files(tmp_path)) == 2
    if change == "styles":
        assert "Changed incident label" in after
        assert "Changed incident label" not in before
    elif change == "zoom":
        assert f'"maxZoom": {shell.MAX_ZOOM}' in after
    elif change == "tiles":
        assert "https://tiles.amk.example" in after
        assert "https://tiles.amk.example" not in before


def test_the_digest_covers_everything_the_page_is_made_from(tmp_path: Path) -> None:
    """Every key of the script's configuration but the layer names folium makes up is hashed."""
    page = build_page(cache_dir=tmp_path)
    boot = page[page.index("AMK.boot(") :]
    config = json.loads(boot[boot.index(",") + 1 : boot.index(");")])
    assert set(config) - {"layers"} == set(shell._page_config(None))


def _rewrite(path: Path, page: str, *, digest: str | None = None) -> None:
    body = shell.hashlib.sha256(page.encode()).hexdigest()
    header_digest = digest or path.stem.removeprefix("map-shell-")
    path.write_text(f"amk-map-shell {header_digest} {body}\n{page}", encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "edited", "other digest", "online", "empty"])
def test_a_damaged_cache_file_is_made_again(tmp_path: Path, damage: str) -> None:
    good = build_page(cache_dir=tmp_path)
    [path] = _files(tmp_path)
    text = path.read_text(encoding="utf-8")
    if damage == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "edited":
        path.write_text(text.replace("AMK.boot", "AMK.boom"), encoding="utf-8")
    elif damage == "other digest":
        _rewrite(path, good, digest="f" * 64)
    elif damage == "online":
        # Intact by its own hash, but it loads a script from the web: refused all the same.
        _rewrite(path, good.replace("amk-map://app/static/map.js", "https://cdn.example/map.js"))
    else:
        path.write_bytes(b"")
    _forget()
    again = build_page(cache_dir=tmp_path)
    assert "AMK.boot(" in again
    assert "https://" not in again
    assert path.read_text(encoding="utf-8").endswith(again)


def test_old_pages_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell, "CACHE_KEEP", 2)
    for n in range(4):
        monkeypatch.setattr(shell, "_builder_source", lambda n=n: f"{n:064d}")
        build_page(cache_dir=tmp_path)
    assert len(_files(tmp_path)) == 2


@pytest.mark.allow_log_warnings
def test_an_unwritable_cache_costs_only_the_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    page = build_page(cache_dir=blocked)
    assert "AMK.boot(" in page
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "could not keep the map page" in warnings[0].getMessage()
    assert not list(tmp_path.glob("**/*.tmp"))


def test_the_default_cache_is_the_users_cache_directory() -> None:
    import platformdirs

    assert shell.default_cache_dir().is_relative_to(platformdirs.user_cache_path())
