"""Traffic on the real server, made through its API as the simulator, dispatchers and runners."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.domain.model import Event, Mission
from tests.support.dispatchd import DEMO_PASSWORD


@dataclass
class Driver:
    """Makes traffic on the server as the simulator, a dispatcher and runners would."""

    base_url: str
    password: str = DEMO_PASSWORD
    _tokens: dict[str, str] = field(default_factory=dict)
    _http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Driver:
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=30)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None
        await self._http.aclose()

    @property
    def http(self) -> httpx.AsyncClient:
        assert self._http is not None
        return self._http

    async def _token(self, who: str) -> str:
        if who not in self._tokens:
            if who.startswith("runner:"):
                answer = await self.call("demo-sim", "POST", f"/v1/sim/runners/{who[7:]}/token")
            else:
                answer = await self.http.post(
                    "/v1/auth/token", data={"username": who, "password": self.password}
                )
            assert answer.status_code == 200, answer.text
            self._tokens[who] = answer.json()["access_token"]
        return self._tokens[who]

    def forget_tokens(self) -> None:
        self._tokens.clear()

    async def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {await self._token(who)}"}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def reset(self) -> None:
        answer = await self.call("demo-sim", "POST", "/v1/sim/reset", json={"world": "empty"})
        assert answer.status_code == 204, answer.text
        self._tokens = {k: v for k, v in self._tokens.items() if not k.startswith("runner:")}

    async def add_runners(self, count: int, lat: float = 55.676, lon: float = 12.568) -> list[str]:
        items = [
            {"lat": lat + 0.0004 * (i % 10), "lon": lon + 0.0006 * (i // 10), "mode": "foot"}
            for i in range(count)
        ]
        answer = await self.call("demo-sim", "POST", "/v1/sim/runners", json=items)
        assert answer.status_code == 201, answer.text
        return [runner["id"] for runner in answer.json()]

    async def add_aed(self, lat: float = 55.677, lon: float = 12.569) -> str:
        item = {"lat": lat, "lon": lon, "address": "Hal 1", "access": "24/7", "opening_hours": None}
        answer = await self.call("demo-sim", "POST", "/v1/sim/aeds", json=[item])
        assert answer.status_code == 201, answer.text
        return str(answer.json()[0]["id"])

    async def raise_mission(self, lat: float = 55.676, lon: float = 12.568) -> dict[str, Any]:
        body = {
            "location": {"lat": lat, "lon": lon},
            "address": "Rådhuspladsen 1",
            "patient": {"age_group": "adult"},
            "note": "",
        }
        answer = await self.call("demo-dispatcher", "POST", "/v1/missions", json=body)
        assert answer.status_code == 201, answer.text
        mission: dict[str, Any] = answer.json()
        return mission

    async def accept(self, mission: dict[str, Any], runner_id: str) -> None:
        where = mission["location"]
        answer = await self.call(
            f"runner:{runner_id}",
            "POST",
            f"/v1/runner/alerts/{mission['id']}/accept",
            json={"lat": where["lat"], "lon": where["lon"]},
        )
        assert answer.status_code == 200, answer.text

    async def move(self, runner_id: str, lat: float, lon: float) -> None:
        answer = await self.call(
            f"runner:{runner_id}",
            "PUT",
            "/v1/runner/position",
            json={"lat": lat, "lon": lon, "mode": "foot"},
        )
        assert answer.status_code == 204, answer.text

    async def end(self, mission: dict[str, Any], how: str = "close") -> None:
        body = {"outcome": "ems_on_scene"} if how == "close" else {"reason": "false alarm"}
        answer = await self.call(
            "demo-dispatcher", "POST", f"/v1/missions/{mission['id']}/{how}", json=body
        )
        assert answer.status_code == 200, answer.text

    async def traffic(self, missions: int = 1, moves: int = 20) -> None:
        """A burst of real events: missions raised, accepted, responders moving, ended."""
        runners = await self.add_runners(25)
        for number in range(missions):
            mission = await self.raise_mission()
            responders = [r["runner_id"] for r in mission["responders"]][:3]
            for runner_id in responders:
                await self.accept(mission, runner_id)
            for step in range(moves):
                runner_id = responders[step % len(responders)]
                await self.move(runner_id, 55.676 + step * 1e-5, 12.568)
            await self.end(mission, "close" if number % 2 else "cancel")
        await self.call("demo-sim", "POST", "/v1/sim/reset", json={"world": "empty"})
        del runners

    async def autopilot_traffic(self, at_least: int, seed: int = 1) -> int:
        """Missions raised in a city full of runners with the autopilot answering them at full
        speed, until the log holds ``at_least`` events; then the autopilot is switched off and
        the log left to settle. The final head seq."""
        rng = random.Random(seed)
        box = {"lat": 55.60, "lon": 12.45}
        runners = [
            {
                "lat": box["lat"] + rng.random() * 0.15,
                "lon": box["lon"] + rng.random() * 0.25,
                "mode": rng.choice(["foot", "bike", "car"]),
            }
            for _ in range(600)
        ]
        aeds = [
            {
                "lat": box["lat"] + rng.random() * 0.15,
                "lon": box["lon"] + rng.random() * 0.25,
                "address": f"AED {number}",
                "access": "24/7",
                "opening_hours": None,
            }
            for number in range(80)
        ]
        for path, items in (("/v1/sim/runners", runners), ("/v1/sim/aeds", aeds)):
            answer = await self.call("demo-sim", "POST", path, json=items)
            assert answer.status_code == 201, answer.text
        await self.set_autopilot(True)
        head = 0
        try:
            while head < at_least:
                await asyncio.gather(
                    *[
                        self.raise_mission(55.62 + rng.random() * 0.1, 12.5 + rng.random() * 0.15)
                        for _ in range(10)
                    ]
                )
                head = await self.head(head)
        finally:
            await self.set_autopilot(False)
        while True:  # let what the autopilot had under way land
            await asyncio.sleep(0.3)
            newer = await self.head(head)
            if newer == head:
                return head
            head = newer

    async def set_autopilot(self, enabled: bool, speed: float = 10_000) -> None:
        answer = await self.call(
            "demo-sim", "PUT", "/v1/sim/autopilot", json={"enabled": enabled, "speed": speed}
        )
        assert answer.status_code in (200, 204), answer.text

    async def head(self, after: int = 0) -> int:
        """The newest seq of the log (``after``: one known to exist, to page less)."""
        events = await self.events(after)
        return events[-1].seq if events else after

    async def events(self, after: int = 0) -> list[Event]:
        found: list[Event] = []
        while True:
            answer = await self.call(
                "demo-supervisor",
                "GET",
                "/v1/events",
                params={"after": after, "limit": 1000},
                headers={"Accept": "application/json"},
            )
            assert answer.status_code == 200, answer.text
            items = answer.json()["items"]
            if not items:
                return found
            found.extend(Event.from_json(item) for item in items)
            after = found[-1].seq

    async def missions(self) -> list[Mission]:
        found: list[Mission] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 1000}
            if cursor:
                params["cursor"] = cursor
            answer = await self.call("demo-supervisor", "GET", "/v1/missions", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            found.extend(Mission.from_json(item) for item in page["items"])
            cursor = page.get("next_cursor")
            if not cursor or not page["items"]:
                return found
