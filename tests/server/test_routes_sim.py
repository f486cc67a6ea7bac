"""The simulator's object endpoints refuse an id twice, in one request or across requests, and
leave nothing half-created behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from dispatchd_harness import Api

Problem = Callable[[httpx.Response, int, str], dict[str, Any]]


def test_runner_and_aed_ids_are_new_or_refused(api: Api, problem: Problem) -> None:
    api.add_runners([{"id": "sim-a", "lat": 55.6, "lon": 12.5}])
    api.add_aeds([{"id": "aed-a", "lat": 55.6, "lon": 12.5, "address": "Her 1"}])
    twice = [{"id": "sim-b", "lat": 55.6, "lon": 12.5}, {"id": "sim-b", "lat": 55.7, "lon": 12.5}]
    found = problem(api.sim.post("/v1/sim/runners", json=twice), 409, "duplicate-id")
    assert found["detail"] == "the same id appears twice in the request"
    again = [{"id": "sim-c", "lat": 55.6, "lon": 12.5}, {"id": "sim-a", "lat": 55.6, "lon": 12.5}]
    found = problem(api.sim.post("/v1/sim/runners", json=again), 409, "duplicate-id")
    assert found["detail"] == "runner ids already exist: ['sim-a']"
    aeds = [{"id": "aed-a", "lat": 55.6, "lon": 12.5, "address": "Der 2"}]
    found = problem(api.sim.post("/v1/sim/aeds", json=aeds), 409, "duplicate-id")
    assert found["detail"] == "AED ids already exist: ['aed-a']"
    # Nothing of a refused request was created.
    near = api.supervisor.get("/v1/runners", params={"lat": 55.6, "lon": 12.5, "radius_m": 5_000})
    assert sorted(r["id"] for r in near.json()) == ["sim-a"]
    assert [a["id"] for a in api.supervisor.get("/v1/aeds").json()] == ["aed-a"]
