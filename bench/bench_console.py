"""What the dispatcher's console costs: start-up, event → screen latency, memory over a shift.

Measured against the real ``amk-dispatchd`` with the Denmark world (57,307 runners, 26,182
AEDs), offscreen. Targets (issue 7):

- start-up to a ready map (page loaded, link live, all AEDs drawn) against a running service,
  warm: ≤ 1.5 s; a bare QApplication with a web view and a blank page takes ~0.3 s here.
  Measured from just before the process is started to ready, so the interpreter's start and
  Python's and Qt's imports are included; 5 runs after one warm-up.
- the same with ``--simulate`` (the console starts the service and its Denmark world): ≤ 5 s.
- event → table and map updated, while the autopilot runs 5 missions at speed 10: p50/p99
  from the server's commit (``event.at``) and from the console's ingest, to the end of the
  pass that updated the table and sent the map its delta (target p99 ≤ 250 ms).
- memory after one simulated hour at speed 60 (a new mission every 2 simulated minutes):
  resident memory of the console and of the map's Chromium processes, before and after
  (≤ 10 % growth), and sampled on through a second hour to tell growth from warming up.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

RUNS = 5
READY = "READY "
SCENE = [  # (lat, lon): five towns for the latency run, each with many runners around
    (55.6761, 12.5683),
    (56.1572, 10.2107),
    (55.3959, 10.3883),
    (57.0488, 9.9217),
    (55.6415, 12.0803),
]


def _prepare_environment() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


#: The parent puts the wall-clock time just before it starts the child in this variable; the
#: child's "ready" minus it is the whole start-up, interpreter start and imports included.
#: (/proc's start time is only as exact as the boot time, a whole second.)
LAUNCHED_ENV = "AMK_BENCH_LAUNCHED_AT"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _webengine_rss_kib() -> int:
    """Resident memory of the map's Chromium processes (zygotes and the renderers they fork;
    a forked renderer keeps its zygote's command line, so all are counted together)."""
    total = 0
    for pid in _descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"QtWebEngineProcess" in command:
            total += _rss_kib(pid)
    return total


async def _wait(condition: Any, limit_s: float, what: str) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def _page(view: Any, expression: str) -> Any:
    import json

    view.flush()
    box: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def answered(value: Any) -> None:
        if not box.done():
            box.set_result(value)

    view.page().runJavaScript(f"JSON.stringify({expression})", 0, answered)
    return json.loads(await asyncio.wait_for(box, 10))


async def _ready(console: Any) -> None:
    """Map page loaded, link live, and every AED of the register drawn by the page."""
    window = console.window
    await _wait(lambda: window.map.is_ready, 60, "the map page")
    await _wait(window.is_live, 60, "a live link")
    await _wait(lambda: len(console.services.aeds.aeds) > 0, 60, "the AED register")
    wanted = len(console.services.aeds.aeds)
    drawn = 0
    while drawn < wanted:
        drawn = await _page(window.map, "AMK.state().aeds.count")


# --------------------------------------------------------------------------- start-up child


def startup_child() -> None:
    """Run in a fresh interpreter: start the console, print READY <seconds since launch>.

    The order of imports and the early map are those of :func:`console.ui.app.main`.
    """
    started = float(os.environ[LAUNCHED_ENV])
    _prepare_environment()
    from PySide6.QtWidgets import QApplication

    from console.maps import MapView
    from console.ui.options import parse_options
    from console.ui.qt_async import install_loop

    options = parse_options(sys.argv[1:])
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    loop = install_loop(app)
    map_view = MapView()
    from console.ui.composition import running_console

    async def run() -> None:
        async with running_console(options, app, map_view=map_view) as console:
            console.window.show()
            await _ready(console)
            print(f"{READY}{time.time() - started:.3f}", flush=True)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
        app.shutdown()


def _startup_runs(args: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first warms the OS caches and the console's cache
        proc = subprocess.run(
            [sys.executable, "-c", "import bench.bench_console as b; b.startup_child()", *args],
            capture_output=True,
            text=True,
            env={**env, LAUNCHED_ENV: repr(time.time())},
            timeout=300,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(READY)), None)
        if line is None:
            raise RuntimeError(f"the console did not get ready:\n{proc.stderr[-3000:]}")
        times.append(float(line.removeprefix(READY)))
    return times[1:]


def _start_service(folder: Path, password: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "console.server",
            "serve",
            "--simulate",
            "--port",
            "0",
            "--db",
            f"sqlite:///{folder / 'service.sqlite3'}",
            "--demo-password",
            password,
        ],
        stdout=subprocess.PIPE,
        stderr=(folder / "service.log").open("w"),
        text=True,
    )
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(120)
    line = box[0].strip() if box else ""
    if not line.startswith("amk-dispatchd listening on "):
        proc.kill()
        raise RuntimeError(f"the service did not start: {line!r}")
    return proc, line.removeprefix("amk-dispatchd listening on ")


def _figures(name: str, values: list[float], unit: str = "s") -> str:
    return (
        f"{name}: median {statistics.median(values):.2f} {unit} "
        f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
    )


