"""The console's cache and event sync: how fast events land, and how late.

Three figures (issue 5), each the median of ``RUNS`` runs:

- **ingest**: events per second through :meth:`Cache.ingest` in batches of ``BATCH`` (one
  transaction each), on a log shaped like the server's (missions of 20 responders, accepts,
  mostly position reports). Target: at least 5,000 events/s.
- **latency**: from an event's time on the server (``at``, stamped in the transaction that
  commits it) to the commit of the batch holding it in the cache, over loopback through the
  real ``amk-dispatchd`` with the autopilot making traffic; p50 and p99.
- **catch-up**: a fresh cache fetching ``CATCH_UP`` events with the JSON paging form and
  committing them, as after a long disconnect.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from console.api.client import DispatchClient
from console.api.settings import ApiSettings
from console.cache.store import Cache, IngestResult
from console.domain.model import AgeGroup, Event, EventType, LatLon, Mission, MissionState
from console.domain.timefmt import utc_now
from console.services.event_sync import EventSync
from tests.support.dispatchd import Dispatchd
from tests.support.driver import Driver

RUNS = 5
BATCH = 500
INGEST_EVENTS = 20_000
LATENCY_SECONDS = 4.0
CATCH_UP = 50_000
PASSWORD = "bench-pass"


# --------------------------------------------------------------------------- a server-like log


def server_like_log(count: int, seed: int = 1) -> list[Event]:
    """Missions of 20 alerts, 5 accepts, then position reports: mostly small events, as live."""
    rng = random.Random(seed)
    start = datetime(2025, 6, 3, 14, 0, tzinfo=UTC)
    events: list[Event] = []
    seq = 0

    def add(kind: EventType, mission_id: str, data: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        events.append(Event(seq, kind, start + timedelta(milliseconds=seq), mission_id, data))

    number = 0
    while len(events) < count:
        number += 1
        mission_id = f"m-{number}"
        mission = Mission(
            id=mission_id,
            state=MissionState.ALERTING,
            location=LatLon(55.6 + rng.random() * 0.1, 12.5 + rng.random() * 0.1),
            address=f"Gade {number}",
            age_group=AgeGroup.ADULT,
            note="",
            radius_m=5000.0,
            created_at=start + timedelta(milliseconds=seq + 1),
            created_by="bench",
        )
        add(EventType.MISSION_CREATED, mission_id, mission.to_json())
        for rank in range(1, 21):
            add(
                EventType.RUNNER_ALERTED,
                mission_id,
                {"runner_id": f"{mission_id}-r{rank}", "alias": f"HL-{rank}", "rank": rank,
                 "distance_m": 100.0 * rank, "lat": 55.6, "lon": 12.5, "mode": "foot"},
            )  # fmt: skip
        for rank in range(1, 6):
            add(
                EventType.RUNNER_ACCEPTED,
                mission_id,
                {"runner_id": f"{mission_id}-r{rank}", "lat": 55.6, "lon": 12.5,
                 "distance_m": 90.0, "task": {"kind": "go_to_patient"}},
            )  # fmt: skip
        for step in range(150):
            add(
                EventType.RUNNER_POSITION,
                mission_id,
                {"runner_id": f"{mission_id}-r{1 + step % 5}", "lat": 55.6 + step * 1e-5,
                 "lon": 12.5},
            )  # fmt: skip
        add(EventType.MISSION_CLOSED, mission_id, {"outcome": "ems_on_scene", "by": "bench"})
        for rank in range(1, 21):
            if rank > 5:
                add(EventType.RUNNER_RELEASED, mission_id, {"runner_id": f"{mission_id}-r{rank}"})
    return events[:count]


async def _ingest_once(folder: Path, events: list[Event]) -> float:
    cache = await Cache.open(f"sqlite:///{folder / f'ingest-{time.monotonic_ns()}.sqlite3'}")
    try:
        started = time.perf_counter()
        for start in range(0, len(events), BATCH):
            result = await cache.ingest(events[start : start + BATCH])
            assert not result.problems, result.problems[:3]
        elapsed = time.perf_counter() - started
        assert await cache.event_count() == len(events)
    finally:
        await cache.close()
    return len(events) / elapsed


# --------------------------------------------------------------------------- the real server


class Traffic:
    """The simulator's autopilot answering missions raised in a city full of runners."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.rng = random.Random(7)
        self.last_head = 0

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        answer = await self.driver.call(who, method, path, **kwargs)
        answer.raise_for_status()
        return answer

    async def populate(self) -> None:
        rng = self.rng
        runners = [
            {"lat": 55.6 + rng.random() * 0.15, "lon": 12.45 + rng.random() * 0.25,
             "mode": rng.choice(["foot", "bike", "car"])}
            for _ in range(600)
        ]  # fmt: skip
        aeds = [
            {"lat": 55.6 + rng.random() * 0.15, "lon": 12.45 + rng.random() * 0.25,
             "address": f"AED {n}", "access": "24/7", "opening_hours": None}
            for n in range(80)
        ]  # fmt: skip
        await self.call("demo-sim", "POST", "/v1/sim/runners", json=runners)
        await self.call("demo-sim", "POST", "/v1/sim/aeds", json=aeds)

    async def autopilot(self, enabled: bool) -> None:
        await self.driver.set_autopilot(enabled, speed=10_000)

    async def raise_some(self, count: int = 10) -> None:
        body = {"address": "Bench 1", "patient": {"age_group": "adult"}, "note": ""}
        await asyncio.gather(
            *[
                self.call(
                    "demo-dispatcher",
                    "POST",
                    "/v1/missions",
                    json={
                        **body,
                        "location": {
                            "lat": 55.62 + self.rng.random() * 0.1,
                            "lon": 12.5 + self.rng.random() * 0.15,
                        },
                    },
                )
                for _ in range(count)
            ]
        )

    async def head(self) -> int:
        """The log's newest seq (the log only grows here, so paging starts at the last head)."""
        self.last_head = await self.driver.head(self.last_head)
        return self.last_head


