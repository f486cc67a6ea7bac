"""Starting the real ``amk-dispatchd`` and talking to it: shared by the server tests."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
DEMO_PASSWORD = "test-pass"


# --------------------------------------------------------------------------- databases


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@dataclass
class PgDatabase:
    name: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    @classmethod
    def create(cls) -> PgDatabase:
        name = f"amk_test_{os.getpid()}_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return cls(name)

    def drop(self) -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class ServerProcess:
    proc: subprocess.Popen[str]
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def start_server(
    db_url: str,
    log_path: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    timeout_s: float = 90.0,
) -> ServerProcess:
    command = [
        sys.executable,
        "-m",
        "console.server",
        "serve",
        "--port",
        "0",
        "--db",
        db_url,
        "--demo-password",
        DEMO_PASSWORD,
        *extra,
    ]
    log = log_path.open("a", encoding="utf-8")
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, **(env or {})},
    )
    log.close()
    found: list[str] = []

    def read_first_line() -> None:
        assert proc.stdout is not None
        found.append(proc.stdout.readline())

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(timeout_s)
    line = found[0].strip() if found else ""
    prefix = "amk-dispatchd listening on "
    if not line.startswith(prefix):
        proc.kill()
        proc.wait(5)
        raise AssertionError(
            f"server did not start (first line {line!r}); log:\n"
            + log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        )
    return ServerProcess(proc, line.removeprefix(prefix), log_path)


@dataclass
class Api:
    """httpx clients logged in as the demo accounts of one server."""

    base_url: str
    dispatcher: httpx.Client
    supervisor: httpx.Client
    sim: httpx.Client
    anonymous: httpx.Client
    _runners: dict[str, httpx.Client] = field(default_factory=dict)

    def runner(self, runner_id: str) -> httpx.Client:
        client = self._runners.get(runner_id)
        if client is None:
            answer = self.sim.post(f"/v1/sim/runners/{runner_id}/token")
            assert answer.status_code == 200, answer.text
            client = client_for(self.base_url, answer.json()["access_token"])
            self._runners[runner_id] = client
        return client

    def reset(self) -> None:
        answer = self.sim.post("/v1/sim/reset", json={"world": "empty", "seed": 0})
        assert answer.status_code == 204, answer.text
        for client in self._runners.values():
            client.close()
        self._runners.clear()

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

    def close(self) -> None:
        for client in (self.dispatcher, self.supervisor, self.sim, self.anonymous):
            client.close()
        for client in self._runners.values():
            client.close()


def login(base_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    answer = httpx.post(
        f"{base_url}/v1/auth/token",
        data={"username": username, "password": password, "grant_type": "password"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def client_for(base_url: str, token: str | None) -> httpx.Client:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def make_api(base_url: str) -> Api:
    return Api(
        base_url=base_url,
        dispatcher=client_for(base_url, login(base_url, "demo-dispatcher")),
        supervisor=client_for(base_url, login(base_url, "demo-supervisor")),
        sim=client_for(base_url, login(base_url, "demo-sim")),
        anonymous=client_for(base_url, None),
    )
