"""The cache stores each event once, folds missions with the domain's fold, in one transaction."""

from __future__ import annotations

import random

import pytest
from cache_event_log import EventLog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.api.wire import Rejected
from console.cache import schema, store
from console.cache.store import Cache
from console.domain.fold import fold
from console.domain.model import Aed, AedAccess, AedStatus, Event, EventType, MissionState


async def test_a_batch_is_stored_once_in_order_and_moves_the_position(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    event_log.mission("m-2", end="close")
    assert await cache.last_seq() == 0

    result = await cache.ingest(event_log.events)

    assert [e.seq for e in result.stored] == list(range(1, event_log.seq + 1))
    assert result.duplicates == 0
    assert result.problems == ()
    assert result.last_seq == event_log.seq
    assert {m.id for m in result.missions} == {"m-1", "m-2"}
    assert await cache.last_seq() == event_log.seq
    assert await cache.event_count() == event_log.seq
    assert await cache.events_after(0) == event_log.events


async def test_sending_the_same_events_again_stores_nothing(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    await cache.ingest(event_log.events[:6])
    again = await cache.ingest(event_log.events[3:] + event_log.events[3:5])

    assert again.duplicates == 3 + 2
    assert [e.seq for e in again.stored] == [e.seq for e in event_log.events[6:]]
    assert await cache.event_count() == len(event_log.events)
    assert await cache.events_after(0) == event_log.events


async def test_the_cached_mission_is_the_fold_of_its_cached_events(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    event_log.mission("m-2", end="cancel")
    event_log.mission("m-3", runners=5)
    for start in range(0, len(event_log.events), 4):  # small batches: incremental folding
        await cache.ingest(event_log.events[start : start + 4])

    for mission_id in ("m-1", "m-2", "m-3"):
        mission = await cache.mission(mission_id)
        expected = fold(e for e in event_log.events if e.mission_id == mission_id)
        assert mission == expected
        assert fold(await cache.mission_events(mission_id)) == expected
    assert [m.id for m in await cache.open_missions()] == ["m-1", "m-3"]
    ended = await cache.mission("m-2")
    assert ended is not None
    assert ended.state is MissionState.CANCELLED
    assert [m.id for m in await cache.recent_missions(limit=2)] == ["m-3", "m-2"]
    assert await cache.mission("m-404") is None


async def test_runners_out_on_an_open_mission_are_busy(cache: Cache, event_log: EventLog) -> None:
    event_log.mission("m-1")
    event_log.mission("m-2", end="close")
    await cache.ingest(event_log.events)
    # m-1-r1 accepted an open mission; m-2-r1 accepted one that has ended; r2s declined.
    assert await cache.busy_runner_ids() == {"m-1-r1"}


async def test_an_event_for_an_unknown_mission_is_kept_reported_and_skipped(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    stray = event_log.runner(EventType.RUNNER_ARRIVED, "m-ghost", "r-9")
    event_log.runner(EventType.RUNNER_ARRIVED, "m-1", "m-1-r1")

    result = await cache.ingest(event_log.events)

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.seq, problem.mission_id) == (stray.seq, "m-ghost")
    assert "never created here" in problem.reason
    assert await cache.last_seq() == event_log.seq
    assert await cache.problems() == [problem]
    arrived = await cache.mission("m-1")
    assert arrived is not None
    responder = arrived.responder("m-1-r1")
    assert responder is not None
    assert responder.arrived_at is not None


async def test_an_event_the_rules_forbid_does_not_change_the_mission(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    await cache.ingest(event_log.events)
    before = await cache.mission("m-1")
    bad = event_log.runner(EventType.RUNNER_ACCEPTED, "m-1", "m-1-r2")  # r2 declined already
    result = await cache.ingest([bad])

    assert [p.seq for p in result.problems] == [bad.seq]
    assert "declined" in result.problems[0].reason
    assert await cache.mission("m-1") == before
    assert await cache.mission_events("m-1") == event_log.events[:-1]
    assert await cache.last_seq() == bad.seq


async def test_unreadable_items_move_the_position_and_are_never_folded(
    cache: Cache, event_log: EventLog
) -> None:
    event_log.mission("m-1")
    await cache.ingest(event_log.events)
    seq = event_log.seq
    result = await cache.ingest(
        [],
        [
            Rejected(seq + 1, "malformed JSON", "{"),
            Rejected(None, "no seq at all", "[]"),
        ],
    )
    assert [(p.seq, p.reason) for p in result.problems] == [
        (seq + 1, "malformed JSON"),
        (None, "no seq at all"),
    ]
    assert await cache.last_seq() == seq + 1
    assert await cache.event_count() == seq + 1
    assert await cache.events_after(seq) == []
    again = await cache.ingest([], [Rejected(seq + 1, "malformed JSON", "{")])
    assert again.duplicates == 1
    assert again.problems == ()


async def test_a_crash_late_in_a_batch_leaves_nothing_of_it(
    cache: Cache, event_log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The events and missions of a batch are written before its AED statuses: a failure
    there must take the whole batch back, as a crash would."""
    event_log.mission("m-1")
    await cache.ingest(event_log.events[:3])
    before = await cache.mission("m-1")

    def crash(*_: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(store, "_store_aed_status", crash)
    with pytest.raises(OSError, match="disk gone"):
        await cache.ingest(event_log.events[3:])
    assert await cache.last_seq() == 3
    assert await cache.event_count() == 3
    assert await cache.mission("m-1") == before
    assert await cache.busy_runner_ids() == set()

    monkeypatch.undo()
    await cache.ingest(event_log.events[3:])
    assert await cache.mission("m-1") == fold(event_log.events)
    assert await cache.busy_runner_ids() == {"m-1-r1"}


async def test_the_cache_survives_closing_and_opening(cache_url: str, event_log: EventLog) -> None:
    event_log.mission("m-1")
    first = await Cache.open(cache_url)
    await first.ingest(event_log.events)
    await first.close()
    second = await Cache.open(cache_url)
    try:
        assert second.upgraded_from == schema.SCHEMA_VERSION
        assert await second.last_seq() == event_log.seq
        assert await second.mission("m-1") == fold(event_log.events)
    finally:
        await second.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), batch=st.integers(1, 9))
async def test_any_arrival_order_ends_in_the_servers_state(
    tmp_path_factory: pytest.TempPathFactory, seed: int, batch: int
) -> None:
    """Late events (below a mission's last seq) refold it, judging earlier verdicts again."""
    log = EventLog()
    log.mission("m-1", end="cancel")
    log.mission("m-2")
    shuffled = list(log.events)
    random.Random(seed).shuffle(shuffled)
    folder = tmp_path_factory.mktemp("order")
    cache = await Cache.open(f"sqlite:///{folder / 'c.sqlite3'}")
    try:
        for start in range(0, len(shuffled), batch):
            await cache.ingest(shuffled[start : start + batch])
        for mission_id in ("m-1", "m-2"):
            assert await cache.mission(mission_id) == fold(
                e for e in log.events if e.mission_id == mission_id
            )
        assert await cache.problems() == []
        assert await cache.last_seq() == log.seq
    finally:
        await cache.close()


def _aed(ident: str, status: AedStatus = AedStatus.AVAILABLE) -> Aed:
    return Aed(ident, 55.67, 12.56, "Hovedbanegården", AedAccess.ALWAYS, None, status)


async def test_aeds_are_replaced_whole_and_follow_status_events(
    cache: Cache, event_log: EventLog
) -> None:
    await cache.replace_aeds([_aed("aed-1"), _aed("aed-2")], '"v1"')
    assert await cache.aed_etag() == '"v1"'
    taken = event_log.add(EventType.AED_STATUS, None, {"aed_id": "aed-1", "status": "taken"})
    unknown = event_log.add(EventType.AED_STATUS, None, {"aed_id": "aed-9", "status": "taken"})
    bad = event_log.add(EventType.AED_STATUS, None, {"aed_id": "aed-2", "status": "stolen"})

    result = await cache.ingest([taken, unknown, bad])

    assert result.aed_status == {"aed-1": AedStatus.TAKEN, "aed-9": AedStatus.TAKEN}
    assert [p.seq for p in result.problems] == [bad.seq]
    assert await cache.aeds() == [_aed("aed-1", AedStatus.TAKEN), _aed("aed-2")]
    await cache.replace_aeds([_aed("aed-3")], None)
    assert await cache.aeds() == [_aed("aed-3")]
    assert await cache.aed_etag() is None


async def test_a_mission_event_without_mission_id_is_a_problem(cache: Cache) -> None:
    log = EventLog()
    event = log.add(EventType.RUNNER_DECLINED, None, {"runner_id": "r"})
    result = await cache.ingest([event])
    assert [p.reason for p in result.problems] == ["a mission event without mission_id"]
    assert isinstance(result.stored[0], Event)
