"""``--simulate``: the reference dispatch service as a child process, for training.

The child is the real ``amk-dispatchd serve --simulate`` (the same code a test or a deployment
runs), on a free loopback port chosen by the system (``--port 0``); it announces the port on its
first line of output. Its database lives in the user's data directory so a training session can
be resumed; its log goes to a file beside it. The console stops the child when it quits, and an
``atexit`` hook makes sure it does even when the console fails on the way out.

The demo accounts get a password made up for this run, so another user of the machine cannot log
in to the training service while it runs.

On Linux the child is started through a two-line launcher that asks the kernel to send it
SIGTERM when the console dies (``PR_SET_PDEATHSIG``) and then becomes the service (``execv``),
so a console killed or crashed never leaves a training service running behind it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from console.ui.data_dirs import DataDirs
from console.ui.options import ConsoleOptions

log = logging.getLogger("console.ui.training")

LISTENING: Final = "amk-dispatchd listening on "
DEMO_DISPATCHER: Final = "demo-dispatcher"
DEMO_SUPERVISOR: Final = "demo-supervisor"
DEMO_SIM: Final = "demo-sim"
#: ``amk-dispatchd``'s variable for the demo password (console/server/cli.py; not imported
#: from there, which would load the whole server into the console).
DEMO_PASSWORD_ENV: Final = "AMK_DISPATCHD_DEMO_PASSWORD"


#: Runs as ``python -c LAUNCHER PARENT_PID ARGV...``: survive the parent by not one moment.
_LAUNCHER: Final = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG\n"
    "if os.getppid() != int(sys.argv[1]): sys.exit(1)  # the parent is already gone\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)


def launch_command(command: list[str]) -> list[str]:
    """``command`` (a Python module run) wrapped so that it ends when this process ends."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *command[1:]]


class TrainingServiceError(RuntimeError):
    """The training service did not start (the message carries the end of its log)."""


@dataclass
class TrainingService:
    """One child ``amk-dispatchd``; :meth:`start` it, read :attr:`base_url`, :meth:`stop` it."""

    database_url: str
    log_path: Path
    autopilot_speed: float = 1.0
    world: str = "denmark"
    start_timeout_s: float = 120.0
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12), repr=False)
    base_url: str = ""
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def command(self) -> list[str]:
        """``amk-dispatchd serve --simulate --autopilot 1 ...``, the installed command itself
        when it is there (so ``ps`` names it), else the same module run by this interpreter.

        The password is not among the arguments (every user of the machine can read those):
        :meth:`environment` carries it.
        """
        script = Path(sys.executable).with_name("amk-dispatchd")
        program = (
            [sys.executable, str(script)]
            if script.is_file()
            else [
                sys.executable,
                "-m",
                "console.server",
            ]
        )
        return [
            *program,
            "serve",
            "--simulate",
            "--autopilot",
            f"{self.autopilot_speed:g}",
            "--world",
            self.world,
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            self.database_url,
        ]

    def environment(self) -> dict[str, str]:
        return {**os.environ, DEMO_PASSWORD_ENV: self.password}

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def launch(self) -> None:
        """Start the child now, without waiting for it: ``amk-console --simulate`` does this
        before it imports Qt and the windows, so the service loads its Denmark world (some
        seconds) while the console starts; :meth:`start` then waits for it to listen."""
        if self._proc is not None:
            raise TrainingServiceError("the training service was already started")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self._proc = subprocess.Popen(
                launch_command(self.command()),
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log_file,
            )
        atexit.register(self._stop_now)
        log.info("training service starting (pid %d, log %s)", self._proc.pid, self.log_path)

    @property
    def launched(self) -> bool:
        return self._proc is not None

    async def start(self) -> str:
        """Start the child (unless :meth:`launch` did) and return its base URL once it listens."""
        if self._proc is None or self.base_url:
            self.launch()
        proc = self._proc
        assert proc is not None
        assert proc.stdout is not None
        try:
            # A blocking read in a worker thread: the child's first line, or EOF if it dies.
            line = await asyncio.wait_for(
                asyncio.to_thread(proc.stdout.readline), self.start_timeout_s
            )
        except TimeoutError:
            await self.stop()
            raise TrainingServiceError(
                f"the training service did not start within {self.start_timeout_s:g} s; "
                f"log:\n{self.log_tail()}"
            ) from None
        text = line.decode("utf-8", "replace").strip()
        if not text.startswith(LISTENING):
            await self.stop()
            raise TrainingServiceError(
                f"the training service did not start (it said {text!r}); log:\n{self.log_tail()}"
            )
        self.base_url = text.removeprefix(LISTENING)
        log.info("training service listening on %s", self.base_url)
        return self.base_url

    async def stop(self, timeout_s: float = 10.0) -> int | None:
        """Ask the child to stop (SIGTERM), kill it if it has not after ``timeout_s``."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("the training service ignored SIGTERM for %g s; killing it", timeout_s)
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await asyncio.to_thread(proc.wait)
        if proc.stdout is not None:
            proc.stdout.close()
        atexit.unregister(self._stop_now)
        log.info("training service stopped (exit code %s)", proc.returncode)
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL, for tests of a server that dies mid-mission."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def _stop_now(self) -> None:
        """Last resort at interpreter exit: no event loop any more, so signals only."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def training_service_for(options: ConsoleOptions, dirs: DataDirs) -> TrainingService:
    """The ``--simulate`` service of these options, its database in the user's data directory."""
    return TrainingService(
        dirs.training_database_url,
        dirs.training_log,
        autopilot_speed=options.autopilot,
        world=options.world,
    )
