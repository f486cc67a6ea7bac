"""Helpers for the window tests: drive the qasync loop, start the console, ask the map page.

Kept out of conftest.py so test modules import them by name (``from ui_harness import ...``).
The dispatch service is always the real ``amk-dispatchd``: started by the console itself
(``--simulate``) or by :class:`ExternalServer` for the tests that kill it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.maps import MapView
from console.ui.composition import Console, running_console
from console.ui.login_dialog import LoginDialog
from console.ui.options import parse_options

T = TypeVar("T")

LISTENING = "amk-dispatchd listening on "


# --------------------------------------------------------------------------- the loop


def run(coro: Awaitable[T], timeout: float = 60.0) -> T:
    """Run ``coro`` on the console's loop until done; Qt events are processed meanwhile.

    Not ``loop.run_until_complete``: that runs ``QApplication.exec()``, and every time the
    application's loop returns Qt emits ``aboutToQuit``, on which QtWebEngine tears itself
    down for good: the next test's map would crash. A local ``QEventLoop`` runs the same
    timers and sockets without ending the application.
    """
    loop = asyncio.get_event_loop()
    future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=loop)
    local = QEventLoop()
    future.add_done_callback(lambda _: local.quit())
    previous = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(loop)
    try:
        if not future.done():
            local.exec()
    finally:
        asyncio.events._set_running_loop(previous)
    return future.result()


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    """Let the loop run until ``condition()`` is truthy; returns its value."""

    async def poll() -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what or condition}")
            await asyncio.sleep(0.02)

    return run(poll(), timeout + 5)


def pause(seconds: float) -> None:
    run(asyncio.sleep(seconds), seconds + 5)


# --------------------------------------------------------------------------- the console


async def fill_login(username: str, password: str) -> None:
    """Type into the login dialog the console shows for ``--server``, as a person would."""
    while True:
        dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, LoginDialog) and w.isVisible()
        ]
        if dialogs:
            break
        await asyncio.sleep(0.02)
    dialog = dialogs[0]
    dialog.username.clear()
    QTest.keyClicks(dialog.username, username)
    QTest.keyClicks(dialog.password, password)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)


@contextlib.contextmanager
def console_running(
    args: list[str], app: QApplication, *, login: tuple[str, str] | None = None
) -> Iterator[Console]:
    """The whole console, built by its composition root from a command line."""
    options = parse_options(args)
    manager = running_console(options, app)
    typing = asyncio.ensure_future(fill_login(*login)) if login is not None else None
    try:
        console = run(manager.__aenter__(), 180)
    finally:
        if typing is not None and not typing.done():
            typing.cancel()
    try:
        console.window.resize(1400, 900)
        console.window.show()
        yield console
    finally:
        run(manager.__aexit__(None, None, None), 60)


def live(console: Console) -> bool:
    return console.window.is_live()


# --------------------------------------------------------------------------- the map page


async def ask_page(view: MapView, expression: str) -> Any:
    """``expression``'s value in the map page (after every delta sent so far), via JSON."""
    view.flush()
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def done(value: Any) -> None:
        if not answer.done():
            answer.set_result(value)

    view.page().runJavaScript(f"JSON.stringify({expression})", 0, done)
    return json.loads(await asyncio.wait_for(answer, 10))


def page_json(view: MapView, expression: str) -> Any:
    return run(ask_page(view, expression), 15)


def page_state(view: MapView) -> dict[str, Any]:
    return dict(page_json(view, "AMK.state()"))


def settle_map(view: MapView) -> None:
    """Wait until the page has painted two frames after everything sent so far."""

    async def settle() -> None:
        await ask_page(
            view,
            "(window.__f = 0, requestAnimationFrame(function () {"
            " requestAnimationFrame(function () { window.__f = 2; }); }), 1)",
        )
        painted = False
        while not painted:
            await asyncio.sleep(0.02)
            painted = await ask_page(view, "window.__f") == 2
        await asyncio.sleep(0.3)

    run(settle(), 20)


# --------------------------------------------------------------------------- the server


@dataclass
class Sim:
    """The simulator and runner endpoints of a simulated service, as the tests' own client."""

    base_url: str
    password: str
    _sim: httpx.Client | None = None
    _runners: dict[str, httpx.Client] = field(default_factory=dict)

    def _login(self, username: str) -> httpx.Client:
        answer = httpx.post(
            f"{self.base_url}/v1/auth/token",
            data={"username": username, "password": self.password, "grant_type": "password"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        token = answer.json()["access_token"]
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    @property
    def sim(self) -> httpx.Client:
        if self._sim is None:
            self._sim = self._login("demo-sim")
        return self._sim

    def autopilot(self, enabled: bool, speed: float = 1.0) -> None:
        answer = self.sim.put("/v1/sim/autopilot", json={"enabled": enabled, "speed": speed})
        assert answer.status_code in (200, 204), answer.text

    def add_runners(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self.sim.post("/v1/sim/runners", json=items)
        assert answer.status_code == 201, answer.text
        created: list[dict[str, Any]] = answer.json()
        return created

    def add_aeds(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self.sim.post("/v1/sim/aeds", json=items)
        assert answer.status_code == 201, answer.text
        created: list[dict[str, Any]] = answer.json()
        return created

    def runner(self, runner_id: str) -> httpx.Client:
        client = self._runners.get(runner_id)
        if client is None:
            answer = self.sim.post(f"/v1/sim/runners/{runner_id}/token")
            assert answer.status_code == 200, answer.text
            client = httpx.Client(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
                timeout=30,
            )
            self._runners[runner_id] = client
        return client

    def accept(self, mission_id: str, runner_id: str, lat: float, lon: float) -> dict[str, Any]:
        answer = self.runner(runner_id).post(
            f"/v1/runner/alerts/{mission_id}/accept", json={"lat": lat, "lon": lon}
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def status(self, mission_id: str, runner_id: str, status: str, lat: float, lon: float) -> None:
        answer = self.runner(runner_id).post(
            f"/v1/runner/alerts/{mission_id}/status",
            json={"status": status, "lat": lat, "lon": lon},
        )
        assert answer.status_code == 204, answer.text

    def close(self) -> None:
        if self._sim is not None:
            self._sim.close()
        for client in self._runners.values():
            client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ExternalServer:
    """An ``amk-dispatchd`` the test owns: it can be killed and started again on its port."""

    db_url: str
    log_path: Path
    password: str = "ui-test-pass"
    port: int = field(default_factory=free_port)
    keepalive_s: float = 2.0
    proc: subprocess.Popen[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90.0) -> None:
        command = [
            sys.executable,
            "-m",
            "console.server",
            "serve",
            "--simulate",
            "--world",
            "empty",
            "--port",
            str(self.port),
            "--db",
            self.db_url,
            "--demo-password",
            self.password,
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
            self.kill()
            raise AssertionError(f"server did not start ({line!r}); log:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._close_pipe()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
