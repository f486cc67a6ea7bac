"""Fan-out of committed events to every stream of this process, from one reader of the log.

One tail task reads new events from the database when it is poked (a local commit, a NOTIFY
from another process) or every ``poll_s`` at the latest, appends them to a bounded in-memory
window and wakes the streams. The database, not the poke, is the truth: the tail always reads
"everything after the last seq I have", so a lost or merged notification delays delivery by at
most ``poll_s`` and never loses or reorders an event. Streams that fell behind the window read
the log themselves and then rejoin it.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from collections.abc import Callable

from console.server.event_log import EventLog, StoredEvent
from console.server.tasks import cancel_and_wait

log = logging.getLogger("amk.dispatchd.events")


class EventHub:
    def __init__(self, event_log: EventLog, *, window: int = 20_000, poll_s: float = 1.0) -> None:
        self._log = event_log
        self._size = window
        self._window: list[StoredEvent] = []
        self._seqs: list[int] = []
        self._poll_s = poll_s
        self._poked = asyncio.Event()
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._batch_listeners: list[Callable[[list[StoredEvent]], None]] = []
        self.last_seq = 0

    def on_batch(self, listener: Callable[[list[StoredEvent]], None]) -> None:
        """Call ``listener`` with every batch of new events this process reads from the log."""
        self._batch_listeners.append(listener)

    async def start(self) -> None:
        self.last_seq = await self._log.last_seq()
        self._task = asyncio.create_task(self._tail(), name="event-hub-tail")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def poke(self, seq: int | None = None) -> None:
        """Something was committed (up to ``seq`` when known): read the log soon."""
        if seq is None or seq > self.last_seq:
            self._poked.set()

    async def _tail(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that
            # arrives as the wait completes, and stop() would then wait for this task forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_s):
                    await self._poked.wait()
            self._poked.clear()
            try:
                await self._catch_up()
            except Exception:  # a dropped connection must not end streaming for good
                log.exception("reading new events failed; retrying")
                await asyncio.sleep(self._poll_s)

    async def _catch_up(self) -> None:
        while True:
            batch = await self._log.read_after(self.last_seq, 1000)
            if not batch:
                return
            self._window.extend(batch)
            self._seqs.extend(event.seq for event in batch)
            if len(self._window) > 2 * self._size:  # trim in bulk: O(1) amortised per event
                del self._window[: -self._size]
                del self._seqs[: -self._size]
            self.last_seq = batch[-1].seq
            for listener in self._batch_listeners:
                listener(batch)
            async with self._changed:
                self._changed.notify_all()
            if len(batch) < 1000:
                return

    def buffered_after(self, after: int, limit: int) -> list[StoredEvent] | None:
        """Events after ``after`` from the window, or None when the window no longer has them."""
        if after >= self.last_seq:
            return []
        if not self._seqs or self._seqs[0] > after + 1:
            return None
        start = bisect.bisect_right(self._seqs, after)
        return self._window[start : start + limit]

    async def wait_beyond(self, seq: int) -> None:
        """Wait until an event after ``seq`` is known here (callers bound it with a timeout)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.last_seq > seq)

    async def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        """The next events after ``after``: from the window when it has them, else the log."""
        batch = self.buffered_after(after, limit)
        if batch is None:
            batch = await self._log.read_after(after, limit)
        return batch
