"""The real ``amk-dispatchd`` on loopback, a TCP proxy the tests control, and a traffic driver.

No fake of our own server: the console's tests talk to the reference server process. Faults are
made for real: the process is killed (SIGKILL), paused (SIGSTOP) or restarted on the same
database, and the connection goes through :class:`LoopbackProxy`, which can cut every
connection, stall them (no byte passes, the sockets stay open) or refuse new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from console.api.client import DispatchClient
from console.api.settings import ApiSettings
from console.cache.store import Cache
from console.domain.model import Event, Mission
from console.services.event_sync import EventSync
from console.services.link import Backoff, LinkState, LinkStatus

DEMO_PASSWORD = "test-pass"
LISTENING = "amk-dispatchd listening on "


# --------------------------------------------------------------------------- the server process


@dataclass
class Dispatchd:
    """One server on one database; it can be killed and started again on the same database."""

    db_url: str
    log_path: Path
    keepalive_s: float = 1.0
    extra_args: tuple[str, ...] = ()
    proc: subprocess.Popen[str] | None = None
    base_url: str = ""
    starts: int = 0

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def start(self, timeout_s: float = 60.0) -> None:
        command = [
            sys.executable,
            "-m",
            "console.server",
            "serve",
            "--simulate",
            "--world",
            "empty",
            "--port",
            "0",
            "--db",
            self.db_url,
            "--demo-password",
            DEMO_PASSWORD,
            *self.extra_args,
        ]
        env = {**os.environ, "AMK_DISPATCHD_KEEPALIVE_S": str(self.keepalive_s)}
        with self.log_path.open("a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=env
            )
        found: list[str] = []

        def first_line() -> None:
            assert self.proc is not None
            assert self.proc.stdout is not None
            found.append(self.proc.stdout.readline())

        reader = threading.Thread(target=first_line, daemon=True)
        reader.start()
        reader.join(timeout_s)
        line = found[0].strip() if found else ""
        if not line.startswith(LISTENING):
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"amk-dispatchd did not start ({line!r}):\n{self.log_tail()}")
        self.base_url = line.removeprefix(LISTENING)
        self.starts += 1

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _signal(self, signum: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to open streams."""
        if self.proc is not None and self.proc.poll() is None:
            self._signal(signal.SIGKILL)
            self.proc.wait(10)
        self._close_pipe()

    def pause(self) -> None:
        """SIGSTOP: the process stays, its sockets stay open, and it says nothing at all."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal(signal.SIGCONT)
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()


# --------------------------------------------------------------------------- the proxy


class LoopbackProxy:
    """A TCP proxy on 127.0.0.1 in the test's event loop: cut, stall or refuse at will."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.refusing = False
        self.connections = 0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._rewrites: list[tuple[bytes, bytes]] = []
        self.rewritten = 0
        self._pipes: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    def stall(self) -> None:
        """Stop passing bytes both ways; connections stay open."""
        self._flowing.clear()

    def flow(self) -> None:
        self._flowing.set()

    def rewrite_once(self, old: bytes, new: bytes) -> None:
        """Replace the next ``old`` the server sends with ``new`` (same length, so the HTTP
        chunk framing stays intact): bad data on the wire, from the real server's stream."""
        if len(old) != len(new):
            raise ValueError("a rewrite must keep the length")
        self._rewrites.append((old, new))

    def cut(self) -> None:
        """Drop every open connection at once (as a NAT or a Wi-Fi roam would)."""
        for writer in list(self._pipes):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._pipes.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._pipes.update((writer, up_writer))
        for source, sink, downstream in ((reader, up_writer, False), (up_reader, writer, True)):
            task = asyncio.ensure_future(self._pump(source, sink, downstream))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, downstream: bool
    ) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                if downstream:
                    data = self._rewrite(data)
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._pipes.discard(sink)
            with contextlib.suppress(Exception):
                sink.transport.abort()

    def _rewrite(self, data: bytes) -> bytes:
        for index, (old, new) in enumerate(self._rewrites):
            if old in data:
                del self._rewrites[index]
                self.rewritten += 1
                return data.replace(old, new, 1)
        return data


# --------------------------------------------------------------------------- driving the server


