"""Blocking httpx clients logged in as a test server's demo accounts (for synchronous tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.dispatchd import DEMO_PASSWORD


@dataclass
class SimClient:
    """The simulator's endpoints as ``demo-sim``, and the runner endpoints with each runner's
    own token (the simulator hands them out): how a test plays the world and the runners."""

    base_url: str
    sim: httpx.Client
    _runners: dict[str, httpx.Client] = field(default_factory=dict)

    def runner(self, runner_id: str) -> httpx.Client:
        """A client with the runner's own token, made once."""
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

    def autopilot(self, enabled: bool, speed: float = 1.0) -> None:
        answer = self.sim.put("/v1/sim/autopilot", json={"enabled": enabled, "speed": speed})
        assert answer.status_code in (200, 204), answer.text

    def accept(self, mission_id: str, runner_id: str, lat: float, lon: float) -> dict[str, Any]:
        answer = self.runner(runner_id).post(
            f"/v1/runner/alerts/{mission_id}/accept", json={"lat": lat, "lon": lon}
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def status(self, mission_id: str, runner_id: str, status: str, lat: float, lon: float) -> None:
        answer = self.runner(runner_id).post(
            f"/v1/runner/alerts/{mission_id}/status",
            json={"status": status, "lat": lat, "lon": lon},
        )
        assert answer.status_code == 204, answer.text

    def close(self) -> None:
        self.sim.close()
        for client in self._runners.values():
            client.close()


@dataclass(kw_only=True)
class Api(SimClient):
    """httpx clients logged in as the demo accounts of one server."""

    dispatcher: httpx.Client
    supervisor: httpx.Client
    anonymous: httpx.Client

    def close(self) -> None:
        for client in (self.dispatcher, self.supervisor, self.anonymous):
            client.close()
        super().close()


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


def make_api(base_url: str, password: str = DEMO_PASSWORD) -> Api:
    return Api(
        base_url=base_url,
        dispatcher=client_for(base_url, login(base_url, "demo-dispatcher", password)),
        supervisor=client_for(base_url, login(base_url, "demo-supervisor", password)),
        sim=client_for(base_url, login(base_url, "demo-sim", password)),
        anonymous=client_for(base_url, None),
    )
