"""The calibration's figures over several seeds, and why it runs in memory.

* ``amk-dispatchd calibrate --missions 1000`` for ``RUNS`` seeds: each figure per seed and its
  median, beside the status report's target, and the wall time of a run.
* The same engine through the server's :class:`Dispatch` on SQLite (in-process, virtual clock,
  no position reports) for a few missions on the Denmark world: seconds per mission, against
  the in-memory run's. This is the measurement behind the in-memory choice for ``calibrate``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from console.domain.model import AgeGroup
from console.server.autopilot import Autopilot
from console.server.autopilot_engine import VirtualClock
from console.server.autopilot_model import ArrestSampler, Behaviour, rng_for
from console.server.calibrate import (
    TARGET_AT_LEAST_ONE,
    TARGET_AT_LEAST_TWO,
    TARGET_BEFORE_EMS,
    TARGET_CANCELLED,
    calibrate,
)
from console.server.config import ServerConfig
from console.server.services import ServerServices

RUNS = 5
MISSIONS = 1000
#: Missions played through Dispatch on SQLite; enough for a per-mission median.
SERVER_MISSIONS = 8
START = datetime(2025, 1, 1, tzinfo=UTC)


async def _calibration_figures() -> float:
    rows: dict[str, list[float]] = {
        "acceptance>=1": [],
        "acceptance>=2": [],
        "cancelled": [],
        "before EMS": [],
        "accepted/act.": [],
    }
    seconds: list[float] = []
    print(f"calibrate --missions {MISSIONS}, seeds 1..{RUNS}:")
    for seed in range(1, RUNS + 1):
        started = time.perf_counter()
        run = await calibrate(MISSIONS, seed)
        seconds.append(time.perf_counter() - started)
        f = run.figures
        values = {
            "acceptance>=1": f.share(f.at_least_one, f.activations),
            "acceptance>=2": f.share(f.at_least_two, f.activations),
            "cancelled": f.share(f.cancelled, f.missions),
            "before EMS": f.share(f.before_ems, f.activations),
            "accepted/act.": f.accepted / f.missions,
        }
        for name, value in values.items():
            rows[name].append(value)
        shown = "  ".join(
            f"{name} {value * 100:5.1f} %" if name != "accepted/act." else f"{name} {value:.2f}"
            for name, value in values.items()
        )
        print(f"  seed {seed}: {shown}  ok={run.ok}  {seconds[-1]:.1f} s")
    targets = {
        "acceptance>=1": f">= {TARGET_AT_LEAST_ONE * 100:.0f} %",
        "acceptance>=2": f">= {TARGET_AT_LEAST_TWO * 100:.0f} %",
        "cancelled": f"{TARGET_CANCELLED * 100:.0f} %",
        "before EMS": f">= {TARGET_BEFORE_EMS * 100:.0f} %",
        "accepted/act.": "~7.5 (75 runners/day over 10 activations/day)",
    }
    print("medians:")
    for name, seen in rows.items():
        median = statistics.median(seen)
        shown = f"{median:.2f}" if name == "accepted/act." else f"{median * 100:5.1f} %"
        spread = (
            f"{min(seen):.2f}–{max(seen):.2f}"
            if name == "accepted/act."
            else f"{min(seen) * 100:.1f}–{max(seen) * 100:.1f}"
        )
        print(f"  {name:<14} {shown}   (range {spread})   target {targets[name]}")
    median_s = statistics.median(seconds)
    print(f"  wall time     {median_s:.1f} s a run (world generation included)")
    return median_s / MISSIONS


async def _through_dispatch() -> float:
    with tempfile.TemporaryDirectory() as folder:
        clock = VirtualClock(START)
        config = ServerConfig(
            database_url=f"sqlite:///{Path(folder) / 'dispatch.sqlite3'}",
            simulate=True,
            world="denmark",
            seed=1,
            demo_password="bench",
            maintenance_every_s=3_600.0,
        )
        services = ServerServices.build(config, clock=clock.datetime)
        await services.start()
        try:
            # No position reports: the same work as the in-memory run, which has none either.
            pilot = Autopilot(
                services, virtual_clock=clock, behaviour=Behaviour(position_interval_s=86_400.0)
            )
            services.autopilot = pilot
            await services.set_autopilot(True, 1.0)
            sampler = ArrestSampler()
            rng = rng_for(1, "bench")
            dispatch = services.dispatch
            per_mission: list[float] = []
            actions: list[int] = []
            for _ in range(SERVER_MISSIONS):
                location = sampler.sample(rng)
                started = time.perf_counter()
                operation = dispatch.create_mission(
                    "bench", location, "simuleret", AgeGroup.ADULT, ""
                )
                reply = await dispatch.run(None, operation)
                json.loads(reply.body)
                actions.append(await pilot.run_until_idle())
                per_mission.append(time.perf_counter() - started)
        finally:
            await services.stop()
    median = statistics.median(per_mission)
    print(
        f"through Dispatch on SQLite (in-process, Denmark world), {SERVER_MISSIONS} missions: "
        f"median {median * 1000:.0f} ms a mission, {statistics.median(actions):.0f} actions; "
        f"{MISSIONS} missions would take ~{median * MISSIONS:.0f} s"
    )
    return median


def main() -> None:
    print(f"cores: {os.cpu_count()}")
    in_memory = asyncio.run(_calibration_figures())
    served = asyncio.run(_through_dispatch())
    print(
        f"in memory {in_memory * 1000:.1f} ms a mission vs {served * 1000:.0f} ms through "
        f"Dispatch: {served / in_memory:.0f}x"
    )


if __name__ == "__main__":
    main()
