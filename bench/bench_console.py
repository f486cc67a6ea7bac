"""What the dispatcher's console costs: start-up, event → screen latency, memory over a shift.

Measured against the real ``amk-dispatchd`` with the Denmark world (57,307 runners, 26,182
AEDs), offscreen. Targets (issue 7):

- start-up to a ready map (page loaded, link live, all AEDs drawn) against a running service,
  warm: ≤ 1.5 s; a bare QApplication with a web view and a blank page takes ~0.3 s here.
  Measured from just before the process is started to ready, so the interpreter's start and
  Python's and Qt's imports are included; 5 runs after one warm-up. The console's modules are
  byte-compiled first, as an installed console's are (``make install`` does it too).
- the same with ``--simulate`` (the console starts the service and its Denmark world): ≤ 5 s.
- event → table and map updated, while the autopilot runs 5 missions at speed 10: p50/p99
  from the server's commit (``event.at``) and from the console's ingest, to the end of the
  pass that updated the table and sent the map its delta (target p99 ≤ 250 ms).
- memory after one simulated hour at speed 60 (a new mission every 2 simulated minutes):
  resident memory of the console and of the map's Chromium processes (≤ 10 % growth),
  sampled every 5 simulated minutes over two hours and printed as a curve, with the growth
  over the first hour from a cold start and over the second hour after that warm-up; a run of
  three hours or more (``AMK_BENCH_MEMORY_HOURS``) also prints each hour's mean Pss against
  the hour before. ``python -m bench console_memory`` runs this part on its own.
"""

from __future__ import annotations

import asyncio
import compileall
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.ui.chromium_flags import set_chromium_flags
from tests.support.dispatchd import Dispatchd
from tests.support.sync_api import SimClient, client_for, login

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
    set_chromium_flags()


#: The parent puts the wall-clock time just before it starts the child in this variable; the
#: child's "ready" minus it is the whole start-up, interpreter start and imports included.
#: (/proc's start time is only as exact as the boot time, a whole second.)
LAUNCHED_ENV = "AMK_BENCH_LAUNCHED_AT"


def _rss_kib(pid: int) -> int:
    """Resident memory in KiB; 0 for a process that has gone (or no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
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

    The order of imports and the early map are those of :func:`console.ui.app.main`: both
    start with :func:`console.ui.app.launch_training` and :func:`console.ui.app.boot`.
    """
    started = float(os.environ[LAUNCHED_ENV])
    _prepare_environment()
    from console.ui.app import boot, launch_training
    from console.ui.options import parse_options

    options = parse_options(sys.argv[1:])
    training = launch_training(options)
    app, loop, map_view = boot(options)
    from console.ui.composition import running_console

    async def run() -> None:
        async with running_console(options, app, map_view=map_view, training=training) as console:
            console.window.show()
            await _ready(console)
            print(f"{READY}{time.time() - started:.3f}", flush=True)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
        app.shutdown()


def _startup_runs(
    args: list[str],
    env: dict[str, str],
    runs: int,
    *,
    child: str = "bench.bench_console:startup_child",
    what: str = "the console",
) -> list[float]:
    """Seconds from launch to the child's READY line, ``runs`` times after one warm-up; the
    child runs ``module:function``."""
    module, function = child.split(":")
    # As installed (pip byte-compiles a wheel; ``make install`` does it for the editable
    # install): with PYTHONDONTWRITEBYTECODE set, a module edited since would otherwise be
    # compiled again at every start and counted.
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "console", quiet=1)
    times = []
    for _ in range(runs + 1):  # the first warms the OS caches and the console's cache
        proc = subprocess.run(
            [sys.executable, "-c", f"import {module} as b; b.{function}()", *args],
            capture_output=True,
            text=True,
            env={**env, LAUNCHED_ENV: repr(time.time())},
            timeout=300,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(READY)), None)
        if line is None:
            raise RuntimeError(f"{what} did not get ready:\n{proc.stderr[-3000:]}")
        times.append(float(line.removeprefix(READY)))
    return times[1:]


