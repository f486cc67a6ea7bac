"""A past mission's events for the supervisor's replay: from the cache, or from the server.

The cache has every event since it was created; a mission from before that (or from a cache
that was set aside) is fetched from ``GET /v1/missions/{id}/events``. Either way the frames are
folded with the domain's :func:`apply`, the server's own code, so the replay shows exactly the
states the mission went through.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.api.client import DispatchClient
from console.cache.store import Cache
from console.domain.fold import apply
from console.domain.model import Event, EventType, Mission


class ReplayOrigin(StrEnum):
    CACHE = "cache"
    SERVER = "server"


@dataclass(frozen=True, slots=True)
class Frame:
    """The mission right after ``event``."""

    event: Event
    mission: Mission


@dataclass(frozen=True, slots=True)
class Replay:
    mission_id: str
    origin: ReplayOrigin
    frames: tuple[Frame, ...]

    @property
    def final(self) -> Mission:
        return self.frames[-1].mission


class ReplayError(LookupError):
    """A mission that cannot be replayed (unknown, or its log does not fold)."""


class ReplaySource:
    def __init__(self, client: DispatchClient, cache: Cache) -> None:
        self._client = client
        self._cache = cache

    async def replay(self, mission_id: str) -> Replay:
        """The mission's frames; the cache is used when it holds the mission from its start."""
        events = await self._cache.mission_events(mission_id)
        origin = ReplayOrigin.CACHE
        if not events or events[0].type is not EventType.MISSION_CREATED:
            events = await self._client.mission_events(mission_id)
            origin = ReplayOrigin.SERVER
        if not events:
            raise ReplayError(f"mission {mission_id} has no events")
        return Replay(mission_id, origin, tuple(frames(events)))


def frames(events: list[Event]) -> list[Frame]:
    """Each event with the mission state it leads to; :class:`ReplayError` if they do not fold."""
    result: list[Frame] = []
    mission: Mission | None = None
    previous: int | None = None
    for event in events:
        try:
            mission = apply(mission, event, previous_seq=previous)
        except ValueError as exc:
            message = f"the log of mission {event.mission_id} does not fold: {exc}"
            raise ReplayError(message) from exc
        previous = event.seq
        result.append(Frame(event, mission))
    return result
