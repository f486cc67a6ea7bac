"""The services as the UI will use them, on the real server: missions, AEDs, runners, replay,
and an offline start from the cache."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from console.api.client import DispatchClient
from console.api.problems import NotFound
from console.api.settings import ApiSettings
from console.cache import schema
from console.cache.outbox import OutboxState
from console.cache.store import Cache
from console.domain.model import AedStatus, AgeGroup, LatLon, Mission, MissionState
from console.services.console_services import ConsoleServices, ServicesConfig
from console.services.link import LinkState
from console.services.observable import Change, ChangeKind
from console.services.replay import ReplayError, ReplayOrigin, ReplaySource
from tests.support.dispatchd import Dispatchd
from tests.support.driver import Driver
from tests.support.proxy import LoopbackProxy
from tests.support.waiting import eventually

HERE = LatLon(55.676, 12.568)

StartServices = Callable[[], Awaitable[ConsoleServices]]


@pytest.fixture
async def start(settings: ApiSettings, cache_url: str) -> AsyncIterator[StartServices]:
    running: list[ConsoleServices] = []

    async def make() -> ConsoleServices:
        services = await ConsoleServices.start(ServicesConfig(api=settings, cache_url=cache_url))
        running.append(services)
        return services

    yield make
    for services in running:
        await services.aclose()


async def _live(services: ConsoleServices, driver: Driver) -> None:
    await eventually(lambda: services.link.state is LinkState.LIVE, 20, "live")
    head = await driver.head()
    await asyncio.wait_for(services.sync.wait_for_seq(head), 20)


async def test_raise_follow_and_cancel_a_mission(start: StartServices, driver: Driver) -> None:
    await driver.add_runners(25)
    services = await start()
    await _live(services, driver)
    changes: list[Change[str, Mission]] = []
    services.missions.open_missions.subscribe(changes.append)

    entry = await services.missions.raise_alert(HERE, "Rådhuspladsen 1", AgeGroup.CHILD, "")
    assert services.missions.commands[entry.key].state is OutboxState.SENDING
    sent = await asyncio.wait_for(services.outbox.settled(entry.key), 20)
    assert sent.status_text == "sent"
    mission_id = sent.mission_id
    assert mission_id is not None
    await eventually(lambda: mission_id in services.missions.open_missions, 10, "the mission")
    assert len(services.missions.responders(mission_id)) == 20
    assert changes[0].kind is ChangeKind.ADDED

    cancel = await services.missions.cancel(mission_id, "false alarm")
    assert (
        await asyncio.wait_for(services.outbox.settled(cancel.key), 20)
    ).state is OutboxState.SENT
    await eventually(lambda: mission_id not in services.missions.open_missions, 10, "removal")
    assert changes[-1].kind is ChangeKind.REMOVED
    ended = await services.missions.mission(mission_id)
    assert ended is not None
    assert ended.state is MissionState.CANCELLED
    assert all(r.state.value == "released" for r in ended.responders)


async def test_aeds_cost_one_304_when_unchanged_and_follow_status_events(
    start: StartServices, driver: Driver
) -> None:
    aed_id = await driver.add_aed()
    runners = await driver.add_runners(5)
    services = await start()
    await _live(services, driver)
    await eventually(lambda: aed_id in services.aeds.aeds, 10, "the AED register")
    assert await services.aeds.refresh() is False  # a 304: nothing new
    assert await services.cache.aed_etag() is not None

    mission = await driver.raise_mission()
    runner_id = mission["responders"][0]["runner_id"]
    await driver.accept(mission, runner_id)
    answer = await driver.call(
        f"runner:{runner_id}",
        "POST",
        f"/v1/runner/alerts/{mission['id']}/status",
        json={"status": "aed_collected", "lat": 55.677, "lon": 12.569},
    )
    assert answer.status_code == 204, answer.text
    await eventually(
        lambda: services.aeds.aeds[aed_id].status is AedStatus.TAKEN, 10, "the AED taken"
    )
    assert (await services.cache.aeds())[0].status is AedStatus.TAKEN
    del runners


async def test_the_preview_follows_the_dispatch_rules(start: StartServices, driver: Driver) -> None:
    await driver.add_runners(25)
    services = await start()
    await _live(services, driver)
    preview = await services.runners.preview(HERE)
    assert len(preview.candidates) == 25
    assert [c.rank for c in preview.would_alert] == list(range(1, 21))
    distances = [c.distance_m for c in preview.candidates]
    assert distances == sorted(distances)

    mission = await driver.raise_mission()
    engaged = mission["responders"][0]["runner_id"]
    await driver.accept(mission, engaged)
    await asyncio.wait_for(services.sync.wait_for_seq(await driver.head()), 10)
    again = await services.runners.preview(HERE)
    [busy] = [c for c in again.candidates if c.runner.id == engaged]
    assert busy.engaged
    assert busy.rank is None
    assert len(again.would_alert) == 20
    with pytest.raises(ValueError, match="radius_m"):
        await services.runners.near(HERE, 20_000)


async def test_replay_from_the_cache_or_else_from_the_server(
    start: StartServices, driver: Driver, settings: ApiSettings, tmp_path: Path
) -> None:
    await driver.add_runners(25)
    mission = await driver.raise_mission()
    await driver.accept(mission, mission["responders"][0]["runner_id"])
    await driver.end(mission, "close")
    services = await start()
    await _live(services, driver)
    server_mission = next(m for m in await driver.missions() if m.id == mission["id"])

    cached = await services.replay.replay(mission["id"])
    assert cached.origin is ReplayOrigin.CACHE
    assert cached.final == server_mission
    assert cached.frames[0].mission.responders == ()
    assert [f.event.seq for f in cached.frames] == sorted(f.event.seq for f in cached.frames)

    empty = await Cache.open(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    client = DispatchClient(settings)
    try:
        fetched = await ReplaySource(client, empty).replay(mission["id"])
        assert fetched.origin is ReplayOrigin.SERVER
        assert fetched.frames == cached.frames
        with pytest.raises(NotFound):
            await ReplaySource(client, empty).replay("m-does-not-exist")
    finally:
        await client.aclose()
        await empty.close()
    assert isinstance(ReplayError("x"), LookupError)


async def test_an_offline_start_shows_the_cache_not_live_then_connects(
    start: StartServices, driver: Driver, proxy: LoopbackProxy
) -> None:
    await driver.add_runners(25)
    aed_id = await driver.add_aed()
    open_mission = await driver.raise_mission()
    first = await start()
    await _live(first, driver)
    await eventually(lambda: aed_id in first.aeds.aeds, 10, "the AED register")
    await first.aclose()

    proxy.refusing = True  # the server is out of reach when the console starts
    second = await start()
    assert open_mission["id"] in second.missions.open_missions
    await second.aeds.wait_loaded()
    assert aed_id in second.aeds.aeds
    assert second.link.state is not LinkState.LIVE
    await eventually(lambda: second.sync.stats.failures >= 1, 10, "a failed attempt")
    assert second.link.state is LinkState.OFFLINE
    assert not second.missions.link.value.state.is_live

    await driver.end(open_mission, "cancel")  # happens while the console is offline
    proxy.refusing = False
    await _live(second, driver)
    await eventually(
        lambda: open_mission["id"] not in second.missions.open_missions, 10, "the cancel"
    )
    assert second.sync.stats.history_resets == 0  # the same server's log: the cache goes on


async def test_the_server_clock_is_measured_once_live_and_stops_with_the_services(
    start: StartServices, driver: Driver, proxy: LoopbackProxy
) -> None:
    proxy.refusing = True
    services = await start()
    assert services.tasks.running("server-clock")
    await eventually(lambda: services.sync.stats.failures >= 1, 10, "a failed attempt")
    assert services.server_clock.offset.value is None  # nothing to measure while offline

    proxy.refusing = False
    await _live(services, driver)
    await eventually(lambda: services.server_clock.offset.value is not None, 10, "an offset")
    offset = services.server_clock.offset.value
    assert offset is not None
    assert not offset.is_warning  # the same machine's clock
    await services.aclose()
    assert not services.tasks.running("server-clock")


@pytest.mark.allow_log_warnings
async def test_a_damaged_cached_register_is_fetched_whole_again(
    start: StartServices, driver: Driver, cache_url: str
) -> None:
    """With the cached register unreadable, its ETag would get a 304 and leave no AEDs."""
    aed_id = await driver.add_aed()
    first = await start()
    await _live(first, driver)
    await eventually(lambda: aed_id in first.aeds.aeds, 10, "the AED register")
    async with first.cache.writing() as conn:
        await conn.execute(
            schema.aed_register.update().where(schema.aed_register.c.name == "lat").values(doc="[")
        )
    await first.aclose()

    second = await start()
    await second.aeds.wait_loaded()
    assert aed_id not in second.aeds.aeds  # unreadable: logged, and the console goes on
    await eventually(lambda: aed_id in second.aeds.aeds, 20, "the register fetched again")


@pytest.mark.allow_log_warnings
async def test_a_cache_ahead_of_a_replaced_server_starts_over_and_misses_nothing(
    start: StartServices,
    driver: Driver,
    proxy: LoopbackProxy,
    tmp_path: Path,
    cache_url: str,
) -> None:
    """A server restored from a backup numbers its events from an earlier seq again: the
    cache, ahead of it, would ask for events after its own seq and miss the new ones."""
    await driver.add_runners(25)
    old = await driver.raise_mission()
    await driver.end(await driver.raise_mission())
    first = await start()
    await _live(first, driver)
    old_created = first.missions.open_missions[old["id"]].created_at
    ahead = first.sync.cursor
    await first.aclose()

    other = Dispatchd(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other.log")
    other.start()
    try:
        async with Driver(other.base_url) as fresh:
            await fresh.reset()
            await fresh.add_runners(25)
            new = await fresh.raise_mission()
            assert await fresh.head() < ahead  # the replaced server's log is shorter
            proxy.upstream_port = other.port
            second = await start()
            await _live(second, fresh)
            shown = second.missions.open_missions

            def the_new_one() -> bool:  # ids are numbered again too: "m-1" on both servers
                return new["id"] in shown and shown[new["id"]].created_at > old_created

            await eventually(the_new_one, 10, "the new server's mission")
            assert len(shown) == 1
            assert second.sync.stats.history_resets == 1
            assert await second.cache.last_seq() == await fresh.head()
            kept = list(Path(cache_url.removeprefix("sqlite:///")).parent.glob("*.diverged-*"))
            assert len(kept) == 1  # the record of what the console was shown is kept
    finally:
        other.stop()
