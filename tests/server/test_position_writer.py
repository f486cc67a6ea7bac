"""Group commit of runner positions: updates that arrive together share one statement, each is
answered only once it is committed, and a SIGKILL loses none that was answered ``204``.

In-process on SQLite and PostgreSQL (the module's ``db_url``), plus one test against the real
server process, killed while runners report.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psycopg
import pytest
from dispatchd_harness import make_api, start_server
from sqlalchemy import delete

from console.domain.model import Mode, Runner
from console.domain.timefmt import utc_now
from console.server import world_store
from console.server.config import ServerConfig
from console.server.dispatch_schema import runners as runners_table
from console.server.event_log import RUNNERS_CHANNEL
from console.server.position_writer import MAX_NOTICE_BYTES, PositionWriteError
from console.server.services import ServerServices

ODENSE = (55.4038, 10.4024)


@pytest.fixture
async def services(db_url: str) -> AsyncIterator[ServerServices]:
    config = ServerConfig(
        database_url=db_url, simulate=True, world="empty", maintenance_every_s=3_600.0
    )
    built = ServerServices.build(config)
    await built.start()
    yield built
    await built.stop()


async def add_runners(services: ServerServices, count: int, id_length: int = 12) -> list[str]:
    """Runners new to the database and the index, with ids unique to this test."""
    prefix = secrets.token_hex(3)
    now = utc_now()
    made = [
        Runner(f"{prefix}-{i:0{id_length}d}", f"HL-{i:04d}", ODENSE[0], ODENSE[1], now, Mode.FOOT)
        for i in range(count)
    ]
    async with services.event_log.write(sequenced=False) as tx:
        await world_store.insert_runners(tx.conn, made)
    for runner in made:
        services.dispatch.runners.put(runner)
    return [r.id for r in made]


async def stored(services: ServerServices, runner_id: str) -> Runner | None:
    async with services.database.reader.connect() as conn:
        return await world_store.get_runner(conn, runner_id)


async def test_updates_arriving_together_are_one_batch_and_all_land(
    services: ServerServices,
) -> None:
    ids = await add_runners(services, 60)
    writer = services.dispatch.positions
    before = writer.batches_written
    lats = [ODENSE[0] + 0.001 * (i + 1) for i in range(len(ids))]
    answers = await asyncio.gather(
        *(writer.submit(rid, lat, ODENSE[1], Mode.BIKE) for rid, lat in zip(ids, lats, strict=True))
    )
    assert answers == [True] * len(ids)
    assert writer.batches_written == before + 1
    for runner_id, lat in zip(ids, lats, strict=True):
        row = await stored(services, runner_id)
        assert row is not None
        assert (row.lat, row.mode) == (lat, Mode.BIKE)
        indexed = services.dispatch.runners.get(runner_id)
        assert indexed is not None
        assert (indexed.lat, indexed.mode) == (lat, Mode.BIKE)
        assert indexed.position_at == row.position_at


async def test_the_later_of_two_updates_in_one_batch_wins(services: ServerServices) -> None:
    [runner_id] = await add_runners(services, 1)
    writer = services.dispatch.positions
    answers = await asyncio.gather(
        writer.submit(runner_id, 55.50, 10.40, Mode.FOOT),
        writer.submit(runner_id, 55.51, 10.41, Mode.CAR),
    )
    assert list(answers) == [True, True]
    row = await stored(services, runner_id)
    assert row is not None
    assert (row.lat, row.lon, row.mode) == (55.51, 10.41, Mode.CAR)
    assert services.dispatch.runners.get(runner_id) == row


async def test_a_runner_whose_row_is_gone_is_stored_the_slow_way(
    services: ServerServices,
) -> None:
    [gone, there] = await add_runners(services, 2)
    async with services.event_log.write(sequenced=False) as tx:
        await tx.conn.execute(delete(runners_table).where(runners_table.c.id == gone))
    writer = services.dispatch.positions
    answers = await asyncio.gather(
        writer.submit(gone, 55.6, 10.5, Mode.FOOT), writer.submit(there, 55.6, 10.5, Mode.FOOT)
    )
    assert list(answers) == [False, True]
    assert await stored(services, gone) is None
    # Dispatch then creates the row again, as for a runner it has never seen.
    await services.dispatch.update_position(gone, 55.7, 10.6, Mode.BIKE)
    row = await stored(services, gone)
    assert row is not None
    assert (row.lat, row.lon, row.mode) == (55.7, 10.6, Mode.BIKE)


@pytest.mark.allow_log_warnings
async def test_a_failed_batch_fails_its_requests_and_the_next_batch_is_written(
    services: ServerServices, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    [runner_id] = await add_runners(services, 1)
    writer = services.dispatch.positions
    real_write = writer._write
    calls = 0

    async def fail_once(batch: list[object]) -> set[str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("connection reset")
        return await real_write(batch)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_write", fail_once)
    with pytest.raises(PositionWriteError, match="connection reset"):
        await writer.submit(runner_id, 55.45, 10.45, Mode.FOOT)
    row = await stored(services, runner_id)
    assert row is not None
    assert row.lat == ODENSE[0]  # nothing of the failed batch was stored
    assert await writer.submit(runner_id, 55.46, 10.46, Mode.FOOT)
    row = await stored(services, runner_id)
    assert row is not None
    assert row.lat == 55.46
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "storing 1 position updates failed"
    ]


async def test_closing_writes_what_is_queued_and_refuses_more(services: ServerServices) -> None:
    ids = await add_runners(services, 10)
    writer = services.dispatch.positions
    queued = [asyncio.create_task(writer.submit(rid, 55.42, 10.42, Mode.FOOT)) for rid in ids]
    await asyncio.sleep(0)  # every task has queued its update
    await writer.aclose()
    assert [task.result() for task in queued] == [True] * len(ids)
    for runner_id in ids:
        row = await stored(services, runner_id)
        assert row is not None
        assert row.lat == 55.42
    with pytest.raises(PositionWriteError, match="shutting down"):
        await writer.submit(ids[0], 55.43, 10.43, Mode.FOOT)


async def test_a_large_batch_is_announced_in_notices_that_postgres_accepts(
    services: ServerServices, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("NOTIFY is PostgreSQL's")
    ids = await add_runners(services, 300, id_length=40)
    heard: dict[str, float] = {}
    sizes: list[int] = []
    async with await psycopg.AsyncConnection.connect(
        services.database.libpq_conninfo(), autocommit=True
    ) as listener:
        await listener.execute(f'LISTEN "{RUNNERS_CHANNEL}"')
        writer = services.dispatch.positions
        answers = await asyncio.gather(*(writer.submit(rid, 55.41, 10.41, Mode.CAR) for rid in ids))
        assert all(answers)
        async with asyncio.timeout(10):
            async for notice in listener.notifies():
                sizes.append(len(notice.payload.encode()))
                data = json.loads(notice.payload)
                assert data["src"] == services.dispatch.source
                heard.update({r["id"]: r["lat"] for r in data["runners"]})
                if len(heard) == len(ids):
                    break
    assert heard == dict.fromkeys(ids, 55.41)
    assert len(sizes) > 1  # 300 runners do not fit in one payload
    assert max(sizes) <= MAX_NOTICE_BYTES


@pytest.mark.slow
async def test_sigkill_loses_no_position_that_was_answered(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    first = start_server(db_url, log, "--simulate", "--world", "empty")
    api = make_api(first.base_url)
    api.reset()
    count = 12
    ids = [r["id"] for r in api.add_runners([{"lat": 56.0, "lon": 9.5} for _ in range(count)])]
    tokens = [api.sim.post(f"/v1/sim/runners/{rid}/token").json()["access_token"] for rid in ids]
    api.close()
    # Each runner walks north one step (0.00001°) per update: its latitude counts its updates.
    answered: dict[str, int] = dict.fromkeys(ids, 0)
    enough = asyncio.Event()

    async def walk(runner_id: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=first.base_url, headers=headers) as client:
            step = 0
            while True:
                step += 1
                body = {"lat": round(56.0 + step * 1e-5, 5), "lon": 9.5, "mode": "bike"}
                answer = await client.put("/v1/runner/position", json=body)
                assert answer.status_code == 204
                answered[runner_id] = step
                if sum(answered.values()) > 60:
                    enough.set()

    walkers = [asyncio.create_task(walk(rid, tok)) for rid, tok in zip(ids, tokens, strict=True)]
    # Kill it mid-stream once enough has been answered, however slow the machine is today
    # (a fixed 1.5 s answered fewer than 50 on a loaded CI machine).
    await asyncio.wait_for(enough.wait(), 30)
    first.kill()
    for walker in walkers:
        with contextlib.suppress(Exception):
            await walker
    assert sum(answered.values()) > 50, first.log_tail()

    second = start_server(db_url, log, "--simulate", "--world", "empty")
    try:
        api = make_api(second.base_url)
        near = api.supervisor.get(
            "/v1/runners", params={"lat": 56.0, "lon": 9.5, "radius_m": 5_000}
        ).json()
        api.close()
        steps = {r["id"]: round((r["lat"] - 56.0) / 1e-5) for r in near}
        for runner_id in ids:
            # What was answered is there; at most the one update in flight went further.
            assert answered[runner_id] <= steps[runner_id] <= answered[runner_id] + 1
    finally:
        second.stop()


async def test_a_burst_after_a_mission_event_reads_the_open_missions_once(
    services: ServerServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await add_runners(services, 20)
    dispatch = services.dispatch
    cache = dispatch.open_missions
    real_load = cache.load
    reads = 0

    async def counted(conn: object) -> object:
        nonlocal reads
        reads += 1
        return await real_load(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "load", counted)
    dispatch.missions_changed()  # as after any mission event
    await asyncio.gather(*(dispatch.update_position(rid, 55.44, 10.44, Mode.FOOT) for rid in ids))
    assert reads == 1
    await dispatch.update_position(ids[0], 55.45, 10.45, Mode.FOOT)
    assert reads == 1  # still current: nothing changed since
    dispatch.missions_changed()
    await dispatch.update_position(ids[0], 55.46, 10.46, Mode.FOOT)
    assert reads == 2
