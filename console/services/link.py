"""The state of the console's link to the dispatch server, as the dispatcher sees it.

The console must never show stale data as live: every view of missions carries this status,
and only ``live`` means "what you see is the server's state as of now".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkState(StrEnum):
    #: Following the event stream; the cache is current.
    LIVE = "live"
    #: Connected, fetching what was missed; the data shown is not current yet.
    CATCHING_UP = "catching_up"
    #: Connected on paper, but nothing (not even a keep-alive) has arrived for too long.
    STALE = "stale"
    #: No connection; showing the cache and trying again.
    OFFLINE = "offline"
    #: The server refused the console's credentials; waiting for a new login.
    UNAUTHORISED = "unauthorised"

    @property
    def is_live(self) -> bool:
        return self is LinkState.LIVE


@dataclass(frozen=True, slots=True)
class LinkStatus:
    state: LinkState
    since: datetime
    #: Why the link is in this state (the last error, the stale interval), for the status bar.
    detail: str = ""
    #: How many bad events (unreadable, or not fitting the mission) were received so far.
    warnings: int = 0
    last_warning: str | None = None
    #: When offline: seconds until the next attempt.
    retry_in_s: float | None = None


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter, so a restarted server is not hit by every
    console at the same instant."""

    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 15.0
    #: The delay is drawn from [base * (1 - jitter), base].
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if not (0 < self.initial_s <= self.cap_s):
            raise ValueError(f"need 0 < initial_s <= cap_s, got {self.initial_s}, {self.cap_s}")
        if self.factor < 1:
            raise ValueError(f"factor must be at least 1, got {self.factor}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be within [0, 1], got {self.jitter}")

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The wait before retry number ``attempt`` (0 for the first retry)."""
        base = min(self.cap_s, self.initial_s * self.factor ** min(attempt, 64))
        return base * (1.0 - self.jitter * rng.random())
