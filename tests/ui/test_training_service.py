"""The training service: the real ``amk-dispatchd`` as a child that cannot outlive the console."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from console.ui.training_service import TrainingService, TrainingServiceError, launch_command


def proc_argv(pid: int) -> list[str]:
    """The arguments ``ps`` shows for ``pid`` (Linux)."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_launcher_becomes_the_service_on_linux() -> None:
    command = [sys.executable, "-m", "console.server", "serve"]
    wrapped = launch_command(command)
    if sys.platform.startswith("linux"):
        assert wrapped[:2] == [sys.executable, "-c"]
        assert wrapped[3] == str(os.getpid())
        assert wrapped[4:] == command[1:]
    else:
        assert wrapped == command


async def test_start_answer_and_stop(tmp_path: Path) -> None:
    service = TrainingService(
        f"sqlite:///{tmp_path / 'd.sqlite3'}", tmp_path / "d.log", world="empty"
    )
    url = await service.start()
    assert url.startswith("http://127.0.0.1:")
    assert service.pid is not None
    # What ps shows: the service by its name with the arguments, and no password.
    argv = proc_argv(service.pid)
    assert Path(argv[1]).name == "amk-dispatchd"
    assert argv[2:6] == ["serve", "--simulate", "--autopilot", "1"]
    assert not any(service.password in arg for arg in argv)
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{url}/v1/health")
        assert health.json()["status"] == "ok"
        login = await client.post(
            f"{url}/v1/auth/token",
            data={"username": "demo-dispatcher", "password": service.password},
        )
        assert login.status_code == 200
    await service.stop()
    assert not service.running
    with pytest.raises(TrainingServiceError, match="already started"):
        await service.start()


async def test_a_password_that_looks_like_an_option(tmp_path: Path) -> None:
    service = TrainingService(
        f"sqlite:///{tmp_path / 'd.sqlite3'}",
        tmp_path / "d.log",
        world="empty",
        password="-starts-with-a-dash",
    )
    url = await service.start()
    try:
        async with httpx.AsyncClient() as client:
            login = await client.post(
                f"{url}/v1/auth/token",
                data={"username": "demo-sim", "password": "-starts-with-a-dash"},
            )
        assert login.status_code == 200
    finally:
        await service.stop()


@pytest.mark.allow_log_warnings
async def test_a_service_that_cannot_start_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = TrainingService("mysql://nope", tmp_path / "d.log", world="empty")
    with pytest.raises(TrainingServiceError, match="did not start"):
        await service.start()
    # A child that dies at once can be reaped before asyncio's watcher registers it; asyncio then
    # logs "Unknown child process" (a known race, seen in CI). Only that notice is tolerated.
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(message.startswith("Unknown child process pid") for message in loud), loud


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_the_service_ends_when_the_console_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, os
        from pathlib import Path
        from console.ui.training_service import TrainingService
        async def main():
            service = TrainingService("sqlite:///{tmp_path / "d.sqlite3"}",
                                      Path("{tmp_path / "d.log"}"), world="empty")
            await service.start()
            print(service.pid, flush=True)
            os._exit(9)  # no clean-up at all, as after SIGKILL
        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    child = int(result.stdout.strip())
    deadline = time.monotonic() + 15
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), "the training service outlived the console"


async def test_launched_first_then_started_by_the_composition(tmp_path: Path) -> None:
    """``amk-console --simulate`` launches the service before it imports Qt; start() waits."""
    from console.ui.app import launch_training
    from console.ui.options import parse_options

    assert launch_training(parse_options(["--server", "http://127.0.0.1:9"])) is None
    screenshot = parse_options(["--screenshot", str(tmp_path / "x.png")])
    assert launch_training(screenshot) is None  # it runs in a temporary directory of its own
    options = parse_options(["--simulate", "--world", "empty", "--data-dir", str(tmp_path)])
    service = launch_training(options)
    assert service is not None
    assert service.launched
    assert service.running
    assert Path(service.database_url.removeprefix("sqlite:///")).parent.is_relative_to(tmp_path)
    try:
        url = await service.start()
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{url}/v1/health")).json()["status"] == "ok"
    finally:
        await service.stop()
    assert not service.running
