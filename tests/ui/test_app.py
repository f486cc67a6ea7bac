"""``amk-console`` as a program: the screenshot run CI makes, usage errors, a clean exit."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def console(
    *args: str, timeout: float = 240.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "console.app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_usage_error_without_a_server() -> None:
    done = console()
    assert done.returncode == 2
    assert "give --server URL, or --simulate" in done.stderr


def test_quiet_screenshot_exits_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "quiet.png"
    done = console(
        "--screenshot",
        str(target),
        "--scenario",
        "quiet",
        "--world",
        "empty",
        "--data-dir",
        str(tmp_path / "data"),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert png_size(target) == (1600, 1000)
    assert "Fatal Python error" not in done.stderr
    assert "Traceback" not in done.stderr
    assert "training service stopped" in done.stderr


def test_screenshot_on_a_high_dpi_display(tmp_path: Path) -> None:
    """At 200 % the same window has twice the pixels each way: text and map drawn sharp at the
    display's density, not a 1600 x 1000 picture scaled up, and the layout is the same."""
    target = tmp_path / "hidpi.png"
    done = console(
        "--screenshot",
        str(target),
        "--scenario",
        "quiet",
        "--world",
        "empty",
        "--data-dir",
        str(tmp_path / "data"),
        env={"QT_SCALE_FACTOR": "2"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert png_size(target) == (3200, 2000)


@pytest.mark.slow
def test_busy_screenshot_as_ci_makes_it(tmp_path: Path) -> None:
    target = tmp_path / "console.png"
    done = console("--screenshot", str(target), "--scenario", "busy", timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]
    assert png_size(target) == (1600, 1000)
    assert target.stat().st_size > 150_000  # a map with missions, not an empty window
    assert "raise alert at Jagtvej 111" in done.stderr