# --------------------------------------------------------------------------- in-process runs


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _latency_and_memory(console: Any) -> None:
    from console.domain.model import AgeGroup, LatLon

    window = console.window
    services = console.services
    await _ready(console)
    sim = _Sim(console.base_url, console.training.password)
    pending: list[tuple[float, float]] = []  # (server commit epoch, console ingest epoch)
    end_to_end: list[float] = []
    in_console: list[float] = []

    ingest = services.cache.ingest

    async def timed_ingest(*args: Any, **kwargs: Any) -> Any:
        # The ingest's return is the console's "arrival": the window is told right after.
        result = await ingest(*args, **kwargs)
        now = time.time()
        for event in result.stored:
            if event.mission_id is not None and event.type.value != "runner.position":
                pending.append((event.at.timestamp(), now))
        return result

    def on_refreshed() -> None:
        window.map.flush()  # the map's delta leaves Python in this pass
        done = time.time()
        for committed, ingested in pending:
            end_to_end.append(done - committed)
            in_console.append(done - ingested)
        pending.clear()

    services.cache.ingest = timed_ingest
    window.refreshed.connect(on_refreshed)
    sim.autopilot(True, 10.0)
    for lat, lon in SCENE:
        await services.missions.raise_alert(LatLon(lat, lon), "Bench", AgeGroup.ADULT)
    await asyncio.sleep(45.0)
    services.cache.ingest = ingest
    window.refreshed.disconnect(on_refreshed)
    print(
        f"event → table and map, autopilot 5 missions at speed 10, {len(end_to_end)} events: "
        f"from the server's commit p50 {1000 * _percentile(end_to_end, 0.5):.0f} ms, "
        f"p99 {1000 * _percentile(end_to_end, 0.99):.0f} ms; "
        f"from the console's ingest p50 {1000 * _percentile(in_console, 0.5):.0f} ms, "
        f"p99 {1000 * _percentile(in_console, 0.99):.0f} ms (target p99 ≤ 250 ms)",
        flush=True,
    )

    # Two simulated hours at speed 60: a new mission every two simulated minutes; memory is
    # sampled every simulated 20 minutes, so growth and a plateau can be told apart.
    sim.autopilot(True, 60.0)
    await asyncio.sleep(10.0)
    page_probe = (
        "[performance.memory ? performance.memory.usedJSHeapSize : -1,"
        " document.getElementsByTagName('*').length]"
    )

    async def sample() -> tuple[int, int, int, int]:
        heap, nodes = await _page(window.map, page_probe)
        return _rss_kib(os.getpid()), _webengine_rss_kib(), int(heap), int(nodes)

    samples = [await sample()]
    started = time.monotonic()
    raised = 0
    while time.monotonic() - started < 120.0:
        lat, lon = SCENE[raised % len(SCENE)]
        await services.missions.raise_alert(
            LatLon(lat + 0.01 * (raised % 7), lon), f"Bench {raised}", AgeGroup.ADULT
        )
        raised += 1
        await asyncio.sleep(2.0)
        if raised % 10 == 0:
            samples.append(await sample())
    await asyncio.sleep(15.0)  # let the last ones end
    samples.append(await sample())
    rss0, renderer0 = samples[0][:2]
    rss1, renderer1 = samples[3][:2]  # after 30 missions: one simulated hour
    sim.autopilot(False)
    sim.close()
    print(
        f"memory over one simulated hour at speed 60 (30 of {raised} missions, "
        f"{len(services.missions.open_missions)} still open): console "
        f"{rss0 / 1024:.0f} → {rss1 / 1024:.0f} MiB ({100 * (rss1 - rss0) / rss0:+.1f} %), "
        f"map (Chromium processes) {renderer0 / 1024:.0f} → {renderer1 / 1024:.0f} MiB "
        f"({100 * (renderer1 - renderer0) / max(1, renderer0):+.1f} %) (target ≤ +10 %); "
        "every 20 simulated minutes over two hours, console MiB / Chromium MiB / page JS heap "
        "MiB / page DOM nodes: "
        + ", ".join(f"{a / 1024:.0f}/{b / 1024:.0f}/{c / 2**20:.0f}/{d}" for a, b, c, d in samples),
        flush=True,
    )


class _Sim:
    """The simulator endpoints, as the bench's own small client."""

    def __init__(self, base_url: str, password: str) -> None:
        import httpx

        token = httpx.post(
            f"{base_url}/v1/auth/token",
            data={"username": "demo-sim", "password": password},
            timeout=30,
        ).json()["access_token"]
        self._client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def autopilot(self, enabled: bool, speed: float = 1.0) -> None:
        self._client.put("/v1/sim/autopilot", json={"enabled": enabled, "speed": speed})

    def close(self) -> None:
        self._client.close()


def _in_process(folder: Path) -> None:
    _prepare_environment()
    from PySide6.QtWidgets import QApplication

    import console.maps  # noqa: F401
    from console.ui.composition import running_console
    from console.ui.options import parse_options
    from console.ui.qt_async import install_loop

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = install_loop(app)
    options = parse_options(["--simulate", "--data-dir", str(folder)])

    async def run() -> None:
        async with running_console(options, app) as console:
            console.window.resize(1600, 1000)
            console.window.show()
            await _latency_and_memory(console)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        folder = Path(tmp)
        password = "bench-pass"
        service, url = _start_service(folder, password)
        try:
            env = {**os.environ, "AMK_CONSOLE_PASSWORD": password}
            warm = _startup_runs(
                [
                    "--server",
                    url,
                    "--username",
                    "demo-dispatcher",
                    "--data-dir",
                    str(folder / "warm"),
                ],
                env,
                RUNS,
            )
            print(
                _figures("start-up to a ready map, running service, warm", warm)
                + " (target ≤ 1.5 s)",
                flush=True,
            )
        finally:
            service.terminate()
            service.wait(30)
        simulate = _startup_runs(
            ["--simulate", "--data-dir", str(folder / "sim")], dict(os.environ), RUNS
        )
        print(
            _figures("start-up to a ready map with --simulate (Denmark world)", simulate)
            + " (target ≤ 5 s)",
            flush=True,
        )
        _in_process(folder / "run")


if __name__ == "__main__":
    main()
