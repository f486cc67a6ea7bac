"""The OpenAPI response models describe what the server really answers: real answers validate
against them with unknown fields forbidden."""

from __future__ import annotations

from typing import Any

from dispatchd_harness import Api
from pydantic import BaseModel, TypeAdapter

from console.server.api_docs import (
    AcceptDoc,
    AedDoc,
    AlertDoc,
    EventDoc,
    EventPageDoc,
    HealthDoc,
    MessageDoc,
    MissionDoc,
    MissionPageDoc,
    RunnerDoc,
    TokenDoc,
)

PATIENT = {"lat": 55.8642, "lon": 9.8478}  # Horsens


def check(model: Any, value: Any) -> None:
    if isinstance(model, type) and issubclass(model, BaseModel):
        model.model_validate(value)
    else:
        TypeAdapter(model).validate_python(value)


def test_every_answer_matches_its_documented_model(api: Api) -> None:
    check(HealthDoc, api.anonymous.get("/v1/health").json())
    runners = api.add_runners([{"id": "doc-1", "lat": 55.865, "lon": 9.848, "mode": "bike"}])
    check(list[RunnerDoc], runners)
    aeds = api.add_aeds(
        [
            {
                "id": "doc-aed",
                "lat": 55.8643,
                "lon": 9.8479,
                "address": "Søndergade 1",
                "access": "limited",
                "opening_hours": "Mo-Fr 08:00-16:00",
            }
        ]
    )
    check(list[AedDoc], aeds)
    check(list[AedDoc], api.supervisor.get("/v1/aeds").json())
    check(
        list[RunnerDoc],
        api.supervisor.get("/v1/runners", params={**PATIENT, "radius_m": 1000}).json(),
    )
    mission = api.dispatcher.post(
        "/v1/missions", json={"location": PATIENT, "patient": {"age_group": "child"}}
    ).json()
    check(MissionDoc, mission)
    assert mission["responders"]
    check(list[AlertDoc], api.runner("doc-1").get("/v1/runner/alerts").json())
    accepted = (
        api.runner("doc-1").post(f"/v1/runner/alerts/{mission['id']}/accept", json=PATIENT).json()
    )
    check(AcceptDoc, accepted)
    message = api.dispatcher.post(
        f"/v1/missions/{mission['id']}/messages", json={"text": "Ring på 3. sal"}
    ).json()
    check(MessageDoc, message)
    check(
        list[MessageDoc],
        api.runner("doc-1").get(f"/v1/runner/alerts/{mission['id']}/messages").json(),
    )
    check(list[EventDoc], api.supervisor.get(f"/v1/missions/{mission['id']}/events").json())
    check(
        EventPageDoc,
        api.supervisor.get(
            "/v1/events", params={"after": 0}, headers={"Accept": "application/json"}
        ).json(),
    )
    check(MissionPageDoc, api.supervisor.get("/v1/missions", params={"limit": 2}).json())
    check(
        MissionDoc,
        api.dispatcher.post(
            f"/v1/missions/{mission['id']}/close", json={"outcome": "ems_on_scene"}
        ).json(),
    )
    check(TokenDoc, api.sim.post("/v1/sim/runners/doc-1/token").json())
