"""The client against the real dispatch server: every console call typed, every refusal typed."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from console.api.client import DispatchClient, Message
from console.api.commands import Command, CommandKind
from console.api.problems import (
    ApiTimeout,
    ApiUnavailable,
    Forbidden,
    IdempotencyMismatch,
    MissionEnded,
    NotFound,
    OutsideServiceArea,
    Unauthorised,
    ValidationProblem,
)
from console.api.settings import ApiSettings
from console.domain.fold import fold
from console.domain.model import AgeGroup, EventType, LatLon, MissionState
from tests.support.dispatchd import DEMO_PASSWORD, Dispatchd
from tests.support.driver import Driver
from tests.support.proxy import LoopbackProxy

HERE = LatLon(55.676, 12.568)


class FakeMonotonic:
    """The client's clock for token expiry, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def client(dispatchd: Dispatchd) -> AsyncIterator[DispatchClient]:
    settings = ApiSettings(dispatchd.base_url, username="demo-dispatcher", password=DEMO_PASSWORD)
    async with DispatchClient(settings) as made:
        yield made


def _raise(address: str = "Rådhuspladsen 1", where: LatLon = HERE) -> Command:
    return Command.raise_mission(where, address, AgeGroup.CHILD, "barn, 4 år")


async def test_health_needs_no_login(dispatchd: Dispatchd) -> None:
    async with DispatchClient(ApiSettings(dispatchd.base_url)) as anonymous:
        health = await anonymous.health()
    assert health.status == "ok"
    assert health.time.tzinfo is not None


async def test_the_whole_life_of_a_mission_through_typed_calls(
    client: DispatchClient, driver: Driver
) -> None:
    await driver.add_runners(30)
    mission = await client.raise_mission(_raise())
    assert client.session is not None
    assert client.session.role == "dispatcher"
    assert mission.state is MissionState.ALERTING
    assert len(mission.responders) == 20
    assert mission.note == "barn, 4 år"

    assert await client.mission(mission.id) == mission
    assert mission.id in [m.id for m in (await client.missions(state="open")).items]
    assert mission.id in [m.id for m in await client.all_missions()]
    assert len(await client.runners_near(HERE.lat, HERE.lon, 5000)) == 30

    wider = await client.alert_more(mission.id, 5, 6000.0)
    assert len(wider.responders) == 25
    assert wider.radius_m == 6000.0
    said = await client.message(mission.id, "Døren er åben")
    assert isinstance(said, Message)
    assert said.text == "Døren er åben"
    closed = await client.close(mission.id, "ems_on_scene")
    assert closed.state is MissionState.CLOSED

    events = await client.mission_events(mission.id)
    assert fold(events) == closed == await client.mission(mission.id)
    assert events[0].type is EventType.MISSION_CREATED
    with pytest.raises(MissionEnded) as ended:
        await client.cancel(mission.id, "too late")
    assert ended.value.status == 409
    assert ended.value.type.endswith("/mission-ended")


async def test_the_event_log_pages_and_streams_from_a_seq(
    client: DispatchClient, driver: Driver
) -> None:
    await driver.traffic(missions=1, moves=5)
    everything = await driver.events()
    first = await client.events_page(0, limit=3)
    assert [e.seq for e in first.events] == [e.seq for e in everything[:3]]
    assert first.last_seq == everything[2].seq
    second = await client.events_page(first.last_seq or 0, limit=1000)
    assert first.events + second.events == tuple(everything)
    assert (await client.events_page(everything[-1].seq)).events == ()

    chunks = 0

    def activity() -> None:
        nonlocal chunks
        chunks += 1

    after = everything[-5].seq
    async with client.event_stream(after, on_activity=activity) as stream:
        streamed = [await anext(stream) for _ in range(4)]
    assert streamed == everything[-4:]
    assert chunks >= 1


