"""``GET /v1/events`` against the real server: SSE framing, resuming, keep-alive, paging, and
no event lost or repeated while missions are raised concurrently."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from dispatchd_harness import Api

from console.domain.model import Event

PATIENT = {"lat": 56.1572, "lon": 10.2107}  # Aarhus
Problem = Callable[[httpx.Response, int, str], dict[str, Any]]


def page(api: Api, after: int, limit: int = 1000) -> dict[str, Any]:
    answer = api.supervisor.get(
        "/v1/events",
        params={"after": after, "limit": limit},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def last_seq(api: Api) -> int:
    after = 0
    while True:
        body = page(api, after)
        if not body["items"]:
            return after
        after = body["next_after"]


async def read_stream(
    base_url: str,
    token: str,
    *,
    until_seq: int | None = None,
    count: int | None = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout_s: float = 30.0,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Read SSE messages until one has ``until_seq`` or ``count`` were read; returns the
    messages (id, event, data) and the comment lines seen."""
    messages: list[dict[str, Any]] = []
    comments: list[str] = []
    current: dict[str, Any] = {}
    all_headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    all_headers.update(headers or {})
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=timeout_s) as client,
        asyncio.timeout(timeout_s),
        client.stream("GET", "/v1/events", params=params, headers=all_headers) as answer,
    ):
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        async for line in answer.aiter_lines():
            if line.startswith(":"):
                comments.append(line)
                if count == 0 and len(comments) >= 2:
                    break
                continue
            if line == "":
                if current:
                    messages.append(current)
                    current = {}
                    done_seq = until_seq is not None and int(messages[-1]["id"]) >= until_seq
                    done_count = count is not None and len(messages) >= count
                    if done_seq or done_count:
                        break
                continue
            name, _, value = line.partition(": ")
            current[name] = value
    return messages, comments


def token_of(client: httpx.Client) -> str:
    return client.headers["Authorization"].removeprefix("Bearer ")


async def test_stream_frames_every_event_with_its_seq_type_and_json(api: Api) -> None:
    start = last_seq(api)
    api.add_runners([{"id": "sse-1", "lat": 56.16, "lon": 10.21, "mode": "car"}])
    created = api.dispatcher.post("/v1/missions", json={"location": PATIENT})
    assert created.status_code == 201
    end = last_seq(api)
    messages, _ = await read_stream(
        api.base_url, token_of(api.supervisor), params={"after": start}, until_seq=end
    )
    assert [int(m["id"]) for m in messages] == list(range(start + 1, end + 1))
    events = [Event.from_json(json.loads(m["data"])) for m in messages]
    assert [e.type.value for e in events] == [m["event"] for m in messages]
    assert [e.seq for e in events] == [int(m["id"]) for m in messages]
    assert [e.type.value for e in events] == ["mission.created", "runner.alerted"]
    assert events[1].data["runner_id"] == "sse-1"
    # The JSON page form gives the same events.
    assert [json.loads(m["data"]) for m in messages] == page(api, start)["items"]


async def test_resume_after_last_event_id_and_keepalive_comments(api: Api) -> None:
    start = last_seq(api)
    for _ in range(3):
        api.dispatcher.post("/v1/missions", json={"location": PATIENT})
    end = last_seq(api)
    assert end == start + 3
    messages, _ = await read_stream(
        api.base_url,
        token_of(api.supervisor),
        headers={"Last-Event-ID": str(start + 1)},
        until_seq=end,
    )
    assert [int(m["id"]) for m in messages] == [start + 2, start + 3]
    # Idle: nothing new after `end`, so only comment lines (every 0.5 s in these tests).
    messages, comments = await read_stream(
        api.base_url, token_of(api.supervisor), params={"after": end}, count=0, timeout_s=10
    )
    assert messages == []
    assert ": keepalive" in comments


async def test_without_a_resume_point_the_stream_starts_with_the_next_event(api: Api) -> None:
    api.dispatcher.post("/v1/missions", json={"location": PATIENT})
    before = last_seq(api)
    reader = asyncio.create_task(read_stream(api.base_url, token_of(api.supervisor), count=1))
    await asyncio.sleep(1.0)  # let the stream subscribe
    await asyncio.to_thread(api.dispatcher.post, "/v1/missions", json={"location": PATIENT})
    messages, _ = await reader
    assert [int(m["id"]) for m in messages] == [before + 1]


def test_json_paging_and_its_limits(api: Api, problem: Problem) -> None:
    start = last_seq(api)
    for _ in range(5):
        api.dispatcher.post("/v1/missions", json={"location": PATIENT})
    first = page(api, start, limit=2)
    assert [e["seq"] for e in first["items"]] == [start + 1, start + 2]
    assert first["next_after"] == start + 2
    rest = page(api, first["next_after"], limit=100)
    assert [e["seq"] for e in rest["items"]] == [start + 3, start + 4, start + 5]
    assert page(api, start + 5)["items"] == []
    assert page(api, start + 5)["next_after"] == start + 5
    problem(
        api.supervisor.get(
            "/v1/events", params={"after": 0, "limit": 1001}, headers={"Accept": "application/json"}
        ),
        422,
        "validation",
    )
    problem(api.anonymous.get("/v1/events", params={"after": 0}), 401, "unauthorised")
    problem(
        api.runner(api.add_runners([{"lat": 56.0, "lon": 10.0}])[0]["id"]).get(
            "/v1/events", headers={"Accept": "application/json"}
        ),
        403,
        "forbidden",
    )


@pytest.mark.slow
async def test_concurrent_writers_no_event_missed_or_repeated(api: Api) -> None:
    api.add_runners(
        [{"lat": 56.1572 + 0.001 * i, "lon": 10.2107, "mode": "foot"} for i in range(25)]
    )
    start = last_seq(api)
    token = token_of(api.dispatcher)

    async def raise_missions(n: int) -> None:
        async with httpx.AsyncClient(
            base_url=api.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            for _ in range(n):
                answer = await client.post("/v1/missions", json={"location": PATIENT})
                assert answer.status_code == 201, answer.text

    readers = [
        asyncio.create_task(
            read_stream(
                api.base_url, token_of(api.supervisor), params={"after": start}, count=8 * 6 * 21
            )
        )
        for _ in range(3)
    ]
    await asyncio.gather(*(raise_missions(6) for _ in range(8)))
    end = last_seq(api)
    # 48 missions; the first takes all 20 runners it can reach (25 within 5 km, none engaged).
    assert end - start == 48 * 21
    for reader in readers:
        messages, _ = await reader
        seqs = [int(m["id"]) for m in messages]
        assert seqs == list(range(start + 1, end + 1))
    kinds: list[str] = []
    after = start
    while after < end:
        body = page(api, after)
        kinds += [e["type"] for e in body["items"]]
        after = body["next_after"]
    assert kinds.count("mission.created") == 48
