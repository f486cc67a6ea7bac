"""Durability of the event log: SIGKILL the server while it writes, restart it on the same
database, and nothing acknowledged or streamed is lost, seqs have no gap, and every mission is
exactly the fold of its events."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest
from dispatchd_harness import make_api, start_server
from test_routes_events import read_stream, token_of

from console.domain.fold import fold
from console.domain.model import Event, Mission

PATIENT = {"lat": 55.4765, "lon": 8.4594}  # Esbjerg


def all_events(base_url: str, token: str) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    after = 0
    with httpx.Client(base_url=base_url, headers={"Authorization": token}, timeout=30) as client:
        while True:
            body = client.get(
                "/v1/events",
                params={"after": after, "limit": 1000},
                headers={"Accept": "application/json"},
            ).json()
            if not body["items"]:
                return events
            events += body["items"]
            after = body["next_after"]


@pytest.mark.slow
async def test_sigkill_mid_write_then_restart_loses_nothing(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    first = start_server(db_url, log, "--simulate", "--world", "empty")
    api = make_api(first.base_url)
    api.add_runners([{"lat": 55.4765 + 0.001 * i, "lon": 8.4594} for i in range(10)])
    acknowledged: list[str] = []
    token = api.dispatcher.headers["Authorization"]

    async def keep_writing() -> None:
        async with httpx.AsyncClient(
            base_url=first.base_url, headers={"Authorization": token}, timeout=10
        ) as client:
            while True:
                answer = await client.post("/v1/missions", json={"location": PATIENT})
                acknowledged.append(answer.json()["id"])
                await client.post(
                    f"/v1/missions/{acknowledged[-1]}/cancel", json={"reason": "drill"}
                )

    stream = asyncio.create_task(
        read_stream(first.base_url, token_of(api.supervisor), params={"after": 0}, count=10**9)
    )
    writers = [asyncio.create_task(keep_writing()) for _ in range(3)]
    await asyncio.sleep(2.0)
    first.kill()
    for task in [*writers, stream]:
        with contextlib.suppress(Exception):
            await task
    streamed: list[int] = []
    if stream.done() and not stream.cancelled() and stream.exception() is None:
        streamed = [int(m["id"]) for m in stream.result()[0]]
    api.close()
    assert len(acknowledged) > 5, first.log_tail()

    second = start_server(db_url, log, "--simulate", "--world", "empty")
    try:
        api = make_api(second.base_url)
        events = all_events(second.base_url, api.supervisor.headers["Authorization"])
        seqs = [int(e["seq"]) for e in events]  # type: ignore[call-overload]
        assert seqs == list(range(1, len(seqs) + 1)), "a seq is missing or repeated"
        assert set(streamed) <= set(seqs)
        mission_ids = {str(e["mission_id"]) for e in events if e["mission_id"] is not None}
        assert set(acknowledged) <= mission_ids
        for mission_id in mission_ids:
            mine = [Event.from_json(e) for e in events if e["mission_id"] == mission_id]
            stored = api.supervisor.get(f"/v1/missions/{mission_id}")
            assert stored.status_code == 200
            assert fold(mine) == Mission.from_json(stored.json())
        # The restarted server goes on from the next seq.
        api.dispatcher.post("/v1/missions", json={"location": PATIENT})
        after = all_events(second.base_url, api.supervisor.headers["Authorization"])
        assert after[-1]["seq"] == len(seqs) + 11  # mission.created + 10 runner.alerted
        api.close()
    finally:
        second.stop()