async def test_refusals_arrive_as_their_own_exceptions(
    client: DispatchClient, dispatchd: Dispatchd, driver: Driver
) -> None:
    with pytest.raises(NotFound):
        await client.mission("m-nope")
    with pytest.raises(OutsideServiceArea):
        await client.raise_mission(_raise(where=LatLon(59.33, 18.06)))  # Stockholm
    too_long = Command(CommandKind.RAISE, None, {**_raise().body, "address": "x" * 201})
    with pytest.raises(ValidationProblem) as invalid:
        await client.send(too_long)
    assert invalid.value.status == 422
    supervisor = ApiSettings(dispatchd.base_url, username="demo-supervisor", password=DEMO_PASSWORD)
    async with DispatchClient(supervisor) as reader:
        with pytest.raises(Forbidden):
            await reader.raise_mission(_raise())
    await driver.add_runners(5)
    once = await client.send(_raise("Nørregade 1"), "key-1")
    again = await client.send(_raise("Nørregade 1"), "key-1")
    assert again == once
    with pytest.raises(IdempotencyMismatch):
        await client.send(_raise("Nørregade 2"), "key-1")


@pytest.mark.allow_log_warnings
async def test_a_wrong_password_is_unauthorised_and_not_retried(dispatchd: Dispatchd) -> None:
    settings = ApiSettings(dispatchd.base_url, username="demo-dispatcher", password="nope")
    async with DispatchClient(settings) as wrong:
        with pytest.raises(Unauthorised):
            await wrong.missions()
        assert wrong.logins == 0
        await wrong.login("demo-dispatcher", DEMO_PASSWORD)
        assert (await wrong.missions()).items is not None


async def test_the_aed_list_costs_a_304_when_unchanged(
    client: DispatchClient, driver: Driver
) -> None:
    await driver.add_aed()
    first = await client.fetch_aeds()
    assert not first.not_modified
    assert first.aeds is not None
    assert len(first.aeds) == 1
    assert first.etag
    same = await client.fetch_aeds(etag=first.etag)
    assert same.not_modified
    assert same.aeds is None
    assert same.etag == first.etag
    await driver.add_aed(55.7, 12.6)
    changed = await client.fetch_aeds(etag=first.etag)
    assert not changed.not_modified
    assert changed.aeds is not None
    assert len(changed.aeds) == 2
    box = await client.fetch_aeds(bbox=(12.55, 55.65, 12.58, 55.69))
    assert box.aeds is not None
    assert len(box.aeds) == 1


async def test_the_token_is_renewed_before_it_expires(dispatchd: Dispatchd) -> None:
    clock = FakeMonotonic()
    settings = ApiSettings(dispatchd.base_url, username="demo-dispatcher", password=DEMO_PASSWORD)
    async with DispatchClient(settings, monotonic=clock) as renewing:
        await renewing.missions()
        assert renewing.logins == 1
        assert renewing.session is not None
        clock.now += renewing.session.expires_in_s - 60
        await renewing.missions()
        assert renewing.logins == 1
        clock.now += 31  # within the 30 s margin of the server's expiry
        await renewing.missions()
        assert renewing.logins == 2


