"""The sound cue: a short tone on new acceptances and when a mission has too few. Off by default.

QtMultimedia is imported only when the cue is first played with the setting on: loading it
probes audio and video back-ends and, on a machine without them (CI, a terminal server), Qt
logs warnings that would otherwise greet every start of the console. Cues closer together than
:data:`MIN_GAP_S` are merged into one, so a burst of acceptances is one tone, not ten.
"""

from __future__ import annotations

import importlib.resources
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QObject, QUrl

log = logging.getLogger("console.ui.sound")

MIN_GAP_S: Final = 1.5


def cue_file() -> Path:
    """The shipped cue (``resources/sounds/cue.wav``, made by ``make_cue.py`` beside it)."""
    resource = importlib.resources.files("console.resources") / "sounds" / "cue.wav"
    return Path(str(resource))


class SoundCue(QObject):
    def __init__(
        self,
        enabled: bool = False,
        *,
        parent: QObject | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._monotonic = monotonic
        self._effect: Any = None
        self._last = -MIN_GAP_S
        #: Cues played (merged ones not counted): what the tests look at.
        self.played = 0

    def play(self, why: str) -> bool:
        """Play the cue if enabled and not just played; True when it was played."""
        if not self.enabled:
            return False
        now = self._monotonic()
        if now - self._last < MIN_GAP_S:
            return False
        self._last = now
        self.played += 1
        log.info("sound cue: %s", why)
        effect = self._load()
        if effect is not None:
            effect.play()
        return True

    def _load(self) -> Any:
        if self._effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(cue_file())))
            effect.setVolume(0.8)
            self._effect = effect
        return self._effect
