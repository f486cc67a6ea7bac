"""How long it takes to generate Denmark: the vectorised draws, the per-point build, the digest.

The simulated server regenerates the world on every ``POST /v1/sim/reset``; the budget is 2 s on
the 2 shared cores of the development machine. The build is timed apart from the draws because
it is the only per-point Python loop, and the one that grows with the world.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from console.domain.reference_data import municipalities, towns
from console.domain.service_area import ServiceArea
from console.domain.world import build, draw, generate_world, world_digest

RUNS = 5
NOW = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)
_T = TypeVar("_T")


def _timed(call: Callable[[], _T]) -> tuple[float, _T]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    cold_data, _ = _timed(lambda: (municipalities(), towns(), ServiceArea.denmark()))
    cold_world, _ = _timed(lambda: generate_world(0, NOW))
    print(f"first use: reference data + service area {cold_data * 1000:.0f} ms (once per process)")
    print(f"first generate_world after that: {cold_world * 1000:.0f} ms")

    totals: list[float] = []
    draws: list[float] = []
    builds: list[float] = []
    digests: list[float] = []
    for seed in range(1, RUNS + 1):
        total, world = _timed(partial(generate_world, seed, NOW))
        drawn_in, drawn = _timed(partial(draw, seed, NOW))
        built_in, _ = _timed(partial(build, drawn))
        digest_in, _ = _timed(partial(world_digest, world))
        totals.append(total)
        draws.append(drawn_in)
        builds.append(built_in)
        digests.append(digest_in)

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:6.0f} ms  (min {min(values) * 1000:.0f})"

    size = f"{len(world.runners):,} runners + {len(world.aeds):,} AEDs"
    print(f"generate_world, {size}, {RUNS} seeds:")
    print(f"  total             {ms(totals)}   budget 2000 ms")
    print(f"  draws (numpy)     {ms(draws)}")
    print(f"  build (per point) {ms(builds)}")
    print(f"world_digest        {ms(digests)}")


if __name__ == "__main__":
    main()
