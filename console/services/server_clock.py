"""The server's clock as seen from the console: the offset the status bar shows, and "now".

The contract makes the server's clock the authority, and every mission time comes from it. A
console whose own clock is off would show a fresh mission as minutes old (or as not yet
started), so the ages, timers and ETAs in the window use :meth:`ServerClock.now`: the local
clock plus the offset measured against ``GET /v1/health``. Each measurement takes the sample
with the shortest round trip of a few and assumes the server read its clock half-way through
it (Cristian's algorithm); its error is at most half that round trip.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from console.api.client import DispatchClient
from console.api.problems import ApiError
from console.services.clock import Clock
from console.services.link import LinkState, LinkStatus
from console.services.observable import Observable

log = logging.getLogger("console.services.clock")

#: An offset larger than this is shown as a warning (issue 7).
WARN_OFFSET_S: Final = 5.0
#: How often the offset is measured again while the link is live.
MEASURE_EVERY_S: Final = 60.0
SAMPLES: Final = 3


@dataclass(frozen=True, slots=True)
class ClockOffset:
    #: Server minus console, seconds (positive: the server is ahead).
    seconds: float
    #: Round trip of the sample used; the offset is good to half of it.
    round_trip_s: float
    measured_at: datetime

    @property
    def is_warning(self) -> bool:
        return abs(self.seconds) > WARN_OFFSET_S


class ServerClock:
    def __init__(self, client: DispatchClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self.offset: Observable[ClockOffset | None] = Observable(None, "server clock offset")

    def now(self) -> datetime:
        """The server's time now, as well as the console knows it."""
        offset = self.offset.value
        local = self._clock.now()
        return local if offset is None else local + timedelta(seconds=offset.seconds)

    async def measure(self, samples: int = SAMPLES) -> ClockOffset:
        best: ClockOffset | None = None
        for _ in range(max(1, samples)):
            sent_local = self._clock.now()
            started = self._clock.monotonic()
            health = await self._client.health()
            round_trip = max(0.0, self._clock.monotonic() - started)
            midpoint = sent_local + timedelta(seconds=round_trip / 2)
            sample = ClockOffset(
                (health.time - midpoint).total_seconds(), round_trip, self._clock.now()
            )
            if best is None or sample.round_trip_s < best.round_trip_s:
                best = sample
        assert best is not None
        self.offset.set(best)
        if best.is_warning:
            log.info(
                "the server's clock is %+.1f s off this console's; showing server times",
                best.seconds,
            )
        return best

    async def follow(self, link: Observable[LinkStatus], every_s: float = MEASURE_EVERY_S) -> None:
        """Measure soon after the link is live, then every ``every_s``; runs until cancelled."""
        while True:
            if link.value.state is not LinkState.LIVE:
                await self._clock.sleep(1.0)
                continue
            try:
                await self.measure()
            except ApiError as exc:
                log.info("server clock not measured: %s", exc)
            await self._clock.sleep(every_s)
