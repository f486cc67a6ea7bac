"""The shapes of the contract's responses, for ``/openapi.json`` only.

The server writes its answers with the domain objects' own ``to_json`` (one definition of the
wire format, shared with the console). These pydantic models describe the same shapes so the
OpenAPI document shows them; ``tests/server/test_api_docs.py`` validates real answers against
them with unknown fields forbidden, so a drift between the two fails a test.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

ResponderStateName = Literal[
    "alerted",
    "accepted",
    "declined",
    "rejected_too_far",
    "aed_collected",
    "arrived",
    "abandoned",
    "released",
]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LatLonDoc(_Doc):
    lat: float
    lon: float


class PositionDoc(_Doc):
    lat: float
    lon: float
    at: str


class TaskDoc(_Doc):
    kind: Literal["fetch_aed", "go_to_patient"]
    aed_id: str | None = None


class PatientDoc(_Doc):
    age_group: Literal["adult", "child", "unknown"]


class RunnerDoc(_Doc):
    id: str
    alias: str
    lat: float
    lon: float
    position_at: str
    mode: Literal["foot", "bike", "car"]


class AedDoc(_Doc):
    id: str
    lat: float
    lon: float
    address: str
    access: Literal["24/7", "limited"]
    opening_hours: str | None
    status: Literal["available", "taken", "out_of_service"]


class ResponderDoc(_Doc):
    runner_id: str
    alias: str
    rank: int
    distance_m: float
    state: ResponderStateName
    task: TaskDoc | None
    alerted_at: str
    accepted_at: str | None
    arrived_at: str | None
    position: PositionDoc


class MissionDoc(_Doc):
    id: str
    state: Literal["alerting", "cancelled", "closed"]
    location: LatLonDoc
    address: str
    patient: PatientDoc
    note: str
    radius_m: float
    created_at: str
    created_by: str
    ended_at: str | None
    end_reason: str | None
    responders: list[ResponderDoc]


class MissionPageDoc(_Doc):
    items: list[MissionDoc]
    next_cursor: str | None


class EventDoc(_Doc):
    seq: int
    type: str
    at: str
    mission_id: str | None
    data: dict[str, Any]


class EventPageDoc(_Doc):
    items: list[EventDoc]
    next_after: int


class MessageDoc(_Doc):
    id: str
    text: str
    runner_id: str | None
    at: str


class AlertDoc(_Doc):
    mission_id: str
    distance_m: float
    age_group: Literal["adult", "child", "unknown"]
    state: ResponderStateName


class AcceptDoc(_Doc):
    task: TaskDoc
    address: str
    location: LatLonDoc
    aed: AedDoc | None


class HealthDoc(_Doc):
    status: str
    version: str
    time: str


class AutopilotDoc(_Doc):
    enabled: bool
    speed: float


class TokenDoc(_Doc):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    role: Literal["dispatcher", "supervisor", "runner", "sim"]
    idle_expires_in: int


def answer(model: Any, status: int = 200, description: str = "") -> dict[int | str, dict[str, Any]]:
    """A route's ``responses=`` entry documenting a JSON answer of ``model``."""
    name = (
        str(model).replace(f"{__name__}.", "") if hasattr(model, "__origin__") else model.__name__
    )
    return {status: {"model": model, "description": description or name}}