async def test_a_token_the_server_no_longer_accepts_means_one_new_login(
    client: DispatchClient, dispatchd: Dispatchd
) -> None:
    await client.login()
    database = Path(dispatchd.db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as db:
        db.execute("UPDATE tokens SET expires_at = '2000-01-01 00:00:00.000000'")
    page = await client.missions()
    assert page.items is not None
    assert client.logins == 2


async def test_no_answer_is_unavailable_or_a_timeout(
    dispatchd: Dispatchd, proxy: LoopbackProxy
) -> None:
    settings = ApiSettings(proxy.url, username="demo-dispatcher", password=DEMO_PASSWORD)
    quick = ApiSettings(
        proxy.url, username="demo-dispatcher", password=DEMO_PASSWORD, call_timeout_s=0.5
    )
    async with DispatchClient(quick) as slow:
        await slow.login()
        proxy.stall()
        started = asyncio.get_running_loop().time()
        with pytest.raises(ApiTimeout, match="no answer in time"):
            await slow.missions()
        assert asyncio.get_running_loop().time() - started < 3
    proxy.flow()
    await proxy.close()
    async with DispatchClient(settings) as nobody:
        with pytest.raises(ApiUnavailable):
            await nobody.health()


# --------------------------------------------------------------------------- TLS


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tls")
    files = {name: folder / f"{name}.pem" for name in ("ca", "ca-key", "cert", "key", "csr")}
    try:
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=AMK test CA", "-keyout", str(files["ca-key"]),
                 "-out", str(files["ca"]))  # fmt: skip
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                 "-keyout", str(files["key"]), "-out", str(files["csr"]))  # fmt: skip
        ext = folder / "ext.cnf"
        ext.write_text("subjectAltName=IP:127.0.0.1\n")
        _openssl("x509", "-req", "-in", str(files["csr"]), "-CA", str(files["ca"]),
                 "-CAkey", str(files["ca-key"]), "-CAcreateserial", "-days", "2",
                 "-extfile", str(ext), "-out", str(files["cert"]))  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate here: {exc}")
    return files


@pytest.fixture(scope="module")
def tls_server(
    tls_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dispatchd]:
    folder = tmp_path_factory.mktemp("tls-server")
    server = Dispatchd(
        f"sqlite:///{folder / 'dispatch.sqlite3'}",
        folder / "server.log",
        extra_args=("--tls-cert", str(tls_files["cert"]), "--tls-key", str(tls_files["key"])),
    )
    server.start()
    yield server
    server.stop()


async def test_tls_is_verified_by_default_and_a_ca_file_makes_it_trusted(
    tls_server: Dispatchd, tls_files: dict[str, Path]
) -> None:
    assert tls_server.base_url.startswith("https://")
    async with DispatchClient(ApiSettings(tls_server.base_url)) as strict:
        with pytest.raises(ApiUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            await strict.health()
    trusting = ApiSettings(
        tls_server.base_url,
        username="demo-dispatcher",
        password=DEMO_PASSWORD,
        ca_file=tls_files["ca"],
    )
    async with DispatchClient(trusting) as client:
        assert (await client.health()).status == "ok"
        await client.login()
        assert client.session is not None


class _CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, counting the logins that reach the server."""

    def __init__(self) -> None:
        self._real = httpx.AsyncHTTPTransport()
        self.logins = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/auth/token":
            self.logins += 1
        return await self._real.handle_async_request(request)

    async def aclose(self) -> None:
        await self._real.aclose()


async def test_an_early_login_spares_the_first_call_its_own(dispatchd: Dispatchd) -> None:
    counting = _CountingTransport()
    settings = ApiSettings(dispatchd.base_url, username="demo-dispatcher", password=DEMO_PASSWORD)
    async with DispatchClient(settings, transport=counting) as early:
        warming = asyncio.ensure_future(early.warm_up())
        page = await early.missions()  # waits for the login under way, does not start another
        await warming
        assert page.items is not None
        assert counting.logins == 1


@pytest.mark.allow_log_warnings
async def test_a_refused_early_login_is_not_tried_again_by_the_first_call(
    dispatchd: Dispatchd,
) -> None:
    """Retrying a wrong password locks the account: the server sees it once."""
    counting = _CountingTransport()
    settings = ApiSettings(dispatchd.base_url, username="demo-dispatcher", password="nope")
    async with DispatchClient(settings, transport=counting) as wrong:
        await wrong.warm_up()  # logged, not raised: the first call meets it
        with pytest.raises(Unauthorised):
            await wrong.missions()
        with pytest.raises(Unauthorised):
            await wrong.events_page(0)
        assert counting.logins == 1
        await wrong.login("demo-dispatcher", DEMO_PASSWORD)  # the dispatcher's new try
        assert (await wrong.missions()).items is not None
        assert counting.logins == 2
