"""The real ``amk-dispatchd`` process on loopback, on SQLite and on PostgreSQL, for contract tests.

Servers are started once per test module (start-up migrates a fresh database, ~1-2 s) and each
test begins with ``POST /v1/sim/reset {"world": "empty"}``, which cancels what the previous test
left open and removes its runners and AEDs. PostgreSQL tests get a database of their own, created
on the machine's server and dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from dispatchd_harness import (
    Api,
    PgDatabase,
    ServerProcess,
    make_api,
    postgres_available,
    start_server,
)


@pytest.fixture(scope="module")
def pg_database() -> Iterator[PgDatabase]:
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    database = PgDatabase.create()
    yield database
    database.drop()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def db_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    if backend == "postgres":
        database: PgDatabase = request.getfixturevalue("pg_database")
        return database.url
    folder = tmp_path_factory.mktemp("sqlite")
    return f"sqlite:///{folder / 'dispatch.sqlite3'}"


@pytest.fixture(scope="module")
def server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log_path = tmp_path_factory.mktemp("log") / "server.log"
    process = start_server(
        db_url,
        log_path,
        "--simulate",
        "--world",
        "empty",
        env={"AMK_DISPATCHD_KEEPALIVE_S": "0.5"},
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def module_api(server: ServerProcess) -> Iterator[Api]:
    api = make_api(server.base_url)
    yield api
    api.close()


@pytest.fixture
def api(module_api: Api) -> Api:
    module_api.reset()
    return module_api


@pytest.fixture
def problem() -> Callable[[httpx.Response, int, str], dict[str, Any]]:
    """Assert a response is a problem document of a status and slug; returns the document."""

    def check(answer: httpx.Response, status: int, slug: str) -> dict[str, Any]:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        document: dict[str, Any] = answer.json()
        assert document["type"].endswith(f"/problems/{slug}"), document
        assert document["status"] == status
        return document

    return check
