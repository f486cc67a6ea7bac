"""``amk-dispatchd`` as an operator runs it: help, ``user add``, a real deployment without
simulation, and JSON logs that never carry a position, an address or a note."""

from __future__ import annotations

import json
import shutil
import signal
import ssl
import subprocess
import sys
import time
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


def test_tls_serves_https(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    db = f"sqlite:///{tmp_path / 'tls.sqlite3'}"
    server = start_server(db, tmp_path / "tls.log", "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        assert server.base_url.startswith("https://127.0.0.1:")
        trust = ssl.create_default_context(cafile=str(cert))
        answer = httpx.get(f"{server.base_url}/v1/health", verify=trust)
        assert answer.status_code == 200
        assert answer.json()["status"] == "ok"
    finally:
        server.stop()


@pytest.mark.slow
def test_denmark_world_is_loaded_once_per_seed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'dk.sqlite3'}"
    log = tmp_path / "dk.log"
    for start in range(2):
        server = start_server(db, log, "--simulate", "--seed", "5")
        try:
            token = login(server.base_url, "demo-supervisor")
            with client_for(server.base_url, token) as client:
                aeds = client.get("/v1/aeds").json()
                near = client.get(
                    "/v1/runners", params={"lat": 55.6761, "lon": 12.5683, "radius_m": 2000}
                ).json()
            assert len(aeds) == 26_182
            assert len(near) > 20  # central Copenhagen has many responders
        finally:
            server.stop()
        assert log.read_text().count("loaded world denmark:5") == 1, f"start {start}"


def test_sigterm_stops_the_server_promptly_even_with_a_stream_open(tmp_path: Path) -> None:
    server = start_server(
        f"sqlite:///{tmp_path / 'stop.sqlite3'}",
        tmp_path / "stop.log",
        "--simulate",
        "--world",
        "empty",
    )
    token = login(server.base_url, "demo-supervisor")
    with (
        httpx.Client(base_url=server.base_url, timeout=30) as client,
        client.stream("GET", "/v1/events", headers={"Authorization": f"Bearer {token}"}) as stream,
    ):
        assert stream.status_code == 200
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        returncode = server.proc.wait(20)
    server.stop()
    # uvicorn re-raises the signal once it has shut down cleanly.
    assert returncode in (0, -signal.SIGTERM), server.log_tail()
    assert time.monotonic() - started < 3  # before uvicorn's graceful-shutdown timeout
    assert "Traceback" not in server.log_path.read_text()
