"""The dispatcher's mission-changing calls as values: raise, alert more, message, cancel, close.

A command is data (its kind, its mission, its JSON body) so the outbox can write it to disk
before it is sent and send *exactly the same body* again with the same ``Idempotency-Key`` after
a restart or a dropped connection: the contract answers a repeated key with a different body
with 422. The limits the contract puts on text are checked here, before the command is queued,
so a dispatcher learns of a too-long note at once and not after 30 s of retries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from console.domain.constants import (
    MAX_ADDRESS_CHARS,
    MAX_ALERT_MORE_COUNT,
    MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS,
    MAX_RADIUS_M,
    MAX_REASON_CHARS,
)
from console.domain.model import AgeGroup, LatLon


class InvalidCommand(ValueError):
    """A command the contract would refuse; the message names the field and the limit."""


class CommandKind(StrEnum):
    RAISE = "raise"
    ALERT_MORE = "alert_more"
    MESSAGE = "message"
    CANCEL = "cancel"
    CLOSE = "close"


_ENDPOINT: dict[CommandKind, str] = {
    CommandKind.ALERT_MORE: "alert-more",
    CommandKind.MESSAGE: "messages",
    CommandKind.CANCEL: "cancel",
    CommandKind.CLOSE: "close",
}


@dataclass(frozen=True, slots=True)
class Command:
    """One mission-changing POST, ready to be sent (and sent again) byte for byte."""

    kind: CommandKind
    mission_id: str | None
    body: Mapping[str, Any]

    def __post_init__(self) -> None:
        if (self.kind is CommandKind.RAISE) != (self.mission_id is None):
            raise InvalidCommand(
                f"{self.kind.value}: a raise has no mission id, every other command needs one"
            )
        if self.mission_id is not None and (not self.mission_id or "/" in self.mission_id):
            raise InvalidCommand(f"{self.kind.value}: bad mission id {self.mission_id!r}")

    @property
    def path(self) -> str:
        if self.kind is CommandKind.RAISE:
            return "/v1/missions"
        return f"/v1/missions/{self.mission_id}/{_ENDPOINT[self.kind]}"

    def body_json(self) -> str:
        """The body as sent: canonical, so the same command always has the same bytes."""
        return json.dumps(self.body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def describe(self) -> str:
        """A short line for the dispatcher's list of pending commands."""
        if self.kind is CommandKind.RAISE:
            return f"raise alert at {self.body.get('address', '?')}"
        return f"{self.kind.value.replace('_', ' ')} mission {self.mission_id}"

    # ----------------------------------------------------------------- constructors

    @classmethod
    def raise_mission(
        cls, location: LatLon, address: str, age_group: AgeGroup, note: str = ""
    ) -> Command:
        _text("address", address, MAX_ADDRESS_CHARS, allow_empty=False)
        _text("note", note, MAX_NOTE_CHARS)
        if not (-90 <= location.lat <= 90 and -180 <= location.lon <= 180):
            raise InvalidCommand(f"location {location.lat}, {location.lon} is not on the Earth")
        body = {
            "location": location.to_json(),
            "address": address,
            "patient": {"age_group": AgeGroup(age_group).value},
            "note": note,
        }
        return cls(CommandKind.RAISE, None, body)

    @classmethod
    def alert_more(cls, mission_id: str, count: int, radius_m: float) -> Command:
        if isinstance(count, bool) or not isinstance(count, int):
            raise InvalidCommand(f"count must be an integer, got {count!r}")
        if not 1 <= count <= MAX_ALERT_MORE_COUNT:
            raise InvalidCommand(f"count must be 1–{MAX_ALERT_MORE_COUNT}, got {count}")
        if not (math.isfinite(radius_m) and 0 < radius_m <= MAX_RADIUS_M):
            raise InvalidCommand(f"radius_m must be in (0, {MAX_RADIUS_M:.0f}], got {radius_m}")
        return cls(CommandKind.ALERT_MORE, mission_id, {"count": count, "radius_m": radius_m})

    @classmethod
    def message(cls, mission_id: str, text: str, runner_id: str | None = None) -> Command:
        _text("text", text, MAX_MESSAGE_CHARS, allow_empty=False)
        if runner_id is not None and not runner_id:
            raise InvalidCommand("runner_id must be None (everyone who accepted) or an id")
        return cls(CommandKind.MESSAGE, mission_id, {"text": text, "runner_id": runner_id})

    @classmethod
    def cancel(cls, mission_id: str, reason: str) -> Command:
        _text("reason", reason, MAX_REASON_CHARS)
        return cls(CommandKind.CANCEL, mission_id, {"reason": reason})

    @classmethod
    def close(cls, mission_id: str, outcome: str) -> Command:
        _text("outcome", outcome, MAX_REASON_CHARS)
        return cls(CommandKind.CLOSE, mission_id, {"outcome": outcome})

    # ----------------------------------------------------------------- storage

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "mission_id": self.mission_id, "body": dict(self.body)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Command:
        try:
            kind = CommandKind(data["kind"])
            body = data["body"]
            mission_id = data["mission_id"]
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidCommand(f"stored command is unreadable: {exc!r}") from exc
        if not isinstance(body, Mapping) or not (mission_id is None or isinstance(mission_id, str)):
            raise InvalidCommand("stored command is unreadable: wrong field types")
        return cls(kind, mission_id, dict(body))


def _text(name: str, value: str, limit: int, *, allow_empty: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidCommand(f"{name} must be text, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InvalidCommand(f"{name} must not be empty")
    if len(value) > limit:
        raise InvalidCommand(f"{name} is {len(value)} characters; the limit is {limit}")
