"""The console's memory over simulated hours, on its own (issue 7: ≤ 10 % growth per hour).

``python -m bench console_memory`` (or ``python -m bench.bench_console_memory``) starts the
console in this process with ``--simulate`` and runs only the memory part of
:mod:`bench.bench_console`: two simulated hours at speed 60 (``AMK_BENCH_MEMORY_HOURS`` for
another length), a new mission every two simulated minutes, the console's and the map's
Chromium resident memory sampled every five simulated minutes. It prints the growth over the
first hour from a cold start, over an hour in service (from minute 10, when the first missions
are on the map), over the next hour after the first hour's warm-up, hour by hour for runs of
three hours or more, and the whole curve.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.bench_console import _in_process


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-console-memory-") as tmp:
        _in_process(Path(tmp) / "run", latency=False)


if __name__ == "__main__":
    main()
