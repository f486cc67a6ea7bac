"""``amk-dispatchd`` as an operator runs it: help, ``user add``, a real deployment without
simulation, and JSON logs that never carry a position, an address or a note."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from dispatchd_harness import client_for, login, start_server

Problem = Callable[[httpx.Response, int, str], dict[str, Any]]


def dispatchd(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console.server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["--help"], ["serve", "user"]),
        (
            ["serve", "--help"],
            [
                "--simulate",
                "--host",
                "--port",
                "--db",
                "--seed",
                "--demo-password",
                "--world",
                "--autopilot",
                "--tls-cert",
                "--tls-key",
                "--log-json",
            ],
        ),
        (["user", "add", "--help"], ["--role", "dispatcher", "supervisor", "runner", "sim"]),
    ],
)
def test_help(command: list[str], expected: list[str]) -> None:
    result = dispatchd(*command)
    assert result.returncode == 0, result.stderr
    for word in expected:
        assert word in result.stdout


def test_bad_options_are_refused() -> None:
    assert dispatchd("serve", "--world", "mars").returncode == 2
    result = dispatchd("serve", "--tls-cert", "cert.pem")
    assert result.returncode == 2
    assert "--tls-key" in result.stderr
    assert dispatchd("serve", "--autopilot", "10").returncode == 2


def test_user_add_then_a_real_deployment(tmp_path: Path, problem: Problem) -> None:
    db = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    added = dispatchd(
        "user", "add", "anna", "--role", "dispatcher", "--db", db, stdin="correct horse battery\n"
    )
    assert added.returncode == 0, added.stderr
    again = dispatchd(
        "user", "add", "anna", "--role", "dispatcher", "--db", db, stdin="correct horse battery\n"
    )
    assert again.returncode == 1
    assert "taken" in again.stderr
    short = dispatchd("user", "add", "bo", "--role", "supervisor", "--db", db, stdin="abc\n")
    assert short.returncode == 1

    server = start_server(db, tmp_path / "server.log", "--log-json")
    try:
        token = login(server.base_url, "anna", "correct horse battery")
        anna = client_for(server.base_url, token)
        address, note = "Strandvejen 17, 2900 Hellerup", "Hjertestop hos nabo"
        created = anna.post(
            "/v1/missions",
            json={"location": {"lat": 55.7311, "lon": 12.5753}, "address": address, "note": note},
        )
        assert created.status_code == 201, created.text
        anna.get("/v1/runners", params={"lat": 55.7311, "lon": 12.5753, "radius_m": 1000})
        # No simulation: no demo accounts, and /v1/sim does not exist.
        refused = httpx.post(
            f"{server.base_url}/v1/auth/token",
            data={"username": "demo-dispatcher", "password": "test-pass"},
        )
        problem(refused, 401, "unauthorised")
        problem(anna.post("/v1/sim/runners", json=[]), 404, "not-found")
        anna.close()
    finally:
        server.stop()
    lines = [line for line in server.log_path.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(r["logger"] == "amk.dispatchd.access" and r["status"] == 201 for r in records)
    text = server.log_path.read_text()
    for secret in (address, note, "55.7311", "12.5753"):
        assert secret not in text