def simulate_startup(runs: int = RUNS, data_dir: Path | None = None) -> list[float]:
    """``amk-console --simulate``: the console starts its training service (Denmark world)."""
    if data_dir is not None:
        return _startup_runs(["--simulate", "--data-dir", str(data_dir)], dict(os.environ), runs)
    with tempfile.TemporaryDirectory(prefix="bench-startup-sim-") as tmp:
        return simulate_startup(runs, Path(tmp) / "sim")


def _start_service(folder: Path, password: str) -> tuple[subprocess.Popen[str], str]:
    """A running service with the Denmark world, through the tests' one harness."""
    service = Dispatchd(
        f"sqlite:///{folder / 'service.sqlite3'}",
        folder / "service.log",
        extra_args=("--simulate",),
        simulate=False,
        keepalive_s=None,
        password=password,
    )
    service.start(timeout_s=120)
    return service.proc, service.base_url


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


async def _latency(console: Any) -> None:
    from console.domain.model import AgeGroup, LatLon

    window = console.window
    services = console.services
    sim = _sim(console.base_url, console.training.password)
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
    sim.autopilot(False)
    sim.close()
    print(
        f"event → table and map, autopilot 5 missions at speed 10, {len(end_to_end)} events: "
        f"from the server's commit p50 {1000 * _percentile(end_to_end, 0.5):.0f} ms, "
        f"p99 {1000 * _percentile(end_to_end, 0.99):.0f} ms; "
        f"from the console's ingest p50 {1000 * _percentile(in_console, 0.5):.0f} ms, "
        f"p99 {1000 * _percentile(in_console, 0.99):.0f} ms (target p99 ≤ 250 ms)",
        flush=True,
    )


#: The memory run: simulated hours at speed 60 (a simulated minute is a second), a new mission
#: every two simulated minutes, a sample every five simulated minutes.
SPEED = 60.0
SAMPLE_EVERY_MIN = 5
MISSION_EVERY_MIN = 2
HOURS_ENV = "AMK_BENCH_MEMORY_HOURS"
#: The cold start's first sample has no mission on the map; by this minute five have been
#: raised, so growth from here is a console in service, not the first missions' working set.
IN_SERVICE_MIN = 10


