"""The real ``amk-dispatchd serve`` as a subprocess: started, killed, paused, started again.

No fake of our own server anywhere in the tests: every test that needs the service starts this
process on loopback. It prints ``amk-dispatchd listening on <url>`` on stdout once it accepts
connections (everything else goes to stderr, which is kept in a log file for failure messages),
so waiting for that line is the whole start-up handshake.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The password ``--demo-password`` gives the demo accounts in every test server.
DEMO_PASSWORD = "test-pass"
LISTENING = "amk-dispatchd listening on "


def free_port() -> int:
    """A port nothing listens on now, for a server that must come back on the same port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dispatchd:
    """One server on one database; it can be killed, paused and started again on that database.

    ``simulate`` starts it as the simulated service on an empty world (the console's tests add
    their own runners); off, only ``extra_args`` say what it is. ``fixed_port`` keeps the same
    port over restarts (for a console that was given the URL); without it every start takes
    whatever port is free, and :attr:`port` tells which.
    """

    db_url: str
    log_path: Path
    extra_args: tuple[str, ...] = ()
    simulate: bool = True
    #: AMK_DISPATCHD_KEEPALIVE_S: short, so tests see a silent stream quickly; None: the default.
    keepalive_s: float | None = 1.0
    env: Mapping[str, str] = field(default_factory=dict)
    password: str = DEMO_PASSWORD
    fixed_port: int | None = None
    base_url: str = ""
    starts: int = 0
    _proc: subprocess.Popen[str] | None = field(default=None, repr=False)

    @property
    def proc(self) -> subprocess.Popen[str]:
        if self._proc is None:
            raise RuntimeError("amk-dispatchd has not been started")
        return self._proc

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def command(self) -> list[str]:
        world = ["--simulate", "--world", "empty"] if self.simulate else []
        return [
            sys.executable, "-m", "console.server", "serve", *world,
            "--port", str(self.fixed_port or 0), "--db", self.db_url,
            "--demo-password", self.password, *self.extra_args,
        ]  # fmt: skip

    def start(self, timeout_s: float = 90.0) -> None:
        """Start the process and return once it listens; its log tail in the error if it won't."""
        if self.running:
            raise RuntimeError(f"amk-dispatchd is already running at {self.base_url}")
        env = dict(os.environ)
        if self.keepalive_s is not None:
            env["AMK_DISPATCHD_KEEPALIVE_S"] = str(self.keepalive_s)
        env.update(self.env)
        with self.log_path.open("a", encoding="utf-8") as log:
            self._proc = subprocess.Popen(
                self.command(), stdout=subprocess.PIPE, stderr=log, text=True, env=env
            )
        line = _first_line(self._proc, timeout_s).strip()
        if not line.startswith(LISTENING):
            self.kill()
            raise AssertionError(f"amk-dispatchd did not start ({line!r}); log:\n{self.log_tail()}")
        self.base_url = line.removeprefix(LISTENING)
        self.starts += 1

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to open streams."""
        if self.running:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._close_pipe()

    def pause(self) -> None:
        """SIGSTOP: the process stays, its sockets stay open, and it says nothing at all."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM (after SIGCONT, in case it was paused), then SIGKILL if it will not go."""
        if self.running:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._close_pipe()

    def _close_pipe(self) -> None:
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()


def start_server(
    db_url: str,
    log_path: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 90.0,
) -> Dispatchd:
    """A server that is exactly its command line (``extra``), for the server's own tests."""
    server = Dispatchd(
        db_url, log_path, extra_args=extra, simulate=False, keepalive_s=None, env=env or {}
    )
    server.start(timeout_s)
    return server


def _first_line(proc: subprocess.Popen[str], timeout_s: float) -> str:
    """The first stdout line, or "" after ``timeout_s`` (a thread: pipes have no timeout)."""
    found: list[str] = []
    stdout = proc.stdout
    assert stdout is not None

    reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout_s)
    return found[0] if found else ""
