"""The outbox records each command before it is sent, and only the allowed state changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from console.api.commands import Command
from console.cache.outbox import OutboxError, OutboxState, OutboxStore
from console.cache.store import Cache
from console.domain.model import AgeGroup, LatLon

RAISE = Command.raise_mission(LatLon(55.67, 12.56), "Nørregade 7", AgeGroup.ADULT, "note")


class Ticking:
    """A clock that moves one second per reading, so every write has its own time."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 3, 14, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
async def outbox(cache_url: str) -> AsyncIterator[OutboxStore]:
    cache = await Cache.open(cache_url, now=Ticking())
    yield OutboxStore(cache)
    await cache.close()


async def test_a_command_is_on_disk_as_sending_before_anything_is_sent(cache_url: str) -> None:
    cache = await Cache.open(cache_url)
    await OutboxStore(cache).add(RAISE, "key-1")
    await cache.close()  # as if the console died right after writing

    reopened = await Cache.open(cache_url)
    try:
        [entry] = await OutboxStore(reopened).entries()
        assert entry.key == "key-1"
        assert entry.command == RAISE
        assert entry.command.body_json() == RAISE.body_json()
        assert entry.state is OutboxState.SENDING
        assert entry.status_text == "sending"
        assert entry.attempts == 0
    finally:
        await reopened.close()


async def test_sent_keeps_the_servers_answer(outbox: OutboxStore) -> None:
    await outbox.add(RAISE, "key-1")
    await outbox.record_attempt("key-1")
    sent = await outbox.mark_sent("key-1", {"id": "m-42", "state": "alerting"})
    assert sent.state is OutboxState.SENT
    assert sent.attempts == 1
    assert sent.mission_id == "m-42"
    assert await outbox.get("key-1") == sent
    assert await outbox.entries(include_sent=False) == []


async def test_failed_says_why_and_only_a_retry_sends_it_again(outbox: OutboxStore) -> None:
    await outbox.add(Command.cancel("m-1", "false alarm"), "key-2")
    failed = await outbox.mark_failed("key-2", "no answer from the server within 30 s")
    assert failed.status_text == "failed: no answer from the server within 30 s"
    with pytest.raises(OutboxError, match="is failed"):
        await outbox.mark_sent("key-2", {})
    with pytest.raises(OutboxError, match="is failed"):
        await outbox.record_attempt("key-2")
    again = await outbox.mark_retry("key-2")
    assert again.state is OutboxState.SENDING
    assert again.key == "key-2"
    assert again.reason is None
    with pytest.raises(OutboxError, match="is sending"):
        await outbox.mark_retry("key-2")


async def test_a_restart_turns_unconfirmed_commands_into_failed_ones(outbox: OutboxStore) -> None:
    await outbox.add(RAISE, "a")
    await outbox.add(Command.close("m-1", "ems_on_scene"), "b")
    await outbox.add(Command.cancel("m-2", "x"), "c")
    await outbox.mark_sent("b", {"id": "m-1"})

    interrupted = await outbox.fail_interrupted("the console stopped before the server answered")

    assert [e.key for e in interrupted] == ["a", "c"]
    assert {e.state for e in await outbox.entries(include_sent=False)} == {OutboxState.FAILED}
    assert [e.key for e in await outbox.entries()] == ["a", "b", "c"]
    assert (await outbox.get("b")).state is OutboxState.SENT
    assert await outbox.fail_interrupted("again") == []


async def test_keys_are_unique_and_unknown_keys_are_named(outbox: OutboxStore) -> None:
    await outbox.add(RAISE, "k")
    with pytest.raises(OutboxError, match="already in the outbox"):
        await outbox.add(RAISE, "k")
    with pytest.raises(OutboxError, match="no command with key nope"):
        await outbox.get("nope")
    with pytest.raises(OutboxError, match="no command with key nope"):
        await outbox.mark_failed("nope", "x")
