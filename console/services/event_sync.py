"""Live event sync: the server's event log into the local cache, never losing or doubling one.

One loop, for the console's whole life:

1. **Catch up** with the JSON paging form of ``GET /v1/events`` from the seq stored in the cache
   (state ``catching_up``): the cache, not memory, says where to resume, so a stream that
   dropped before its first event, a console restart and a crash all resume at the same place.
2. **Follow** the SSE stream from that seq (``Last-Event-ID``; state ``live``). Events are
   written in batches: whatever arrived while the previous batch was being committed goes into
   the next one, so a burst costs few transactions and a lone event is written at once.
3. Before catching up, the server's event at the cached seq is compared with the cached one: a
   server restored from a backup or given a new database numbers from an earlier seq again,
   and a cache ahead of it would miss every new event up to its old seq. Then the cache starts
   over (a copy of the file is kept) and the services drop what they held from the old log.
4. A **gap** (a seq after the next expected one) means the stream lost something: the sync
   catches up from the cache's seq before writing the batch. Events are never skipped.
5. A **watchdog** declares the link ``stale`` when nothing at all, not even the server's
   keep-alive comment, has arrived for ``stale_after_s`` (20 s; the server sends one every 15 s)
   and drops the connection. Any failure leads to ``offline`` and a new attempt after a capped
   exponential backoff with jitter.

Bad data (unreadable JSON, an unknown event type, an event for a mission never created) is
logged, counted and shown as a link warning; the stream goes on. A refused login stops the loop
in ``unauthorised`` until :meth:`EventSync.credentials_changed` (retrying a wrong password would
lock the account).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy.exc import SQLAlchemyError

from console.api.client import MAX_PAGE_LIMIT, DispatchClient, EventPage
from console.api.problems import (
    ApiError,
    Forbidden,
    TooManyRequests,
    Unauthorised,
)
from console.api.wire import Rejected
from console.cache.store import UNREADABLE_TYPE, Cache, IngestResult
from console.domain.model import Event
from console.domain.timefmt import format_time
from console.services.clock import Clock, SystemClock
from console.services.link import Backoff, LinkState, LinkStatus
from console.services.observable import Listeners, Observable, Unsubscribe

log = logging.getLogger("console.services.sync")

#: The contract's keep-alive comes at least every 15 s; 20 s of silence means the link is stale.
STALE_AFTER_S: Final = 20.0
#: How many stream messages may wait for the cache before the reader stops reading (TCP then
#: slows the server down instead of the console's memory growing).
QUEUE_LIMIT: Final = 10_000


@dataclass
class SyncStats:
    """Counters for the status bar and the tests."""

    stored: int = 0
    duplicates: int = 0
    bad_events: int = 0
    connects: int = 0
    catch_ups: int = 0
    gaps: int = 0
    stale: int = 0
    failures: int = 0
    #: Times the server's log was found to differ from the cached one and the cache started over.
    history_resets: int = 0


class _Stale(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _StreamEnd:
    error: Exception | None


_Item = Event | Rejected | _StreamEnd


def _after(page: EventPage, seq: int) -> EventPage:
    """The page without what the cache already holds (the event at the cached seq)."""
    return EventPage(
        events=tuple(e for e in page.events if e.seq > seq),
        rejected=tuple(r for r in page.rejected if r.seq is None or r.seq > seq),
        next_after=page.next_after,
    )


class EventSync:
    """Keeps the cache in step with the server's event log; see the module docstring."""

    def __init__(
        self,
        client: DispatchClient,
        cache: Cache,
        *,
        clock: Clock | None = None,
        stale_after_s: float = STALE_AFTER_S,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        page_limit: int = MAX_PAGE_LIMIT,
        batch_max: int = 1000,
    ) -> None:
        if stale_after_s <= 0:
            raise ValueError(f"stale_after_s must be positive, got {stale_after_s}")
        if not 1 <= page_limit <= MAX_PAGE_LIMIT:
            raise ValueError(f"page_limit must be 1–{MAX_PAGE_LIMIT}, got {page_limit}")
        self.client = client
        self.cache = cache
        self.clock: Clock = clock or SystemClock()
        self.stale_after_s = stale_after_s
        self.backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self.page_limit = page_limit
        self.batch_max = batch_max
        self.stats = SyncStats()
        self.status: Observable[LinkStatus] = Observable(
            LinkStatus(LinkState.OFFLINE, self.clock.now(), "not connected yet"), "link status"
        )
        self._batches: Listeners[IngestResult] = Listeners("the event sync")
        self._resets: Listeners[None] = Listeners("the history reset")
        self._credentials = asyncio.Event()
        self._progress = asyncio.Event()
        self._cursor = 0
        self._last_activity = 0.0
        self._reached_live = False

    # ----------------------------------------------------------------- observing

    @property
    def cursor(self) -> int:
        """The highest seq the cache holds, as far as this sync knows."""
        return self._cursor

    def on_batch(self, callback: Callable[[IngestResult], None]) -> Unsubscribe:
        """Call ``callback`` after every committed batch (the services update their models)."""
        return self._batches.subscribe(callback)

    def on_history_reset(self, callback: Callable[[], None]) -> Unsubscribe:
        """Call ``callback`` when the cache started over because the server's log is another
        one (the services drop what they hold from it; the catch-up then brings it anew)."""
        return self._resets.subscribe(lambda _: callback())

    async def wait_for_seq(self, seq: int) -> None:
        """Return once the cache holds everything up to ``seq``."""
        while self._cursor < seq:
            tick = self._progress
            await tick.wait()

    def credentials_changed(self) -> None:
        """New credentials were given to the client: leave ``unauthorised`` and try again."""
        self._credentials.set()

    # ----------------------------------------------------------------- the loop

    async def run(self) -> None:
        """Sync until cancelled."""
        self._cursor = await self.cache.last_seq()
        attempt = 0
        while True:
            self._reached_live = False
            wait_at_least = 0.0
            try:
                await self._session()
                reason = "the server ended the event stream"
            except (Unauthorised, Forbidden) as exc:
                log.warning("the dispatch server refused the console's login: %s", exc)
                self._set(LinkState.UNAUTHORISED, exc.reason)
                self._credentials.clear()
                await self._credentials.wait()
                attempt = 0
                continue
            except _Stale as exc:
                reason = str(exc)
            except TooManyRequests as exc:
                reason = str(exc)
                wait_at_least = exc.retry_after or 0.0
            except ApiError as exc:
                reason = str(exc)
            except SQLAlchemyError as exc:
                log.error("the local cache failed while syncing: %s", exc)
                reason = f"the local cache failed: {exc}"
            except Exception as exc:  # a bug: never leave the link looking live because of it
                log.exception("the event sync failed unexpectedly")
                reason = f"internal error: {exc!r}"
            self.stats.failures += 1
            if self._reached_live:
                attempt = 0
            delay = max(wait_at_least, self.backoff.delay(attempt, self._rng))
            attempt += 1
            state = self.status.value.state
            if state is not LinkState.STALE:
                self._set(LinkState.OFFLINE, reason, retry_in_s=delay)
            log.info("event stream lost (%s); next attempt in %.1f s", reason, delay)
            await self.clock.sleep(delay)

    async def _session(self) -> None:
        self._cursor = await self.cache.last_seq()
        await self._catch_up()
        after = self._cursor
        self._touch()
        async with self.client.event_stream(
            after, on_activity=self._touch, read_timeout_s=self.stale_after_s + 10.0
        ) as stream:
            self.stats.connects += 1
            self._touch()
            self._reached_live = True
            self._set(LinkState.LIVE)
            log.info("following the event stream after seq %d", after)
            await self._follow(stream)

    async def _history_difference(self, page: EventPage) -> str | None:
        """How the server's event at the cached seq (the first of ``page``) differs from the
        cached one (type and time); None when it does not.

        A server restored from a backup or given a new database numbers its events from an
        earlier seq again: a cache ahead of it would ask for events after its own seq and miss
        every new one up to there while looking live. One event is enough to tell.
        """
        cursor = self._cursor
        if any(r.seq == cursor for r in page.rejected):
            return None  # unreadable here too: nothing to compare, nothing says it differs
        server = next((e for e in page.events if e.seq == cursor), None)
        if server is None:
            return f"the server has no event {cursor}"
        cached = await self.cache.event_signature(cursor)
        signature = (server.type.value, format_time(server.at))
        if cached is not None and cached != signature and cached[0] != UNREADABLE_TYPE:
            return f"event {cursor} is {signature} there, {cached} here"
        return None

    async def _start_over(self, reason: str) -> None:
        copy = await self.cache.start_over()
        self._cursor = 0
        self.stats.history_resets += 1
        log.error(
            "the dispatch server's event log is not the one this console cached (%s): the "
            "server was restored or replaced. The cache starts over from the server's log; "
            "the old one was kept as %s",
            reason,
            copy or "nothing (not a file)",
        )
        self._resets.emit(None)

    async def _catch_up(self) -> None:
        """Fetch pages from the cache's seq until the server has nothing newer.

        The next page is requested while the current one is being committed (its first seq is
        known from the current page), so a long catch-up costs max(fetch, commit) per page.
        """
        self.stats.catch_ups += 1
        self._set(LinkState.CATCHING_UP, f"fetching events after seq {self._cursor}")
        # From the cached seq itself: the page's first event also says whether the server's
        # log is still the cached one (no request of its own on the way to live).
        cursor = self._cursor
        after = max(cursor - 1, 0)
        page = await self.client.events_page(after, self.page_limit)
        difference = await self._history_difference(page) if cursor > 0 else None
        if difference is not None:
            await self._start_over(difference)
            after = 0
            page = await self.client.events_page(after, self.page_limit)
        while True:
            raw_last = page.last_seq
            full = len(page.events) + len(page.rejected) >= self.page_limit
            page = _after(page, self._cursor)
            ahead = None
            if full and raw_last is not None and raw_last > after:
                after = raw_last
                ahead = asyncio.ensure_future(self.client.events_page(after, self.page_limit))
            if page.events or page.rejected:
                try:
                    self._after_batch(await self.cache.ingest(page.events, page.rejected))
                except BaseException:
                    if ahead is not None:
                        ahead.cancel()
                        await asyncio.gather(ahead, return_exceptions=True)
                    raise
                self._touch()
            if ahead is None:
                return
            page = await ahead

    async def _follow(self, stream: AsyncIterator[Event | Rejected]) -> None:
        queue: asyncio.Queue[_Item] = asyncio.Queue(QUEUE_LIMIT)
        reader = asyncio.ensure_future(self._read(stream, queue))
        writer = asyncio.ensure_future(self._write(queue))
        watchdog = asyncio.ensure_future(self._watch())
        try:
            done, _ = await asyncio.wait({writer, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, writer, watchdog):
                task.cancel()
            await asyncio.gather(reader, writer, watchdog, return_exceptions=True)
        if watchdog in done:
            self.stats.stale += 1
            message = f"nothing received for {self.stale_after_s:g} s; reconnecting"
            log.warning("event stream stale: %s", message)
            self._set(LinkState.STALE, message)
            raise _Stale(message)
        writer.result()

    async def _read(
        self, stream: AsyncIterator[Event | Rejected], queue: asyncio.Queue[_Item]
    ) -> None:
        try:
            async for item in stream:
                await queue.put(item)
        except ApiError as exc:
            await queue.put(_StreamEnd(exc))
        else:
            await queue.put(_StreamEnd(None))

    async def _write(self, queue: asyncio.Queue[_Item]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.batch_max and not queue.empty():
                batch.append(queue.get_nowait())
            last = batch[-1]
            end = last if isinstance(last, _StreamEnd) else None
            items = [item for item in batch if not isinstance(item, _StreamEnd)]
            if items:
                await self._ingest_live(items)
            if end is not None:
                if end.error is not None:
                    raise end.error
                return

    async def _ingest_live(self, items: list[Event | Rejected]) -> None:
        events = [item for item in items if isinstance(item, Event)]
        rejected = [item for item in items if isinstance(item, Rejected)]
        if rejected:
            # Not stored: the stream's copy may be what is broken. The JSON page brings the
            # server's own copy; if that is unreadable too, the page's item is stored as such.
            self._report_bad(
                [f"unreadable on the stream, fetched again: {r.describe()}" for r in rejected]
            )
        fresh = sorted(e.seq for e in events if e.seq > self._cursor)
        expected = self._cursor + 1
        contiguous = all(seq == expected + index for index, seq in enumerate(fresh))
        if rejected or not contiguous:
            if not contiguous:
                self.stats.gaps += 1
                log.info(
                    "the stream skipped from seq %d to %d: catching up first",
                    self._cursor,
                    fresh[0],
                )
            await self._catch_up()
            self._set(LinkState.LIVE)
        if events:
            self._after_batch(await self.cache.ingest(events))
        self._touch()

    async def _watch(self) -> None:
        while True:
            idle = self.clock.monotonic() - self._last_activity
            if idle >= self.stale_after_s:
                return
            await self.clock.sleep(self.stale_after_s - idle)

    # ----------------------------------------------------------------- helpers

    def _touch(self) -> None:
        self._last_activity = self.clock.monotonic()

    def _after_batch(self, result: IngestResult) -> None:
        self.stats.stored += len(result.stored)
        self.stats.duplicates += result.duplicates
        self._cursor = max(self._cursor, result.last_seq)
        if result.problems:
            self._report_bad([problem.describe() for problem in result.problems])
        self._batches.emit(result)
        tick, self._progress = self._progress, asyncio.Event()
        tick.set()

    def _report_bad(self, descriptions: list[str]) -> None:
        """Bad data is logged, counted and shown as a link warning; the sync goes on."""
        self.stats.bad_events += len(descriptions)
        for description in descriptions:
            log.warning("bad event from the dispatch server: %s", description)
        status = self.status.value
        self.status.set(
            replace(status, warnings=self.stats.bad_events, last_warning=descriptions[-1])
        )

    def _set(self, state: LinkState, detail: str = "", *, retry_in_s: float | None = None) -> None:
        current = self.status.value
        if current.state is state and current.detail == detail:
            return
        self.status.set(
            LinkStatus(
                state=state,
                since=self.clock.now() if current.state is not state else current.since,
                detail=detail,
                warnings=current.warnings,
                last_warning=current.last_warning,
                retry_in_s=retry_in_s,
            )
        )
