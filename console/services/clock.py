"""Time for the services: the system clock in the app, a hand-driven one in tests.

Everything in the services that waits (reconnect backoff, the stale watchdog, the outbox's 30 s
limit) waits through a :class:`Clock`, so tests move time forward instead of sleeping, and the
30-second rules are tested in milliseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from console.domain.timefmt import truncate_ms, utc_now


class Clock(Protocol):
    def now(self) -> datetime:
        """The current UTC time (for records the dispatcher reads)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (for timeouts)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return utc_now()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that stands still until :meth:`advance` moves it; sleepers wake in time order."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = truncate_ms(start or datetime(2025, 6, 3, 12, 0, tzinfo=UTC))
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return truncate_ms(self._start + timedelta(seconds=self._elapsed))

    def monotonic(self) -> float:
        return self._elapsed

    @property
    def sleepers(self) -> int:
        """How many sleeps are pending (tests wait for a task to reach its sleep)."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its own moment and letting it run."""
        if seconds < 0:
            raise ValueError(f"time only moves forward; got {seconds}")
        target = self._elapsed + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            wake_at, _, future = heapq.heappop(self._sleepers)
            self._elapsed = max(self._elapsed, wake_at)
            if not future.done():
                future.set_result(None)
            await settle()
        self._elapsed = target
        await settle()


async def settle(rounds: int = 20) -> None:
    """Let ready tasks run a few loop iterations (they may start new sleeps)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
