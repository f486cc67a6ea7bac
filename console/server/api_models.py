"""Request bodies of the contract as pydantic models: what FastAPI validates and documents.

``strict`` so a wrong JSON type is a 422 rather than a silent coercion (``"55.6"`` is not a
latitude); ``extra="ignore"`` because the contract says unknown fields are ignored. Text limits
come from :mod:`console.domain.constants`, the one place they are written down. Responses are
the domain objects' own ``to_json`` and are not modelled twice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from console.domain.constants import (
    MAX_ADDRESS_CHARS,
    MAX_ALERT_MORE_COUNT,
    MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS,
    MAX_RADIUS_M,
    MAX_REASON_CHARS,
    MIN_MESSAGE_CHARS,
)
from console.domain.model import AedAccess, AgeGroup, Mode

Latitude = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
# Enums are matched by value: strict mode would want enum instances, which JSON never holds.
AgeGroupIn = Annotated[AgeGroup, Field(strict=False)]
ModeIn = Annotated[Mode, Field(strict=False)]
AccessIn = Annotated[AedAccess, Field(strict=False)]
EntityId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class _Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class LocationIn(_Body):
    lat: Latitude
    lon: Longitude


class PatientIn(_Body):
    age_group: AgeGroupIn = AgeGroup.UNKNOWN


class NewMission(_Body):
    location: LocationIn
    address: Annotated[str, Field(max_length=MAX_ADDRESS_CHARS)] = ""
    patient: PatientIn = PatientIn()
    note: Annotated[str, Field(max_length=MAX_NOTE_CHARS)] = ""


class AlertMore(_Body):
    count: Annotated[int, Field(ge=1, le=MAX_ALERT_MORE_COUNT)]
    radius_m: Annotated[float, Field(gt=0.0, le=MAX_RADIUS_M, allow_inf_nan=False)]


class MessageIn(_Body):
    text: Annotated[str, Field(min_length=MIN_MESSAGE_CHARS, max_length=MAX_MESSAGE_CHARS)]
    runner_id: EntityId | None = None


class CancelIn(_Body):
    reason: Annotated[str, Field(max_length=MAX_REASON_CHARS)] = ""


class CloseIn(_Body):
    outcome: Annotated[str, Field(max_length=MAX_REASON_CHARS)] = ""


class PositionIn(_Body):
    lat: Latitude
    lon: Longitude
    mode: ModeIn


class AcceptIn(_Body):
    lat: Latitude
    lon: Longitude


class StatusIn(_Body):
    status: Literal["aed_collected", "arrived", "abandoned"]
    lat: Latitude
    lon: Longitude


class SimReset(_Body):
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    world: Literal["denmark", "empty"] = "denmark"


class SimRunnerIn(_Body):
    id: EntityId | None = None
    lat: Latitude
    lon: Longitude
    mode: ModeIn = Mode.FOOT


class SimAedIn(_Body):
    id: EntityId | None = None
    lat: Latitude
    lon: Longitude
    address: Annotated[str, Field(max_length=MAX_ADDRESS_CHARS)] = ""
    access: AccessIn = AedAccess.ALWAYS
    opening_hours: Annotated[str, Field(max_length=200)] | None = None


class AutopilotIn(_Body):
    enabled: bool
    speed: Annotated[float, Field(gt=0.0, le=10_000.0, allow_inf_nan=False)] = 1.0
