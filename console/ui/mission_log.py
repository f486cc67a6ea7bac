"""The open missions' event logs, for the timeline and for what a folded Mission leaves out.

The folded :class:`~console.domain.model.Mission` has no travel mode per responder (it is only
in ``runner.alerted``) and no messages or expansions; the timeline needs all of them. This keeps
each open mission's events, loaded from the cache once and then extended from every batch the
event sync commits, and drops a mission's events when it ends, so a long shift does not grow
the console's memory. No Qt: it is a plain observable like the services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from console.cache.store import IngestResult
from console.domain.model import Event, EventType, Mode
from console.services.observable import Unsubscribe

log = logging.getLogger("console.ui.mission_log")

Listener = Callable[[str, tuple[Event, ...]], None]


class EventSource(Protocol):
    async def mission_events(self, mission_id: str) -> list[Event]: ...


class MissionLog:
    def __init__(self, source: EventSource) -> None:
        self._source = source
        self._events: dict[str, list[Event]] = {}
        self._seqs: dict[str, set[int]] = {}
        self._modes: dict[str, dict[str, Mode]] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Unsubscribe:
        """``listener(mission_id, new_events)`` after events of a followed mission arrive."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    async def follow(self, mission_id: str) -> tuple[Event, ...]:
        """Start keeping ``mission_id``'s events (loading what the cache has); returns them."""
        if mission_id not in self._events:
            self._events[mission_id] = []
            self._seqs[mission_id] = set()
            self._modes[mission_id] = {}
            self._add(mission_id, await self._source.mission_events(mission_id))
        return self.events(mission_id)

    def following(self, mission_id: str) -> bool:
        return mission_id in self._events

    def forget(self, mission_id: str) -> None:
        self._events.pop(mission_id, None)
        self._seqs.pop(mission_id, None)
        self._modes.pop(mission_id, None)

    def events(self, mission_id: str) -> tuple[Event, ...]:
        return tuple(self._events.get(mission_id, ()))

    def modes(self, mission_id: str) -> dict[str, Mode]:
        return dict(self._modes.get(mission_id, {}))

    def on_batch(self, result: IngestResult) -> None:
        """Feed a committed batch (subscribe this to the event sync)."""
        by_mission: dict[str, list[Event]] = {}
        for event in result.stored:
            if event.mission_id is not None and event.mission_id in self._events:
                by_mission.setdefault(event.mission_id, []).append(event)
        for mission_id, events in by_mission.items():
            added = self._add(mission_id, events)
            if not added:
                continue
            for listener in list(self._listeners):
                try:
                    listener(mission_id, added)
                except Exception:
                    log.exception("a mission log listener failed")

    def _add(self, mission_id: str, events: Iterable[Event]) -> tuple[Event, ...]:
        kept = self._events[mission_id]
        seqs = self._seqs[mission_id]
        modes = self._modes[mission_id]
        added = []
        for event in events:
            if event.seq in seqs:
                continue
            seqs.add(event.seq)
            added.append(event)
            if event.type is EventType.RUNNER_ALERTED:
                try:
                    modes[str(event.data["runner_id"])] = Mode(event.data.get("mode", "foot"))
                except (KeyError, ValueError):
                    log.info("runner.alerted without a readable mode (seq %d)", event.seq)
        if added:
            kept.extend(added)
            kept.sort(key=lambda e: e.seq)  # nearly sorted already: linear for Timsort
        return tuple(added)
