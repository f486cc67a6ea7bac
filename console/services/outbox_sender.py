"""Sending the outbox: an alert is never silently lost, and never sent later by surprise.

:meth:`OutboxSender.submit` writes the command to the outbox (committed) *before* the first
attempt, then sends it with its ``Idempotency-Key``. When there is no answer (server down,
connection cut, 5xx) it tries again with the same key, with backoff, for at most
``give_up_after_s`` (30 s). Then the command is **failed**, loudly, and nothing sends it again
unless the dispatcher presses retry, which re-uses the key: if an earlier attempt did reach the
server after all, the server answers with that first result and nothing happens twice.

A refusal (mission ended, validation) fails at once with the server's reason: sending it again
would be refused again. A restart never resends: commands the previous run left unconfirmed
are marked failed at start-up and shown to the dispatcher, who decides.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import Any, Final

from console.api.client import DispatchClient, new_idempotency_key
from console.api.commands import Command
from console.api.problems import (
    ApiProblem,
    ApiUnavailable,
    BadResponse,
    ServerError,
    TooManyRequests,
)
from console.cache.outbox import OutboxEntry, OutboxState, OutboxStore
from console.services.clock import Clock, SystemClock
from console.services.link import Backoff
from console.services.observable import ObservableMap
from console.services.tasks import TaskKeeper

log = logging.getLogger("console.services.outbox")

#: After this long without a confirmation a command is failed (issue: "after 30 s").
GIVE_UP_AFTER_S: Final = 30.0

#: Ended commands (confirmed or dismissed) kept in :attr:`OutboxSender.entries`, the newest
#: ones: the views only need the commands in flight, the failed ones and what just ended, and
#: a night shift's hundreds of sent commands (each with the server's answer) should not stay
#: in memory until the console is closed. The cache keeps every one of them.
KEEP_SENT: Final = 50

INTERRUPTED_REASON: Final = (
    "the console stopped before the server confirmed it; not sent again automatically. "
    "Check the mission list, then retry if it is still needed"
)


@dataclass(frozen=True, slots=True)
class _Sent:
    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Refused:
    reason: str


@dataclass(frozen=True, slots=True)
class _TryAgain:
    error: str
    wait_at_least_s: float = 0.0


@dataclass(frozen=True, slots=True)
class _CutOff:
    pass


class OutboxSender:
    """Delivers outbox commands; :attr:`entries` is the dispatcher's list of them."""

    def __init__(
        self,
        client: DispatchClient,
        store: OutboxStore,
        tasks: TaskKeeper,
        *,
        clock: Clock | None = None,
        give_up_after_s: float = GIVE_UP_AFTER_S,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        keep_sent: int = KEEP_SENT,
    ) -> None:
        if give_up_after_s <= 0:
            raise ValueError(f"give_up_after_s must be positive, got {give_up_after_s}")
        if keep_sent < 0:
            raise ValueError(f"keep_sent must not be negative, got {keep_sent}")
        self._client = client
        self._store = store
        self._tasks = tasks
        self._clock: Clock = clock or SystemClock()
        self.give_up_after_s = give_up_after_s
        self._backoff = backoff or Backoff(initial_s=0.5, cap_s=4.0)
        self._rng = rng or random.Random()
        self.entries: ObservableMap[str, OutboxEntry] = ObservableMap("outbox")
        self._keep_sent = keep_sent
        self._ended_keys: deque[str] = deque()  # oldest first, the ended ones in entries
        self._waiters: dict[str, list[asyncio.Future[OutboxEntry]]] = {}

    async def start(self) -> list[OutboxEntry]:
        """Load the commands still open (failed or unconfirmed) from the outbox; those a
        previous run left unconfirmed become failed (returned). Commands an earlier run saw
        confirmed stay in the cache only: nothing on screen needs them."""
        interrupted = await self._store.fail_interrupted(INTERRUPTED_REASON)
        for entry in interrupted:
            log.warning(
                "not resending %s (key %s) after a restart: %s",
                entry.command.describe(),
                entry.key,
                INTERRUPTED_REASON,
            )
        unsent = await self._store.entries(include_sent=False)
        self._ended_keys.clear()
        self.entries.replace_all({e.key: e for e in unsent})
        return interrupted

    async def submit(self, command: Command) -> OutboxEntry:
        """Write ``command`` to the outbox, then start sending it; returns once it is on disk."""
        entry = await self._store.add(command, new_idempotency_key())
        self._publish(entry)
        self._tasks.spawn(self._deliver(entry), name=f"outbox:{entry.key}")
        return entry

    async def retry(self, key: str) -> OutboxEntry:
        """The dispatcher sends a failed command again, with its original key."""
        entry = await self._store.mark_retry(key)
        self._publish(entry)
        self._tasks.spawn(self._deliver(entry), name=f"outbox:{entry.key}")
        return entry

    async def dismiss(self, key: str) -> OutboxEntry:
        """The dispatcher sets a failed command aside: it leaves the screen, for good."""
        entry = await self._store.mark_dismissed(key)
        log.info("%s dismissed by the dispatcher (key %s)", entry.command.describe(), key)
        self._publish(entry)
        return entry

    def settled(self, key: str) -> Awaitable[OutboxEntry]:
        """Resolves with the entry once it is sent or failed (at once if it has ended)."""
        entry = self.entries.get(key)
        if entry is None:  # confirmed long ago (or by an earlier run): the cache has it
            return asyncio.ensure_future(self._store.get(key))
        future: asyncio.Future[OutboxEntry] = asyncio.get_running_loop().create_future()
        if entry.state is not OutboxState.SENDING:
            future.set_result(entry)
        else:
            self._waiters.setdefault(key, []).append(future)
        return future

    # ----------------------------------------------------------------- delivery

    async def _deliver(self, entry: OutboxEntry) -> None:
        try:
            await self._deliver_until_settled(entry)
        except Exception as exc:  # a cache failure: never leave the dispatcher at "sending"
            log.exception("delivering %s failed", entry.command.describe())
            failed = replace(entry, state=OutboxState.FAILED, reason=f"console error: {exc}")
            self._publish(failed)

    async def _deliver_until_settled(self, entry: OutboxEntry) -> None:
        key, command = entry.key, entry.command
        deadline = self._clock.monotonic() + self.give_up_after_s
        attempt = 0
        last_error = "no attempt was answered"
        while True:
            remaining = deadline - self._clock.monotonic()
            if remaining <= 0:
                await self._fail(
                    key,
                    f"no confirmation from the dispatch server within "
                    f"{self.give_up_after_s:g} s ({last_error})",
                )
                return
            self._publish(await self._store.record_attempt(key))
            outcome = await self._attempt(command, key, remaining)
            if isinstance(outcome, _Sent):
                sent = await self._store.mark_sent(key, outcome.result)
                log.info("%s sent (key %s)", command.describe(), key)
                self._publish(sent)
                return
            if isinstance(outcome, _Refused):
                await self._fail(key, outcome.reason)
                return
            if isinstance(outcome, _CutOff):
                await self._fail(
                    key,
                    f"no confirmation within {self.give_up_after_s:g} s; the last attempt was "
                    "cut off in flight and may have reached the server: check the mission list "
                    "before retrying",
                )
                return
            last_error = outcome.error
            delay = max(outcome.wait_at_least_s, self._backoff.delay(attempt, self._rng))
            attempt += 1
            log.info("%s not delivered (%s); trying again", command.describe(), outcome.error)
            await self._clock.sleep(min(delay, max(0.0, deadline - self._clock.monotonic())))

    async def _attempt(
        self, command: Command, key: str, remaining: float
    ) -> _Sent | _Refused | _TryAgain | _CutOff:
        send = asyncio.ensure_future(self._client.send(command, key))
        timer = asyncio.ensure_future(self._clock.sleep(remaining))
        try:
            done, _ = await asyncio.wait({send, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (send, timer):
                if not task.done():
                    task.cancel()
            await asyncio.gather(send, timer, return_exceptions=True)
        if send not in done or send.cancelled():
            return _CutOff()
        try:
            result = send.result()
        except TooManyRequests as exc:
            return _TryAgain(str(exc), exc.retry_after or 0.0)
        except (ApiUnavailable, ServerError) as exc:
            return _TryAgain(str(exc))
        except BadResponse as exc:
            return _Refused(
                f"the server's answer could not be read, the command may have been carried out: "
                f"{exc}"
            )
        except ApiProblem as exc:
            return _Refused(f"{exc.title}: {exc.detail}" if exc.detail else exc.title)
        return _Sent(result.to_json())

    async def _fail(self, key: str, reason: str) -> None:
        entry = await self._store.mark_failed(key, reason)
        log.warning("FAILED: %s (key %s): %s", entry.command.describe(), key, reason)
        self._publish(entry)

    def _publish(self, entry: OutboxEntry) -> None:
        self.entries.put(entry.key, entry)
        if entry.state is OutboxState.SENDING:
            return
        for future in self._waiters.pop(entry.key, []):
            if not future.done():
                future.set_result(entry)
        if not entry.state.is_open:
            self._let_old_ended_go(entry.key)

    def _let_old_ended_go(self, key: str) -> None:
        """Keep only the newest ``keep_sent`` ended commands in :attr:`entries`; sent and
        dismissed are final, so a key comes here once and its entry never changes again."""
        self._ended_keys.append(key)
        while len(self._ended_keys) > self._keep_sent:
            self.entries.remove(self._ended_keys.popleft())
