"""Option types shared by ``amk-dispatchd serve`` and ``amk-dispatchd calibrate``.

argparse shows an ``ArgumentTypeError``'s message as it is, so a bad value is answered with
what was wrong and what was typed, the same way in every subcommand.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An option type for whole numbers from ``minimum`` (to ``maximum`` when given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if maximum is not None and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be {minimum}–{maximum}: {text!r}")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}: {text!r}")
        return value

    return parse


def positive_number(text: str) -> float:
    """An option type for numbers above zero (a speed, an interval)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value
