"""The dispatcher's settings: one declared schema with defaults and limits, stored as INI.

Every option is declared once (name, default, check) so a hand-edited or old file cannot put a
nonsense value into the window: a bad value is logged and replaced by its default. The file
carries a schema version; :func:`_upgrade` turns an older file into the current form.
No Qt here: the schema is tested without a display.
"""

from __future__ import annotations

import configparser
import logging
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

log = logging.getLogger("console.ui.settings")

SCHEMA_VERSION: Final = 1
LANGUAGES: Final = ("system", "da", "en")
_SECTION: Final = "console"


class SettingsValueError(ValueError):
    """A setting outside its allowed values (the message names it and the limits)."""


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    #: ``system`` follows the desktop's language (Danish when it is Danish, else English).
    language: str = "system"
    #: A short tone on new acceptances and when a mission has too few; off unless switched on.
    sound: bool = False
    #: A mission is marked when fewer than ``min_accepted`` accepted within this many seconds.
    no_acceptance_after_s: int = 60
    min_accepted: int = 2
    #: What the Alert more dialog proposes.
    alert_more_count: int = 5

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise SettingsValueError(
                f"language {self.language!r} is not one of {', '.join(LANGUAGES)}"
            )
        _range("no_acceptance_after_s", self.no_acceptance_after_s, 10, 600)
        _range("min_accepted", self.min_accepted, 1, 20)
        _range("alert_more_count", self.alert_more_count, 1, 20)

    def changed(self, **values: Any) -> ConsoleSettings:
        return replace(self, **values)


def _range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsValueError(
            f"{name} must be a whole number from {low} to {high}, got {value!r}"
        )


def _parse(name: str, text: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsValueError(f"{name} must be true or false, got {text!r}")
    if isinstance(default, int):
        try:
            return int(text.strip())
        except ValueError:
            raise SettingsValueError(f"{name} must be a whole number, got {text!r}") from None
    return text.strip()


def _upgrade(values: dict[str, str], version: int) -> dict[str, str]:
    """Bring an older file's values to the current schema (version 1 is the first)."""
    if version > SCHEMA_VERSION:
        log.info("settings file is from a newer console (schema %d); reading what we know", version)
    return values


class SettingsStore:
    """Reads and writes :class:`ConsoleSettings` to one INI file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> ConsoleSettings:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(self.path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            log.error("settings file %s is unreadable (%s); using defaults", self.path, exc)
            return ConsoleSettings()
        if not parser.has_section(_SECTION):
            return ConsoleSettings()
        raw = dict(parser.items(_SECTION))
        try:
            version = int(raw.pop("version", "1"))
        except ValueError:
            version = 1
        raw = _upgrade(raw, version)
        settings = ConsoleSettings()
        for item in fields(ConsoleSettings):
            if item.name not in raw:
                continue
            default = getattr(settings, item.name)
            try:
                settings = settings.changed(
                    **{item.name: _parse(item.name, raw[item.name], default)}
                )
            except SettingsValueError as exc:
                log.error("setting ignored, default %r used: %s", default, exc)
        return settings

    def save(self, settings: ConsoleSettings) -> None:
        parser = configparser.ConfigParser(interpolation=None)
        values = {"version": str(SCHEMA_VERSION)}
        for item in fields(ConsoleSettings):
            value = getattr(settings, item.name)
            values[item.name] = (
                ("true" if value else "false") if isinstance(value, bool) else str(value)
            )
        parser[_SECTION] = values
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            parser.write(handle)
        temporary.replace(self.path)
