"""Writes ``cue.wav``, the console's sound cue: two short sine tones (880 Hz, then 1320 Hz).

Made here with Python's :mod:`wave` module, so the file has no third-party origin or licence.
Run ``python resources/sounds/make_cue.py`` to write it again; the output is byte-for-byte the
same each time (16-bit mono PCM at 22,050 Hz, 0.36 s, with 10 ms fades against clicks).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
AMPLITUDE = 0.35
TONES = ((880.0, 0.16), (0.0, 0.04), (1320.0, 0.16))
FADE_S = 0.010


def samples() -> list[int]:
    out: list[int] = []
    for frequency, seconds in TONES:
        count = int(RATE * seconds)
        fade = int(RATE * FADE_S)
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade) if frequency else 0.0
            value = AMPLITUDE * envelope * math.sin(2 * math.pi * frequency * i / RATE)
            out.append(round(value * 32767))
    return out


def write(path: Path) -> None:
    with wave.open(str(path), "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(2)
        output.setframerate(RATE)
        output.writeframes(b"".join(struct.pack("<h", s) for s in samples()))


if __name__ == "__main__":
    write(Path(__file__).with_name("cue.wav"))