def _smaps_kib(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup's figures (Rss, Pss, Private_Dirty, Shared_Clean, ...), KiB."""
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return out
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[name.strip()] = int(parts[0])
    return out


def _rss_by_kind_kib(pid: int) -> dict[str, int]:
    """Resident KiB by what the pages are: ``files`` (mapped files, code above all: clean,
    shared with the other Chromium processes, given back under pressure), ``shared`` (shared
    memory: raster and transport buffers), ``own`` (the process's anonymous memory: heaps)."""
    out = {"files": 0, "shared": 0, "own": 0}
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return out
    kind = "own"
    for line in text.splitlines():
        head = line.split(None, 5)
        if head and "-" in head[0] and len(head) >= 5 and ":" in head[3]:
            name = head[5] if len(head) > 5 else ""
            if name.startswith(("/memfd:", "/dev/shm", "/SYSV")):
                kind = "shared"
            elif name.startswith("/"):
                kind = "files"
            else:
                kind = "own"
        elif line.startswith("Rss:"):
            out[kind] += int(line.split()[1])
    return out


def _chromium_processes() -> dict[str, list[int]]:
    """The map's Chromium processes by role: ``renderer`` (the page), ``other`` (zygotes, GPU,
    utilities). A renderer forked by a zygote keeps the zygote's command line, so a process
    whose parent is a Chromium process of type zygote is taken for a renderer."""
    roles: dict[str, list[int]] = {"renderer": [], "other": []}
    kinds: dict[int, tuple[str, int]] = {}
    for pid in _descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if b"QtWebEngineProcess" not in command:
            continue
        kind = next((a[7:].decode() for a in command.split(b"\0") if a.startswith(b"--type=")), "?")
        kinds[pid] = (kind, ppid)
    for pid, (kind, ppid) in kinds.items():
        parent = kinds.get(ppid)
        is_renderer = kind == "renderer" or (parent is not None and parent[0] == "zygote")
        roles["renderer" if is_renderer else "other"].append(pid)
    return roles


@dataclass(frozen=True, slots=True)
class _MemorySample:
    minute: int  # simulated minutes since the first sample
    console: int  # KiB, the console process's RSS
    chromium: int  # KiB, RSS of every Chromium process of the map
    renderer: int  # KiB, RSS of the page's renderer
    renderer_private: int  # KiB, the renderer's Private_Dirty (its own, not shared pages)
    pss: int  # KiB, Pss of the console and every Chromium process: shared pages counted once
    renderer_kinds: dict[str, int]  # KiB, the renderer's RSS by kind (see _rss_by_kind_kib)
    heap: int  # bytes, the page's used JS heap (performance.memory, precise)
    nodes: int  # the page's DOM elements


async def _memory_sample(console: Any, minute: int) -> _MemorySample:
    heap, nodes = await _page(
        console.window.map,
        "[performance.memory ? performance.memory.usedJSHeapSize : -1,"
        " document.getElementsByTagName('*').length]",
    )
    roles = _chromium_processes()
    renderer = sum(_rss_kib(pid) for pid in roles["renderer"])
    private = sum(_smaps_kib(pid).get("Private_Dirty", 0) for pid in roles["renderer"])
    chromium = renderer + sum(_rss_kib(pid) for pid in roles["other"])
    everyone = [os.getpid(), *roles["renderer"], *roles["other"]]
    pss = sum(_smaps_kib(pid).get("Pss", 0) for pid in everyone)
    kinds = {"files": 0, "shared": 0, "own": 0}
    for pid in roles["renderer"]:
        for kind, kib in _rss_by_kind_kib(pid).items():
            kinds[kind] += kib
    return _MemorySample(
        minute,
        _rss_kib(os.getpid()),
        chromium,
        renderer,
        private,
        pss,
        kinds,
        int(heap),
        int(nodes),
    )


def _growth(before: int, after: int) -> str:
    change = 100 * (after - before) / max(1, before)
    return f"{before / 1024:.0f} → {after / 1024:.0f} MiB ({change:+.1f} %)"


async def _memory(console: Any, hours: float = 2.0) -> None:
    """Simulated hours at speed 60; the growth over the first hour from a cold start, and over
    the next hour once warmed up (the first hour is the warm-up), with the curve behind both."""
    from console.domain.model import AgeGroup, LatLon

    services = console.services
    sim = _sim(console.base_url, console.training.password)
    sim.autopilot(True, SPEED)
    await asyncio.sleep(10.0)
    minutes = round(60 * hours)
    samples = [await _memory_sample(console, 0)]
    started = time.monotonic()
    raised = 0
    for minute in range(1, minutes + 1):
        if minute % MISSION_EVERY_MIN == 0:
            lat, lon = SCENE[raised % len(SCENE)]
            await services.missions.raise_alert(
                LatLon(lat + 0.01 * (raised % 7), lon), f"Bench {raised}", AgeGroup.ADULT
            )
            raised += 1
        await asyncio.sleep(max(0.0, started + minute * 60 / SPEED - time.monotonic()))
        if minute % SAMPLE_EVERY_MIN == 0:
            samples.append(await _memory_sample(console, minute))
    still_open = len(services.missions.open_missions)
    sim.autopilot(False)
    sim.close()
    by_minute = {s.minute: s for s in samples}
    cold, hour, last = samples[0], by_minute.get(60, samples[-1]), samples[-1]
    lines = [
        f"memory at speed {SPEED:.0f}, a mission every {MISSION_EVERY_MIN} simulated minutes "
        f"({raised} missions, {still_open} still open at the end); target ≤ +10 % per hour:",
        f"  first hour, from a cold start: console {_growth(cold.console, hour.console)}, "
        f"map (Chromium processes) {_growth(cold.chromium, hour.chromium)}, of which the "
        f"page's renderer {_growth(cold.renderer, hour.renderer)}; the console with its map "
        "as the machine pays for it (Pss, shared pages counted once) "
        f"{_growth(cold.pss, hour.pss)}",
    ]
    lines.append(
        "  the renderer's first hour by kind of page: "
        + ", ".join(
            f"{kind} {_growth(cold.renderer_kinds[kind], hour.renderer_kinds[kind])}"
            for kind in ("files", "shared", "own")
        )
    )
    served, served_hour = by_minute.get(IN_SERVICE_MIN), by_minute.get(IN_SERVICE_MIN + 60)
    if served is not None and served_hour is not None:
        lines.append(
            f"  an hour in service (minutes {IN_SERVICE_MIN}-{IN_SERVICE_MIN + 60}, missions "
            f"already on the map): {_span(served, served_hour)}"
        )
    second = by_minute.get(120)
    if second is not None:
        lines.append(
            f"  next hour (minutes 60-120), after that hour's warm-up: {_span(hour, second)}"
        )
    if last.minute >= 180:
        lines.append(_hour_by_hour(samples))
    lines.append(
        f"  every {SAMPLE_EVERY_MIN} simulated minutes: minute console / Chromium / renderer "
        "(private dirty) MiB, Pss of all MiB, page JS heap MiB, page DOM elements:"
    )
    lines.extend(
        f"    {s.minute:4d}  {s.console / 1024:5.0f} / {s.chromium / 1024:5.0f} / "
        f"{s.renderer / 1024:5.0f} ({s.renderer_private / 1024:4.0f})  {s.pss / 1024:5.0f}  "
        f"{s.heap / 2**20:5.1f}  {s.nodes}"
        for s in samples
    )
    print("\n".join(lines), flush=True)


def _span(before: _MemorySample, after: _MemorySample) -> str:
    return (
        f"console {_growth(before.console, after.console)}, "
        f"map (Chromium processes) {_growth(before.chromium, after.chromium)}, of which the "
        f"page's renderer {_growth(before.renderer, after.renderer)}; "
        f"Pss {_growth(before.pss, after.pss)}"
    )


def _hour_by_hour(samples: list[_MemorySample]) -> str:
    """Each hour's mean Pss against the hour before: a single sample swings by ±10 MiB with
    the missions open at that moment, twelve of them show whether the level still climbs."""
    means = []
    for end in range(60, samples[-1].minute + 1, 60):
        hour = [s.pss for s in samples if end - 60 < s.minute <= end]
        means.append(sum(hour) / len(hour))
    steps = [
        f"hour {n + 1} {after / 1024:.0f} MiB ({100 * (after - before) / before:+.1f} %)"
        for n, (before, after) in enumerate(itertools.pairwise(means), start=1)
    ]
    return (
        f"  hour by hour, the mean Pss of each hour's samples: hour 1 {means[0] / 1024:.0f} MiB, "
        + ", ".join(steps)
    )


async def _latency_and_memory(console: Any, *, latency: bool = True) -> None:
    await _ready(console)
    if latency:
        await _latency(console)
    hours = float(os.environ.get(HOURS_ENV, "2"))
    await _memory(console, hours)


def _sim(base_url: str, password: str) -> SimClient:
    return SimClient(base_url, client_for(base_url, login(base_url, "demo-sim", password)))


#: Chromium's performance.memory is otherwise rounded and refreshed only every 20 minutes, which
#: made the page's JS heap look flat; the bench needs the real figure.
PRECISE_MEMORY_FLAG = "--enable-precise-memory-info"


def _in_process(folder: Path, *, latency: bool = True) -> None:
    _prepare_environment()
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if PRECISE_MEMORY_FLAG not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {PRECISE_MEMORY_FLAG}".strip()
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
            await _latency_and_memory(console, latency=latency)

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
        simulate = simulate_startup(RUNS, folder / "sim")
        print(
            _figures("start-up to a ready map with --simulate (Denmark world)", simulate)
            + " (target ≤ 5 s)",
            flush=True,
        )
        _in_process(folder / "run")


if __name__ == "__main__":
    main()
