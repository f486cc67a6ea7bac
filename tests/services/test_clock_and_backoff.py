"""The manual clock wakes sleepers in order; the backoff grows, is capped and jittered."""

from __future__ import annotations

import asyncio
import random

import pytest

from console.services.clock import ManualClock, settle
from console.services.link import Backoff


async def test_sleepers_wake_in_time_order_at_their_own_moment() -> None:
    clock = ManualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    tasks = [asyncio.ensure_future(sleeper(n, s)) for n, s in (("b", 3.0), ("a", 1.0))]
    await settle()
    assert clock.sleepers == 2
    await clock.advance(2.0)
    assert woke == [("a", 1.0)]
    await clock.advance(5.0)
    assert woke == [("a", 1.0), ("b", 3.0)]
    assert clock.monotonic() == 7.0
    await asyncio.gather(*tasks)
    with pytest.raises(ValueError, match="forward"):
        await clock.advance(-1)


async def test_the_wall_clock_moves_with_it() -> None:
    clock = ManualClock()
    start = clock.now()
    await clock.advance(1.25)
    assert (clock.now() - start).total_seconds() == 1.25


def test_backoff_grows_to_its_cap_with_jitter_below_the_base() -> None:
    backoff = Backoff(initial_s=0.5, factor=2.0, cap_s=15.0, jitter=0.5)
    rng = random.Random(7)
    delays = [backoff.delay(attempt, rng) for attempt in range(12)]
    bases = [min(15.0, 0.5 * 2**a) for a in range(12)]
    assert all(base * 0.5 <= d <= base for d, base in zip(delays, bases, strict=True))
    assert max(delays) <= 15.0
    assert len(set(delays)) == len(delays)
    assert Backoff(jitter=0.0).delay(100, rng) == 15.0


@pytest.mark.parametrize(
    "kwargs",
    [{"initial_s": 0}, {"initial_s": 20, "cap_s": 10}, {"factor": 0.5}, {"jitter": 1.5}],
)
def test_bad_backoff_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        Backoff(**kwargs)
