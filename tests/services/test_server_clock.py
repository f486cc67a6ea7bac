"""The server clock offset against the real service: near zero for this machine, and the
skew of a console whose clock is wrong, with the warning above 5 s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from console.api.client import DispatchClient
from console.api.settings import ApiSettings
from console.services.clock import SystemClock
from console.services.link import LinkState, LinkStatus
from console.services.observable import Observable
from console.services.server_clock import WARN_OFFSET_S, ServerClock


class SkewedClock(SystemClock):
    """This machine's clock, wrong by ``skew_s``."""

    def __init__(self, skew_s: float) -> None:
        self.skew = timedelta(seconds=skew_s)

    def now(self) -> datetime:
        return super().now() + self.skew


@pytest.fixture
async def client(settings: ApiSettings) -> AsyncIterator[DispatchClient]:
    """A client of the module's ``amk-dispatchd`` (tests/support), through the proxy."""
    async with DispatchClient(settings) as made:
        yield made


async def test_same_machine_offset_is_within_the_round_trip(client: DispatchClient) -> None:
    clock = ServerClock(client, SystemClock())
    offset = await clock.measure()
    # The server truncates to milliseconds; the round trip bounds the rest.
    assert abs(offset.seconds) <= offset.round_trip_s / 2 + 0.002
    assert not offset.is_warning
    assert clock.offset.value == offset


async def test_a_console_clock_8_s_fast_is_a_warning_and_now_is_corrected(
    client: DispatchClient,
) -> None:
    skewed = SkewedClock(8.0)
    clock = ServerClock(client, skewed)
    offset = await clock.measure()
    assert offset.seconds == pytest.approx(-8.0, abs=0.05)
    assert abs(offset.seconds) > WARN_OFFSET_S
    assert offset.is_warning
    assert abs((clock.now() - SystemClock().now()).total_seconds()) < 0.05


async def test_follow_measures_once_the_link_is_live(client: DispatchClient) -> None:
    link: Observable[LinkStatus] = Observable(
        LinkStatus(LinkState.OFFLINE, SystemClock().now()), "link"
    )
    clock = ServerClock(client, SystemClock())
    task = asyncio.ensure_future(clock.follow(link, every_s=60))
    try:
        await asyncio.sleep(0.3)
        assert clock.offset.value is None
        link.set(LinkStatus(LinkState.LIVE, SystemClock().now()))
        for _ in range(100):
            if clock.offset.value is not None:
                break
            await asyncio.sleep(0.05)
        assert clock.offset.value is not None
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