def _settings(url: str) -> ApiSettings:
    return ApiSettings(url, username="demo-supervisor", password=PASSWORD)


async def _latency_once(url: str, folder: Path, traffic: Traffic) -> list[float]:
    cache = await Cache.open(f"sqlite:///{folder / f'live-{time.monotonic_ns()}.sqlite3'}")
    client = DispatchClient(_settings(url))
    sync = EventSync(client, cache)
    delays: list[float] = []
    live = asyncio.Event()

    def measure(result: IngestResult) -> None:
        if live.is_set():
            now = utc_now()
            delays.extend((now - event.at).total_seconds() * 1000 for event in result.stored)

    sync.on_batch(measure)
    task = asyncio.ensure_future(sync.run())
    try:
        await asyncio.wait_for(sync.wait_for_seq(await traffic.head()), 120)
        live.set()
        await traffic.autopilot(True)
        ends = time.monotonic() + LATENCY_SECONDS
        while time.monotonic() < ends:
            await traffic.raise_some()
        await traffic.autopilot(False)
        await asyncio.sleep(1.0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()
        await cache.close()
    return delays


async def _fill(traffic: Traffic, at_least: int) -> int:
    await traffic.autopilot(True)
    head = await traffic.head()
    while head < at_least:
        await traffic.raise_some(20)
        head = await traffic.head()
    await traffic.autopilot(False)
    await asyncio.sleep(1.0)
    return await traffic.head()


async def _catch_up_once(url: str, folder: Path, head: int) -> float:
    cache = await Cache.open(f"sqlite:///{folder / f'catchup-{time.monotonic_ns()}.sqlite3'}")
    client = DispatchClient(_settings(url))
    await client.login()
    sync = EventSync(client, cache)
    started = time.perf_counter()
    task = asyncio.ensure_future(sync.run())
    try:
        await asyncio.wait_for(sync.wait_for_seq(head), 300)
        return time.perf_counter() - started
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()
        await cache.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _median_of(runs: list[float]) -> str:
    return f"{statistics.median(runs):,.0f} (runs: {', '.join(f'{r:,.0f}' for r in runs)})"


async def _main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as name:
        folder = Path(name)
        events = server_like_log(INGEST_EVENTS)
        rates = [await _ingest_once(folder, events) for _ in range(RUNS)]
        print(f"ingest, batches of {BATCH}, events/s: {_median_of(rates)}  (target >= 5,000)")

        server = Dispatchd(
            f"sqlite:///{folder / 'dispatch.sqlite3'}",
            folder / "server.log",
            password=PASSWORD,
            keepalive_s=None,
        )
        server.start()
        try:
            async with Driver(server.base_url, password=PASSWORD) as driver:
                await _on_server(server.base_url, folder, Traffic(driver))
        finally:
            server.stop()


async def _on_server(url: str, folder: Path, traffic: Traffic) -> None:
    await traffic.populate()
    p50s: list[float] = []
    p99s: list[float] = []
    counts: list[int] = []
    for _ in range(RUNS):
        delays = await _latency_once(url, folder, traffic)
        p50s.append(_percentile(delays, 0.50))
        p99s.append(_percentile(delays, 0.99))
        counts.append(len(delays))
    print(
        f"server commit -> cache commit over loopback, ms: p50 {_median_of(p50s)}; "
        f"p99 {_median_of(p99s)}; events per run {counts}"
    )
    head = await _fill(traffic, CATCH_UP)
    seconds = [await _catch_up_once(url, folder, head) for _ in range(RUNS)]
    rate = [head / s for s in seconds]
    print(
        f"catch-up of {head:,} events into an empty cache: "
        f"{statistics.median(seconds):.1f} s median ({_median_of(rate)} events/s); "
        f"runs {', '.join(f'{s:.1f}' for s in seconds)} s"
    )


def main() -> None:
    asyncio.run(_main())


if __name__ == "__main__":
    main()
