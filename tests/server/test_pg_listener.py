"""Two server processes on one PostgreSQL database: each streams the other's events (LISTEN /
NOTIFY), seqs come from the database without gaps, and runner positions reach both indexes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dispatchd_harness import Api, PgDatabase, ServerProcess, make_api, start_server
from test_routes_events import last_seq, read_stream, token_of

pytestmark = pytest.mark.postgres

PATIENT = {"lat": 57.0488, "lon": 9.9217}  # Aalborg


@pytest.fixture(scope="module")
def two_servers(
    pg_database: PgDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, Api]]:
    folder: Path = tmp_path_factory.mktemp("two")
    env = {"AMK_DISPATCHD_KEEPALIVE_S": "0.5"}
    first: ServerProcess = start_server(
        pg_database.url, folder / "a.log", "--simulate", "--world", "empty", env=env
    )
    second: ServerProcess | None = None
    try:
        second = start_server(
            pg_database.url, folder / "b.log", "--simulate", "--world", "empty", env=env
        )
        apis = (make_api(first.base_url), make_api(second.base_url))
        yield apis
        for api in apis:
            api.close()
    finally:
        first.stop()
        if second is not None:
            second.stop()


async def test_each_process_streams_all_events_of_both(two_servers: tuple[Api, Api]) -> None:
    a, b = two_servers
    a.add_runners([{"lat": 57.0488 + 0.002 * i, "lon": 9.9217} for i in range(6)])
    start = last_seq(a)
    per_server = 12
    # Per mission: created, 6 alerted, closed, 6 released.
    total_events = 2 * per_server * 14

    readers = [
        asyncio.create_task(
            read_stream(
                api.base_url,
                token_of(api.supervisor),
                params={"after": start},
                count=total_events,
                timeout_s=60,
            )
        )
        for api in (a, b)
    ]

    async def raise_on(api: Api, n: int) -> list[str]:
        token = api.dispatcher.headers["Authorization"]
        ids = []
        async with httpx.AsyncClient(
            base_url=api.base_url, headers={"Authorization": token}, timeout=60
        ) as client:
            for _ in range(n):
                answer = await client.post("/v1/missions", json={"location": PATIENT})
                assert answer.status_code == 201, answer.text
                ids.append(answer.json()["id"])
                # Each mission leaves its runners alerted; close it so the next reaches them too.
                closed = await client.post(
                    f"/v1/missions/{ids[-1]}/close", json={"outcome": "test"}
                )
                assert closed.status_code == 200
        return ids

    # Interleave the two writers: three concurrent streams of requests per server.
    results = await asyncio.gather(
        *(raise_on(api, per_server // 3) for api in (a, b) for _ in range(3))
    )
    end = last_seq(a)
    assert last_seq(b) == end
    mission_ids = [m for chunk in results for m in chunk]
    assert len(set(mission_ids)) == 2 * per_server
    assert end - start == total_events
    for reader in readers:
        messages, _ = await reader
        seqs = [int(m["id"]) for m in messages]
        assert seqs == list(range(start + 1, start + 1 + total_events))


def test_positions_reach_the_other_process_index(two_servers: tuple[Api, Api]) -> None:
    a, b = two_servers
    [runner] = a.add_runners([{"id": "moving", "lat": 56.0, "lon": 9.0, "mode": "foot"}])
    answer = a.runner(runner["id"]).put(
        "/v1/runner/position", json={"lat": PATIENT["lat"], "lon": PATIENT["lon"], "mode": "car"}
    )
    assert answer.status_code == 204
    deadline = time.monotonic() + 10
    seen: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        seen = b.supervisor.get("/v1/runners", params={**PATIENT, "radius_m": 50}).json()
        if any(r["id"] == "moving" for r in seen):
            break
        time.sleep(0.05)
    assert [(r["id"], r["mode"]) for r in seen if r["id"] == "moving"] == [("moving", "car")]
    # And the other process alerts it where it now is.
    mission = b.dispatcher.post("/v1/missions", json={"location": PATIENT}).json()
    assert "moving" in [r["runner_id"] for r in mission["responders"]]
    b.dispatcher.post(f"/v1/missions/{mission['id']}/cancel", json={"reason": "test"})
