"""Helpers for the window tests: drive the qasync loop, start the console, ask the map page.

Kept out of conftest.py so test modules import them by name (``from ui_harness import ...``).
The dispatch service is always the real ``amk-dispatchd``: started by the console itself
(``--simulate``) or, for the tests that kill it, by :class:`ExternalServer`, the shared
harness's :class:`~tests.support.dispatchd.Dispatchd` on a port of its own. :class:`Sim` is the
shared :class:`~tests.support.sync_api.SimClient`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.maps import MapView
from console.ui.composition import Console, running_console
from console.ui.login_dialog import LoginDialog
from console.ui.options import parse_options
from tests.support.dispatchd import Dispatchd, free_port
from tests.support.sync_api import SimClient, client_for, login

T = TypeVar("T")


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


class Sim(SimClient):
    """The simulator and runner endpoints of a simulated service, logged in as ``demo-sim``."""

    def __init__(self, base_url: str, password: str) -> None:
        super().__init__(base_url, client_for(base_url, login(base_url, "demo-sim", password)))


@dataclass
class ExternalServer(Dispatchd):
    """An ``amk-dispatchd`` the test owns, on a port of its own that it keeps when the test kills
    it and starts it again (the console was given that URL)."""

    password: str = "ui-test-pass"
    keepalive_s: float | None = 2.0
    fixed_port: int | None = field(default_factory=free_port)
