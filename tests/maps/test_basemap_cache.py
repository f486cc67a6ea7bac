"""The basemap script is kept on disk by the digest of its inputs: reused while they hold, never
after one changes, and never when the file is damaged."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.maps import basemap
from console.maps.basemap import basemap_script, make_basemap_script
from console.maps.disk_cache import DigestCache


@pytest.fixture(autouse=True)
def _fresh_process_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing in memory, only what is on disk."""
    monkeypatch.setattr(basemap, "_scripts", {})


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("basemap-*.js"))


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    made: list[bytes] = []

    def counting() -> bytes:
        made.append(make_basemap_script())
        return made[-1]

    monkeypatch.setattr(basemap, "make_basemap_script", counting)
    return made


def test_a_second_start_reads_the_script_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _count_builds(monkeypatch)
    first = basemap_script(cache_dir=tmp_path)
    assert len(made) == 1
    [kept] = _files(tmp_path)
    monkeypatch.setattr(basemap, "_scripts", {})
    assert basemap_script(cache_dir=tmp_path) == first
    assert len(made) == 1  # read back, not made again
    assert _files(tmp_path) == [kept]
    assert first == make_basemap_script()


def test_a_changed_input_makes_a_new_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached script of other inputs (here: an edited town file) is not used."""
    made = _count_builds(monkeypatch)
    basemap_script(cache_dir=tmp_path)
    monkeypatch.setattr(basemap, "_scripts", {})
    real = basemap._data_file

    def edited(name: str) -> bytes:
        data = real(name)
        return data + b"\n" if name == "towns.csv" else data

    monkeypatch.setattr(basemap, "_data_file", edited)
    basemap_script(cache_dir=tmp_path)
    assert len(made) == 2
    assert len(_files(tmp_path)) == 2


@pytest.mark.parametrize("damage", ["truncated", "other body", "empty", "not a script"])
def test_a_damaged_cache_file_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    good = basemap_script(cache_dir=tmp_path)
    [path] = _files(tmp_path)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "other body":
        path.write_bytes(data.replace(b"AMK_BASEMAP", b"AMK_BASEMAQ"))
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # intact by its own hash, but not what the page expects
        DigestCache(tmp_path, "basemap", ".js", 3, "x").write(basemap.basemap_digest(), b"{}")
    monkeypatch.setattr(basemap, "_scripts", {})
    made = _count_builds(monkeypatch)
    assert basemap_script(cache_dir=tmp_path) == good
    assert len(made) == 1
    assert path.read_bytes().endswith(good)


def test_threads_asking_at_once_make_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheme handler prepares it in a worker while the page may already ask for it."""
    made = _count_builds(monkeypatch)
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(basemap_script(cache_dir=tmp_path)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert len(set(results)) == 1