@dataclass
class Driver:
    """Makes traffic on the server as the simulator, a dispatcher and runners would."""

    base_url: str
    _tokens: dict[str, str] = field(default_factory=dict)
    _http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Driver:
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=30)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None
        await self._http.aclose()

    @property
    def http(self) -> httpx.AsyncClient:
        assert self._http is not None
        return self._http

    async def _token(self, who: str) -> str:
        if who not in self._tokens:
            if who.startswith("runner:"):
                answer = await self.call("demo-sim", "POST", f"/v1/sim/runners/{who[7:]}/token")
            else:
                answer = await self.http.post(
                    "/v1/auth/token", data={"username": who, "password": DEMO_PASSWORD}
                )
            assert answer.status_code == 200, answer.text
            self._tokens[who] = answer.json()["access_token"]
        return self._tokens[who]

    def forget_tokens(self) -> None:
        self._tokens.clear()

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {await self._token(who)}"}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def reset(self) -> None:
        answer = await self.call("demo-sim", "POST", "/v1/sim/reset", json={"world": "empty"})
        assert answer.status_code == 204, answer.text
        self._tokens = {k: v for k, v in self._tokens.items() if not k.startswith("runner:")}

    async def add_runners(self, count: int, lat: float = 55.676, lon: float = 12.568) -> list[str]:
        items = [
            {"lat": lat + 0.0004 * (i % 10), "lon": lon + 0.0006 * (i // 10), "mode": "foot"}
            for i in range(count)
        ]
        answer = await self.call("demo-sim", "POST", "/v1/sim/runners", json=items)
        assert answer.status_code == 201, answer.text
        return [runner["id"] for runner in answer.json()]

    async def add_aed(self, lat: float = 55.677, lon: float = 12.569) -> str:
        item = {"lat": lat, "lon": lon, "address": "Hal 1", "access": "24/7", "opening_hours": None}
        answer = await self.call("demo-sim", "POST", "/v1/sim/aeds", json=[item])
        assert answer.status_code == 201, answer.text
        return str(answer.json()[0]["id"])

    async def raise_mission(self, lat: float = 55.676, lon: float = 12.568) -> dict[str, Any]:
        body = {
            "location": {"lat": lat, "lon": lon},
            "address": "Rådhuspladsen 1",
            "patient": {"age_group": "adult"},
            "note": "",
        }
        answer = await self.call("demo-dispatcher", "POST", "/v1/missions", json=body)
        assert answer.status_code == 201, answer.text
        mission: dict[str, Any] = answer.json()
        return mission

    async def accept(self, mission: dict[str, Any], runner_id: str) -> None:
        where = mission["location"]
        answer = await self.call(
            f"runner:{runner_id}",
            "POST",
            f"/v1/runner/alerts/{mission['id']}/accept",
            json={"lat": where["lat"], "lon": where["lon"]},
        )
        assert answer.status_code == 200, answer.text

    async def move(self, runner_id: str, lat: float, lon: float) -> None:
        answer = await self.call(
            f"runner:{runner_id}",
            "PUT",
            "/v1/runner/position",
            json={"lat": lat, "lon": lon, "mode": "foot"},
        )
        assert answer.status_code == 204, answer.text

    async def end(self, mission: dict[str, Any], how: str = "close") -> None:
        body = {"outcome": "ems_on_scene"} if how == "close" else {"reason": "false alarm"}
        answer = await self.call(
            "demo-dispatcher", "POST", f"/v1/missions/{mission['id']}/{how}", json=body
        )
        assert answer.status_code == 200, answer.text

    async def traffic(self, missions: int = 1, moves: int = 20) -> None:
        """A burst of real events: missions raised, accepted, responders moving, ended."""
        runners = await self.add_runners(25)
        for number in range(missions):
            mission = await self.raise_mission()
            responders = [r["runner_id"] for r in mission["responders"]][:3]
            for runner_id in responders:
                await self.accept(mission, runner_id)
            for step in range(moves):
                runner_id = responders[step % len(responders)]
                await self.move(runner_id, 55.676 + step * 1e-5, 12.568)
            await self.end(mission, "close" if number % 2 else "cancel")
        await self.call("demo-sim", "POST", "/v1/sim/reset", json={"world": "empty"})
        del runners

    async def autopilot_traffic(self, at_least: int, seed: int = 1) -> int:
        """Missions raised in a city full of runners with the autopilot answering them at full
        speed, until the log holds ``at_least`` events; then the autopilot is switched off and
        the log left to settle. The final head seq."""
        rng = random.Random(seed)
        box = {"lat": 55.60, "lon": 12.45}
        runners = [
            {
                "lat": box["lat"] + rng.random() * 0.15,
                "lon": box["lon"] + rng.random() * 0.25,
                "mode": rng.choice(["foot", "bike", "car"]),
            }
            for _ in range(600)
        ]
        aeds = [
            {
                "lat": box["lat"] + rng.random() * 0.15,
                "lon": box["lon"] + rng.random() * 0.25,
                "address": f"AED {number}",
                "access": "24/7",
                "opening_hours": None,
            }
            for number in range(80)
        ]
        for path, items in (("/v1/sim/runners", runners), ("/v1/sim/aeds", aeds)):
            answer = await self.call("demo-sim", "POST", path, json=items)
            assert answer.status_code == 201, answer.text
        await self.set_autopilot(True)
        head = 0
        try:
            while head < at_least:
                await asyncio.gather(
                    *[
                        self.raise_mission(55.62 + rng.random() * 0.1, 12.5 + rng.random() * 0.15)
                        for _ in range(10)
                    ]
                )
                head = await self.head(head)
        finally:
            await self.set_autopilot(False)
        while True:  # let what the autopilot had under way land
            await asyncio.sleep(0.3)
            newer = await self.head(head)
            if newer == head:
                return head
            head = newer

    async def set_autopilot(self, enabled: bool, speed: float = 10_000) -> None:
        answer = await self.call(
            "demo-sim", "PUT", "/v1/sim/autopilot", json={"enabled": enabled, "speed": speed}
        )
        assert answer.status_code in (200, 204), answer.text

    async def head(self, after: int = 0) -> int:
        """The newest seq of the log (``after``: one known to exist, to page less)."""
        events = await self.events(after)
        return events[-1].seq if events else after

    async def events(self, after: int = 0) -> list[Event]:
        found: list[Event] = []
        while True:
            answer = await self.call(
                "demo-supervisor",
                "GET",
                "/v1/events",
                params={"after": after, "limit": 1000},
                headers={"Accept": "application/json"},
            )
            assert answer.status_code == 200, answer.text
            items = answer.json()["items"]
            if not items:
                return found
            found.extend(Event.from_json(item) for item in items)
            after = found[-1].seq

    async def missions(self) -> list[Mission]:
        found: list[Mission] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 1000}
            if cursor:
                params["cursor"] = cursor
            answer = await self.call("demo-supervisor", "GET", "/v1/missions", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            found.extend(Mission.from_json(item) for item in page["items"])
            cursor = page.get("next_cursor")
            if not cursor or not page["items"]:
                return found


# --------------------------------------------------------------------------- a running sync


FAST = Backoff(initial_s=0.05, cap_s=0.5)


class Running:
    """An EventSync running in the background with its client, and what it reported."""

    def __init__(self, sync: EventSync) -> None:
        self.sync = sync
        self.states: list[LinkState] = [sync.status.value.state]
        sync.status.subscribe(self._seen)
        self.task: asyncio.Task[None] = asyncio.ensure_future(sync.run())

    def _seen(self, status: LinkStatus) -> None:
        if status.state is not self.states[-1]:
            self.states.append(status.state)

    @property
    def state(self) -> LinkState:
        return self.sync.status.value.state

    async def live(self, timeout_s: float = 20.0) -> None:
        await _eventually(lambda: self.state is LinkState.LIVE, timeout_s, "the link to be live")

    async def caught_up(self, driver: Driver, timeout_s: float = 30.0) -> None:
        head = (await driver.events())[-1].seq
        await asyncio.wait_for(self.sync.wait_for_seq(head), timeout_s)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.sync.client.aclose()


@contextlib.asynccontextmanager
async def running(settings: ApiSettings, cache: Cache, **kwargs: object) -> AsyncIterator[Running]:
    client = DispatchClient(settings)
    kwargs.setdefault("backoff", FAST)
    sync = EventSync(client, cache, **kwargs)  # type: ignore[arg-type]
    run = Running(sync)
    try:
        yield run
    finally:
        await run.stop()


async def _eventually(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.05)
