"""The console's warm start-up to a ready map against a running service, on its own (issue 7).

The same figure as the first one of :mod:`bench.bench_console` (same child, same definition of
ready: page loaded, link live, every AED drawn), without that module's ``--simulate`` and
memory runs, which take minutes: ``.venv/bin/python -m bench startup``, or
``.venv/bin/python -m bench.bench_startup --runs 9`` for more runs, ``--simulate`` for the
``--simulate`` start-up as well.

``--baseline`` also times what issue 7 compares with, a bare ``QApplication`` with a web view
and a blank page, measured the same way (from launch to the page loaded), so a figure taken on
a loaded machine can be read against the floor of the same moment.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_console import (
    LAUNCHED_ENV,
    READY,
    RUNS,
    _figures,
    _prepare_environment,
    _start_service,
    _startup_runs,
    simulate_startup,
)


def baseline_child() -> None:
    """A fresh interpreter: a QApplication, a web view, a blank page; READY when it is loaded."""
    started = float(os.environ[LAUNCHED_ENV])
    _prepare_environment()
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    view = QWebEngineView()

    def loaded(ok: bool) -> None:
        print(f"{READY}{time.time() - started:.3f}", flush=True)
        app.quit()

    view.loadFinished.connect(loaded)
    view.show()
    view.load(QUrl("about:blank"))
    app.exec()
    del view
    app.shutdown()


def baseline(runs: int = RUNS) -> list[float]:
    return _startup_runs(
        [],
        dict(os.environ),
        runs,
        child="bench.bench_startup:baseline_child",
        what="the bare web view",
    )


def warm_startup(runs: int = RUNS) -> list[float]:
    """Seconds from launch to ready, ``runs`` times after one warm-up, against one service."""
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        password = "bench-pass"
        service, url = _start_service(folder, password)
        try:
            env = {**os.environ, "AMK_CONSOLE_PASSWORD": password}
            args = ["--server", url, "--username", "demo-dispatcher"]
            return _startup_runs([*args, "--data-dir", str(folder / "warm")], env, runs)
        finally:
            service.terminate()
            service.wait(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--baseline", action="store_true", help="time a bare web view too")
    parser.add_argument(
        "--simulate", action="store_true", help="time `amk-console --simulate` too (≤ 5 s)"
    )
    args = parser.parse_args([] if argv is None else argv)
    if args.baseline:
        bare = baseline(args.runs)
        print(_figures("bare QApplication, web view, blank page", bare), flush=True)
    _report("start-up to a ready map, running service, warm", warm_startup(args.runs), "1.5 s")
    if args.simulate:
        simulated = simulate_startup(args.runs)
        _report("start-up to a ready map with --simulate (Denmark world)", simulated, "5 s")


def _report(name: str, times: list[float], target: str) -> None:
    """The median against its target, and every run (the machine's speed drifts)."""
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"{_figures(name, times)} (target ≤ {target}); runs: {runs}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
