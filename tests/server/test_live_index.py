"""The runner index of a server process: position times beside the records, and compaction of
the spatial index in a worker thread while moves go on, without a query ever seeing it wrong."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from console.domain.geometry import haversine_m
from console.domain.model import Mode, Runner
from console.server.live_index import RunnerIndex

NOW = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)
CENTRE = (55.6761, 12.5683)


def scattered(count: int, rng: random.Random, prefix: str = "r") -> list[Runner]:
    return [
        Runner(
            f"{prefix}{i:05d}",
            f"HL-{i:05d}",
            CENTRE[0] + rng.uniform(-0.05, 0.05),
            CENTRE[1] + rng.uniform(-0.08, 0.08),
            NOW - timedelta(minutes=i % 90),
            Mode.FOOT,
        )
        for i in range(count)
    ]


def brute_force(records: dict[str, Runner], k: int, radius_m: float) -> list[str]:
    ranked = sorted(
        (haversine_m(CENTRE[0], CENTRE[1], r.lat, r.lon), r.id) for r in records.values()
    )
    return [rid for d, rid in ranked if d <= radius_m][:k]


def nearest_ids(index: RunnerIndex, k: int, radius_m: float) -> list[str]:
    return [n.id for n in index.points.nearest(CENTRE[0], CENTRE[1], k, radius_m)]


async def wait_for_compactions(index: RunnerIndex, count: int) -> None:
    async with asyncio.timeout(10):
        await index.compaction_done()
    assert index.compactions == count


def test_position_times_follow_every_change() -> None:
    rng = random.Random(1)
    index = RunnerIndex()
    first = scattered(5, rng)
    index.replace_all(first)
    assert dict(index.position_times) == {r.id: r.position_at for r in first}
    later = NOW + timedelta(hours=1)
    moved = Runner(first[0].id, first[0].alias, 55.7, 12.6, later, Mode.BIKE)
    index.put(moved)
    index.put(Runner("new", "HL-NEW", 55.69, 12.59, later, Mode.CAR))
    index.drop(first[1].id)
    assert index.position_times[first[0].id] == later
    assert index.position_times["new"] == later
    assert first[1].id not in index.position_times
    assert len(index.position_times) == len(index) == 5


async def test_compaction_runs_off_the_loop_and_keeps_moves_made_meanwhile() -> None:
    rng = random.Random(2)
    index = RunnerIndex(compact_at=100)
    runners = scattered(3_000, rng)
    index.replace_all(runners)
    await wait_for_compactions(index, 1)  # the loaded world is compacted in the background
    assert index.points.pending_changes == 0
    records = {r.id: r for r in runners}

    def move(runner: Runner) -> None:
        moved = Runner(
            runner.id,
            runner.alias,
            runner.lat + rng.uniform(-0.01, 0.01),
            runner.lon + rng.uniform(-0.01, 0.01),
            NOW,
            runner.mode,
        )
        records[moved.id] = moved
        index.put(moved)

    for runner in runners[:100]:  # the 100th buffered move starts a compaction
        move(runner)
    old_points = index.points
    # While it runs: more moves, a runner gone and one new, all on the old index meanwhile.
    for runner in runners[100:150]:
        move(runner)
    index.drop(runners[0].id)
    del records[runners[0].id]
    newcomer = Runner("newcomer", "HL-NEW", CENTRE[0], CENTRE[1] + 0.0001, NOW, Mode.BIKE)
    index.put(newcomer)
    records[newcomer.id] = newcomer
    assert nearest_ids(index, 20, 5_000) == brute_force(records, 20, 5_000)
    await wait_for_compactions(index, 2)
    assert index.points is not old_points
    # The tree holds the snapshot; only what changed after it (at most those 52) is buffered.
    assert 0 < index.points.pending_changes <= 52
    assert len(index.points) == len(records)
    for k, radius in ((20, 5_000.0), (200, 2_000.0), (3_000, 10_000.0)):
        assert nearest_ids(index, k, radius) == brute_force(records, k, radius)


async def test_a_few_busy_runners_never_start_a_compaction() -> None:
    rng = random.Random(5)
    index = RunnerIndex(compact_at=100)
    runners = scattered(1_000, rng)
    index.replace_all(runners)
    await wait_for_compactions(index, 1)
    records = {r.id: r for r in runners}
    for step in range(50):  # 500 moves of 10 runners: the overlay holds 10 slots
        for runner in runners[:10]:
            moved = Runner(
                runner.id, runner.alias, runner.lat, runner.lon + step * 1e-5, NOW, runner.mode
            )
            records[runner.id] = moved
            index.put(moved)
    await asyncio.sleep(0)
    assert index.compactions == 1
    assert index.points.pending_changes == 500
    assert nearest_ids(index, 20, 5_000) == brute_force(records, 20, 5_000)


async def test_a_reload_during_a_compaction_wins() -> None:
    rng = random.Random(3)
    index = RunnerIndex(compact_at=10)
    index.replace_all(scattered(2_000, rng, prefix="old"))
    fresh = scattered(50, rng, prefix="new")
    index.replace_all(fresh)  # the first world's compaction is abandoned
    await wait_for_compactions(index, 1)
    assert len(index.points) == 50
    assert nearest_ids(index, 50, 20_000) == brute_force({r.id: r for r in fresh}, 50, 20_000)
    await index.aclose()


def test_without_an_event_loop_the_next_query_rebuilds_as_before() -> None:
    rng = random.Random(4)
    index = RunnerIndex(compact_at=5)
    runners = scattered(200, rng)
    index.replace_all(runners)
    records = {r.id: r for r in runners}
    for runner in runners[:20]:
        moved = Runner(runner.id, runner.alias, runner.lat + 0.001, runner.lon, NOW, Mode.CAR)
        records[runner.id] = moved
        index.put(moved)
    assert index.compactions == 0
    assert nearest_ids(index, 20, 5_000) == brute_force(records, 20, 5_000)


def test_compact_at_must_be_positive() -> None:
    with pytest.raises(ValueError, match="compact_at must be at least 1"):
        RunnerIndex(compact_at=0)
