"""The headless console as a real process: SIGKILLed during ingest, restarted, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sync_harness import assert_cache_matches_server

from console.cache.store import Cache
from tests.support.dispatchd import DEMO_PASSWORD, Dispatchd
from tests.support.driver import Driver
from tests.support.waiting import eventually


def _headless(server: str, cache_url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "console.services.headless",
                "--server",
                server,
                "--username",
                "demo-dispatcher",
                "--cache",
                cache_url,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "AMK_CONSOLE_PASSWORD": DEMO_PASSWORD},
        )


def _cached_seq(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            row = db.execute("SELECT value FROM cache_meta WHERE key = 'last_seq'").fetchone()
    except sqlite3.OperationalError:
        return 0  # not created yet
    return int(row[0]) if row else 0


@pytest.mark.slow
async def test_sigkill_during_ingest_then_restart_loses_and_doubles_nothing(
    dispatchd: Dispatchd, driver: Driver, tmp_path: Path
) -> None:
    path = tmp_path / "cache.sqlite3"
    url = f"sqlite:///{path}"
    log = tmp_path / "headless.log"
    start_seq = await driver.head()
    console = _headless(dispatchd.base_url, url, log)
    try:
        traffic = asyncio.ensure_future(driver.autopilot_traffic(at_least=start_seq + 4000))
        await eventually(lambda: _cached_seq(path) > start_seq + 800, 60, "ingest under way")
        console.send_signal(signal.SIGKILL)
        assert console.wait(10) == -signal.SIGKILL
        killed_at = _cached_seq(path)
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        console = _headless(dispatchd.base_url, url, log)
        head = await traffic
        assert head > killed_at
        await eventually(lambda: _cached_seq(path) >= head, 60, "the restarted console")
    finally:
        if console.poll() is None:
            console.send_signal(signal.SIGTERM)
            console.wait(15)
    assert console.returncode == 0, log.read_text()
    assert "link live" in log.read_text()
    cache = await Cache.open(url)
    try:
        await assert_cache_matches_server(cache, driver)
    finally:
        await cache.close()
