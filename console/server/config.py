"""How one server process is configured: what ``amk-dispatchd serve`` turns its options into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

WorldName = Literal["denmark", "empty"]


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    simulate: bool = False
    world: WorldName = "denmark"
    seed: int = 0
    demo_password: str = "demo"
    autopilot_speed: float | None = None
    #: The contract asks for an SSE comment line at least every 15 s; tests shorten it.
    keepalive_s: float = 15.0
    #: How often the clean-up job runs (positions past 72 h, old keys, dead tokens).
    maintenance_every_s: float = 60.0
    #: In simulation the AED's owner "checks it" and makes a taken AED available after this.
    aed_restore_after: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if self.world not in ("denmark", "empty"):
            raise ValueError(f"world must be denmark or empty, got {self.world!r}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        if self.keepalive_s <= 0 or self.maintenance_every_s <= 0:
            raise ValueError("keepalive_s and maintenance_every_s must be positive")
        if self.autopilot_speed is not None and self.autopilot_speed <= 0:
            raise ValueError(f"autopilot speed must be positive, got {self.autopilot_speed}")
