"""Where files go: one cache per dispatch service, training database and cache together."""

from __future__ import annotations

from pathlib import Path

from console.ui.data_dirs import DataDirs


def test_a_cache_per_service_host_and_port(tmp_path: Path) -> None:
    dirs = DataDirs.for_user(tmp_path)
    a = dirs.cache_url_for("https://amk.example/v1")
    assert a == dirs.cache_url_for("https://amk.example:443/")
    assert a != dirs.cache_url_for("https://amk.example:8443/")
    assert a != dirs.cache_url_for("http://amk.example/")
    assert a.startswith(f"sqlite:///{tmp_path / 'caches'}/amk.example_443-")


def test_training_files_live_together(tmp_path: Path) -> None:
    dirs = DataDirs.for_user(tmp_path)
    dirs.ensure()
    assert dirs.training.is_dir()
    assert dirs.training_database_url == f"sqlite:///{tmp_path / 'training' / 'dispatch.sqlite3'}"
    assert dirs.training_cache_url == f"sqlite:///{tmp_path / 'training' / 'cache.sqlite3'}"
    assert dirs.settings_file == tmp_path / "settings.ini"
