"""The dispatcher's missions: the open ones as an observable model, and the commands on them.

The model is filled from the cache at start (so an offline start shows the last known state,
marked not live by the link status) and then from each batch the event sync commits; it never
reads the network itself. Commands go through the outbox, so the dispatcher sees each one as
``sending``, ``sent`` or ``failed: <reason>`` (:attr:`MissionService.commands`).
"""

from __future__ import annotations

from console.api.commands import Command
from console.cache.outbox import OutboxEntry
from console.cache.store import Cache, IngestResult
from console.domain.model import AgeGroup, LatLon, Mission, Responder
from console.services.event_sync import EventSync
from console.services.link import LinkStatus
from console.services.observable import Observable, ObservableMap, Unsubscribe
from console.services.outbox_sender import OutboxSender


class MissionService:
    def __init__(self, cache: Cache, sync: EventSync, outbox: OutboxSender) -> None:
        self._cache = cache
        self._sync = sync
        self._outbox = outbox
        #: Open missions by id, with their responders, as of the last committed batch.
        self.open_missions: ObservableMap[str, Mission] = ObservableMap("open missions")
        self._unsubscribe: Unsubscribe | None = None
        self._unsubscribe_reset: Unsubscribe | None = None

    @property
    def link(self) -> Observable[LinkStatus]:
        """Whether what :attr:`open_missions` shows is live; the UI shows it next to them."""
        return self._sync.status

    @property
    def commands(self) -> ObservableMap[str, OutboxEntry]:
        """Every command and its state, by idempotency key."""
        return self._outbox.entries

    async def start(self) -> None:
        """Fill the model from the cache and follow the sync from now on."""
        if self._unsubscribe is None:
            self._unsubscribe = self._sync.on_batch(self._apply)
            # The cache started over: its missions are gone; the catch-up brings the server's.
            self._unsubscribe_reset = self._sync.on_history_reset(
                lambda: self.open_missions.replace_all({})
            )
        missions = await self._cache.open_missions()
        self.open_missions.replace_all({m.id: m for m in missions})

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._unsubscribe_reset is not None:
            self._unsubscribe_reset()
            self._unsubscribe_reset = None

    def _apply(self, result: IngestResult) -> None:
        for mission in result.missions:
            if mission.is_open:
                self.open_missions.put(mission.id, mission)
            else:
                self.open_missions.remove(mission.id)

    def responders(self, mission_id: str) -> tuple[Responder, ...]:
        mission = self.open_missions.get(mission_id)
        return () if mission is None else mission.responders

    async def mission(self, mission_id: str) -> Mission | None:
        """Any mission the cache knows, open or ended."""
        return await self._cache.mission(mission_id)

    # ----------------------------------------------------------------- commands

    async def raise_alert(
        self, location: LatLon, address: str, age_group: AgeGroup, note: str = ""
    ) -> OutboxEntry:
        return await self._outbox.submit(Command.raise_mission(location, address, age_group, note))

    async def alert_more(self, mission_id: str, count: int, radius_m: float) -> OutboxEntry:
        return await self._outbox.submit(Command.alert_more(mission_id, count, radius_m))

    async def message(
        self, mission_id: str, text: str, runner_id: str | None = None
    ) -> OutboxEntry:
        return await self._outbox.submit(Command.message(mission_id, text, runner_id))

    async def cancel(self, mission_id: str, reason: str) -> OutboxEntry:
        return await self._outbox.submit(Command.cancel(mission_id, reason))

    async def close(self, mission_id: str, outcome: str) -> OutboxEntry:
        return await self._outbox.submit(Command.close(mission_id, outcome))

    async def retry(self, key: str) -> OutboxEntry:
        """Send a failed command again, with its original idempotency key."""
        return await self._outbox.retry(key)

    async def dismiss(self, key: str) -> OutboxEntry:
        """Set a failed command aside for good (the dispatcher handled it another way)."""
        return await self._outbox.dismiss(key)
