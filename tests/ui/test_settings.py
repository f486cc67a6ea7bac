"""The settings schema: defaults, limits, a file that round-trips, and bad files survived."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.ui.settings import ConsoleSettings, SettingsStore, SettingsValueError


def test_defaults_sound_off_and_the_issues_threshold() -> None:
    settings = ConsoleSettings()
    assert settings.sound is False
    assert settings.language == "system"
    assert (settings.no_acceptance_after_s, settings.min_accepted) == (60, 2)


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "s.ini")
    wanted = ConsoleSettings(language="da", sound=True, no_acceptance_after_s=90, min_accepted=3)
    store.save(wanted)
    assert store.load() == wanted
    assert "version = 1" in (tmp_path / "s.ini").read_text(encoding="utf-8")


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path / "none.ini").load() == ConsoleSettings()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("language", "fr", "language 'fr' is not one of system, da, en"),
        ("no_acceptance_after_s", 5, "from 10 to 600"),
        ("min_accepted", 0, "from 1 to 20"),
        ("alert_more_count", 21, "from 1 to 20"),
        ("min_accepted", True, "whole number"),
    ],
)
def test_values_outside_the_schema_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(SettingsValueError, match=message):
        ConsoleSettings().changed(**{field: value})


@pytest.mark.allow_log_warnings
def test_a_hand_edited_bad_value_is_replaced_by_its_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.ini"
    path.write_text(
        "[console]\nversion = 1\nsound = maybe\nmin_accepted = 99\nlanguage = da\n",
        encoding="utf-8",
    )
    settings = SettingsStore(path).load()
    assert settings == ConsoleSettings(language="da")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "sound must be true or false" in logged
    assert "min_accepted must be a whole number from 1 to 20" in logged
