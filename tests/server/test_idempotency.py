"""``Idempotency-Key`` against the real server, including ten identical requests at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from dispatchd_harness import Api

PATIENT = {"lat": 55.4038, "lon": 10.4024}  # Odense
Problem = Callable[[httpx.Response, int, str], dict[str, Any]]


def open_missions(api: Api) -> list[dict[str, Any]]:
    answer = api.supervisor.get("/v1/missions", params={"state": "open"})
    assert answer.status_code == 200
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_same_key_and_body_answer_the_first_response(api: Api, problem: Problem) -> None:
    body = {"location": PATIENT, "address": "Flakhaven 2", "note": "første"}
    headers = {"Idempotency-Key": "raise-1"}
    first = api.dispatcher.post("/v1/missions", json=body, headers=headers)
    again = api.dispatcher.post("/v1/missions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(open_missions(api)) == 1
    # Another body with the same key is refused; another key is a new mission.
    problem(
        api.dispatcher.post("/v1/missions", json={**body, "note": "anden"}, headers=headers),
        422,
        "idempotency-mismatch",
    )
    other = api.dispatcher.post("/v1/missions", json=body, headers={"Idempotency-Key": "raise-2"})
    assert other.json()["id"] != first.json()["id"]
    # Keys are per user: the same key from another dispatcher login is its own.
    mission_id = first.json()["id"]
    cancel = {"reason": "test"}
    once = api.dispatcher.post(
        f"/v1/missions/{mission_id}/cancel", json=cancel, headers={"Idempotency-Key": "c"}
    )
    twice = api.dispatcher.post(
        f"/v1/missions/{mission_id}/cancel", json=cancel, headers={"Idempotency-Key": "c"}
    )
    assert once.status_code == twice.status_code == 200
    assert once.json() == twice.json()
    # Without a key the repeat is a real second request, refused because the mission ended.
    problem(
        api.dispatcher.post(f"/v1/missions/{mission_id}/cancel", json=cancel), 409, "mission-ended"
    )


def test_failed_requests_are_not_kept(api: Api, problem: Problem) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    problem(
        api.dispatcher.post("/v1/missions/m-424242/cancel", json={"reason": "x"}, headers=headers),
        404,
        "not-found",
    )
    created = api.dispatcher.post("/v1/missions", json={"location": PATIENT})
    mission_id = created.json()["id"]
    # Same key, now on an existing mission: a different request body path, so the key is new
    # to this endpoint only if the first attempt was not stored.
    problem(
        api.dispatcher.post("/v1/missions/m-424242/cancel", json={"reason": "x"}, headers=headers),
        404,
        "not-found",
    )
    ok = api.dispatcher.post(
        f"/v1/missions/{mission_id}/cancel", json={"reason": "x"}, headers={"Idempotency-Key": "k2"}
    )
    assert ok.status_code == 200


async def test_ten_identical_requests_at_once_create_one_mission(api: Api) -> None:
    token = api.dispatcher.headers["Authorization"]
    body = {"location": PATIENT, "address": "Samtidig 10"}

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/v1/missions", json=body, headers={"Idempotency-Key": "ten"})

    async with httpx.AsyncClient(
        base_url=api.base_url, headers={"Authorization": token}, timeout=60
    ) as client:
        answers = await asyncio.gather(*(send(client) for _ in range(10)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len([m for m in open_missions(api) if m["address"] == "Samtidig 10"]) == 1
