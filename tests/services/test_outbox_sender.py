"""The outbox against the real server: never lost, never sent later by surprise."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from console.api.client import DispatchClient
from console.api.commands import Command
from console.api.settings import ApiSettings
from console.cache.outbox import OutboxEntry, OutboxError, OutboxState, OutboxStore
from console.cache.store import Cache
from console.domain.model import AgeGroup, LatLon, Mission
from console.services.clock import Clock, ManualClock, SystemClock
from console.services.link import Backoff
from console.services.outbox_sender import INTERRUPTED_REASON, KEEP_SENT, OutboxSender
from console.services.tasks import TaskKeeper
from tests.support.dispatchd import Dispatchd
from tests.support.driver import Driver
from tests.support.proxy import LoopbackProxy
from tests.support.waiting import eventually

HERE = LatLon(55.676, 12.568)


@dataclass
class Outbox:
    sender: OutboxSender
    client: DispatchClient
    tasks: TaskKeeper

    async def close(self) -> None:
        await self.tasks.aclose()
        await self.client.aclose()


MakeOutbox = Callable[..., Outbox]


@pytest.fixture
async def make_outbox(settings: ApiSettings, cache: Cache) -> AsyncIterator[MakeOutbox]:
    made: list[Outbox] = []

    def build(clock: Clock | None = None, keep_sent: int = KEEP_SENT) -> Outbox:
        client = DispatchClient(settings)
        tasks = TaskKeeper()
        sender = OutboxSender(
            client,
            OutboxStore(cache),
            tasks,
            clock=clock or SystemClock(),
            backoff=Backoff(initial_s=0.2, cap_s=1.0),
            keep_sent=keep_sent,
        )
        outbox = Outbox(sender, client, tasks)
        made.append(outbox)
        return outbox

    yield build
    for outbox in made:
        await outbox.close()


def _raise(address: str) -> Command:
    return Command.raise_mission(HERE, address, AgeGroup.ADULT, "")


async def _missions_at(driver: Driver, address: str) -> list[Mission]:
    return [m for m in await driver.missions() if m.address == address]


async def _advance_through(clock: ManualClock, seconds: float) -> None:
    """Move a manual clock in small steps, letting real loopback I/O finish between them."""
    for _ in range(int(seconds * 2)):
        await clock.advance(0.5)
        await asyncio.sleep(0.01)


async def test_a_raise_while_the_server_is_down_goes_out_once_it_is_back(
    make_outbox: MakeOutbox, dispatchd: Dispatchd, proxy: LoopbackProxy, driver: Driver
) -> None:
    outbox = make_outbox()
    await outbox.sender.start()
    dispatchd.kill()

    entry = await outbox.sender.submit(_raise("Down Street 1"))
    assert entry.state is OutboxState.SENDING
    await eventually(lambda: outbox.sender.entries[entry.key].attempts >= 2, 10, "retries")
    assert outbox.sender.entries[entry.key].state is OutboxState.SENDING

    await asyncio.to_thread(dispatchd.start)
    proxy.upstream_port = dispatchd.port
    sent = await asyncio.wait_for(outbox.sender.settled(entry.key), 30)

    assert sent.state is OutboxState.SENT
    assert sent.key == entry.key
    assert sent.status_text == "sent"
    async with Driver(dispatchd.base_url) as after:
        created = await _missions_at(after, "Down Street 1")
    assert [m.id for m in created] == [sent.mission_id]


@pytest.mark.allow_log_warnings
async def test_left_down_it_fails_loudly_after_30_s_and_never_goes_out_later(
    make_outbox: MakeOutbox,
    dispatchd: Dispatchd,
    proxy: LoopbackProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    outbox = make_outbox(clock)
    await outbox.sender.start()
    dispatchd.kill()

    entry = await outbox.sender.submit(_raise("Never Road 2"))
    await _advance_through(clock, 29.0)
    assert outbox.sender.entries[entry.key].state is OutboxState.SENDING
    await _advance_through(clock, 1.5)

    failed = await asyncio.wait_for(outbox.sender.settled(entry.key), 5)
    assert failed.state is OutboxState.FAILED
    assert failed.status_text.startswith(
        "failed: no confirmation from the dispatch server within 30 s"
    )
    assert failed.attempts >= 3
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in loud] == ["FAILED"]
    assert not outbox.tasks.running(f"outbox:{entry.key}")

    # The server comes back: nothing sends the failed alert behind the dispatcher's back.
    await asyncio.to_thread(dispatchd.start)
    proxy.upstream_port = dispatchd.port
    await _advance_through(clock, 60.0)
    await asyncio.sleep(1.0)
    async with Driver(dispatchd.base_url) as after:
        assert await _missions_at(after, "Never Road 2") == []
    assert (await OutboxStore(outbox_cache(outbox)).get(entry.key)).state is OutboxState.FAILED

    # The dispatcher retries: same key, and it goes out once.
    again = await outbox.sender.retry(entry.key)
    assert again.key == entry.key
    sent = await asyncio.wait_for(outbox.sender.settled(entry.key), 20)
    assert sent.state is OutboxState.SENT
    # The server knows the key: sending it once more changes nothing.
    repeat = await outbox.client.send(sent.command, entry.key)
    assert isinstance(repeat, Mission)
    assert repeat.id == sent.mission_id
    async with Driver(dispatchd.base_url) as after:
        assert [m.id for m in await _missions_at(after, "Never Road 2")] == [sent.mission_id]
    with pytest.raises(OutboxError, match="is sent"):
        await outbox.sender.retry(entry.key)


async def _cancel_an_ended_mission(outbox: Outbox, driver: Driver) -> OutboxEntry:
    """A command the server refuses at once: the mission ended before the cancel arrived."""
    await driver.add_runners(5)
    mission = await driver.raise_mission()
    await driver.end(mission, "close")
    entry = await outbox.sender.submit(Command.cancel(mission["id"], "too late"))
    return await asyncio.wait_for(outbox.sender.settled(entry.key), 10)


def outbox_cache(outbox: Outbox) -> Cache:
    return outbox.sender._store._cache  # the test reads the disk, not the sender's memory


@pytest.mark.allow_log_warnings
async def test_a_refusal_fails_at_once_with_the_servers_reason(
    make_outbox: MakeOutbox, driver: Driver
) -> None:
    outbox = make_outbox()
    await outbox.sender.start()
    failed = await _cancel_an_ended_mission(outbox, driver)

    assert failed.state is OutboxState.FAILED
    assert failed.attempts == 1
    assert failed.status_text.startswith("failed: The mission has ended")


@pytest.mark.allow_log_warnings
async def test_a_restart_shows_unconfirmed_commands_and_never_resends_them(
    make_outbox: MakeOutbox, dispatchd: Dispatchd, proxy: LoopbackProxy, cache: Cache
) -> None:
    clock = ManualClock()
    first = make_outbox(clock)
    await first.sender.start()
    dispatchd.kill()
    entry = await first.sender.submit(_raise("Restart Alley 3"))
    await _advance_through(clock, 2.0)
    await first.close()  # the console quits (or dies) while the command is unconfirmed
    assert (await OutboxStore(cache).get(entry.key)).state is OutboxState.SENDING

    await asyncio.to_thread(dispatchd.start)
    proxy.upstream_port = dispatchd.port
    second = make_outbox()
    interrupted = await second.sender.start()

    assert [e.key for e in interrupted] == [entry.key]
    shown = second.sender.entries[entry.key]
    assert shown.state is OutboxState.FAILED
    assert shown.reason == INTERRUPTED_REASON
    assert len(second.tasks) == 0
    await asyncio.sleep(1.0)
    async with Driver(dispatchd.base_url) as after:
        assert await _missions_at(after, "Restart Alley 3") == []


@pytest.mark.allow_log_warnings
async def test_an_attempt_still_in_flight_at_30_s_is_cut_off_and_said_so(
    make_outbox: MakeOutbox, proxy: LoopbackProxy, driver: Driver
) -> None:
    clock = ManualClock()
    outbox = make_outbox(clock)
    await outbox.sender.start()
    await outbox.client.login()
    proxy.stall()
    entry = await outbox.sender.submit(_raise("Stall Lane 4"))
    await eventually(lambda: clock.sleepers == 1, 5, "the attempt to be under way")
    await clock.advance(30.0)

    failed = await asyncio.wait_for(outbox.sender.settled(entry.key), 5)
    assert failed.state is OutboxState.FAILED
    assert "cut off in flight and may have reached the server" in failed.status_text
    assert failed.attempts == 1
    proxy.cut()
    proxy.flow()
    await asyncio.sleep(0.5)
    assert await _missions_at(driver, "Stall Lane 4") == []


@pytest.mark.allow_log_warnings
async def test_memory_keeps_the_newest_confirmed_commands_and_the_open_ones_the_cache_all(
    make_outbox: MakeOutbox, dispatchd: Dispatchd, proxy: LoopbackProxy, driver: Driver
) -> None:
    """A night shift's sent commands must not pile up in the console's memory (issue 7's
    memory figure), nor be read back at every start; a failed one stays until it is handled."""
    clock = ManualClock()
    outbox = make_outbox(clock, keep_sent=2)
    await outbox.sender.start()
    await driver.add_runners(3)
    sent = []
    for n in range(4):
        entry = await outbox.sender.submit(_raise(f"Memory Row {n}"))
        sent.append(await asyncio.wait_for(outbox.sender.settled(entry.key), 20))
    assert [e.state for e in sent] == [OutboxState.SENT] * 4
    dispatchd.kill()
    failing = await outbox.sender.submit(_raise("Memory Row failing"))
    await _advance_through(clock, 31.0)
    failed = await asyncio.wait_for(outbox.sender.settled(failing.key), 5)
    assert failed.state is OutboxState.FAILED

    assert list(outbox.sender.entries) == [sent[2].key, sent[3].key, failing.key]
    # What memory let go the cache still answers, with the server's result.
    early = await asyncio.wait_for(outbox.sender.settled(sent[0].key), 5)
    assert early.state is OutboxState.SENT
    assert early.mission_id == sent[0].mission_id
    with pytest.raises(OutboxError, match="no command"):
        await outbox.sender.settled("no-such-key")
    stored = await OutboxStore(outbox_cache(outbox)).entries()
    assert {e.key for e in stored} == {e.key for e in sent} | {failing.key}

    again = make_outbox()
    await again.sender.start()
    assert list(again.sender.entries) == [failing.key]


@pytest.mark.allow_log_warnings
async def test_a_dismissed_failure_stays_set_aside_after_a_restart_and_cannot_be_retried(
    make_outbox: MakeOutbox, driver: Driver, cache: Cache
) -> None:
    """A failed alert the dispatcher handled by phone and dismissed must not come back with a
    Retry button after a restart: retrying it would alert runners a second time."""
    outbox = make_outbox()
    await outbox.sender.start()
    entry = failed = await _cancel_an_ended_mission(outbox, driver)
    assert failed.state is OutboxState.FAILED

    dismissed = await outbox.sender.dismiss(entry.key)
    assert dismissed.state is OutboxState.DISMISSED
    assert dismissed.reason == failed.reason  # why it failed stays on the record
    assert dismissed.status_text.startswith("dismissed (not sent): The mission has ended")
    assert outbox.sender.entries[entry.key].state is OutboxState.DISMISSED
    assert (await OutboxStore(cache).get(entry.key)).state is OutboxState.DISMISSED
    with pytest.raises(OutboxError, match="is dismissed"):
        await outbox.sender.retry(entry.key)
    with pytest.raises(OutboxError, match="is dismissed"):
        await outbox.sender.dismiss(entry.key)

    again = make_outbox()
    await again.sender.start()
    assert entry.key not in again.sender.entries
    assert (await asyncio.wait_for(again.sender.settled(entry.key), 5)).state is (
        OutboxState.DISMISSED
    )
