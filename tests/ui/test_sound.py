"""The sound cue: off by default, merged in bursts, and the shipped file is the tone it says."""

from __future__ import annotations

import wave

from PySide6.QtWidgets import QApplication

from console.ui.settings import ConsoleSettings
from console.ui.sound import MIN_GAP_S, SoundCue, cue_file


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_default_is_silent_and_loads_no_audio(qapp: QApplication) -> None:
    cue = SoundCue(ConsoleSettings().sound)
    assert cue.play("new acceptance") is False
    assert cue.played == 0
    assert cue._effect is None  # QtMultimedia never touched


def test_a_burst_is_one_cue(qapp: QApplication) -> None:
    clock = Clock()
    cue = SoundCue(True, monotonic=clock)
    cue._effect = Silent()  # the real QSoundEffect needs an audio device; CI has none
    assert cue.play("first") is True
    clock.now += MIN_GAP_S / 2
    assert cue.play("second, merged") is False
    clock.now += MIN_GAP_S
    assert cue.play("third") is True
    assert cue.played == 2
    assert cue._effect.plays == 2


class Silent:
    def __init__(self) -> None:
        self.plays = 0

    def play(self) -> None:
        self.plays += 1


def test_the_shipped_cue_is_a_short_16_bit_tone() -> None:
    path = cue_file()
    assert path.name == "cue.wav"
    with wave.open(str(path), "rb") as tone:
        assert tone.getnchannels() == 1
        assert tone.getsampwidth() == 2
        assert tone.getframerate() == 22_050
        seconds = tone.getnframes() / tone.getframerate()
    assert 0.2 < seconds < 1.0
