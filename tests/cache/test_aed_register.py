"""The cached AED register reads back exactly as written, quickly, and without stalling the loop.

:meth:`Cache.aeds` runs at every start with the whole register (26k AEDs in the simulated
world); it used to decode row by row on the event loop and froze the window for a second.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, datetime

import pytest

from console.cache import schema, store
from console.cache.aed_register import decode_register, encode_register
from console.cache.store import Cache
from console.domain.model import Aed, AedAccess, AedStatus, ModelError
from console.domain.world import generate_world


def _register() -> list[Aed]:
    """A small register with every access, status and optional field, and awkward values."""
    aeds = []
    for n, (access, status) in enumerate(
        (a, s) for a in AedAccess for s in AedStatus for _ in range(2)
    ):
        aeds.append(
            Aed(
                id=f"aed-{n:03d}",
                lat=56.0 if n == 0 else 54.5 + n / 7,
                lon=-0.0 if n == 1 else 8.0 + n / 3,
                address=f'Østergade {n}, "Gården" \\ 2. sal ✓',
                access=access,
                opening_hours=None if n % 3 == 0 else "Mo-Fr 08:00-16:00",
                status=status,
            )
        )
    return aeds


async def test_the_register_reads_back_identical(cache: Cache) -> None:
    register = _register()
    await cache.replace_aeds(reversed(register), '"v1"')
    assert await cache.aeds() == register  # in id order, field for field


def _columns(register: list[Aed]) -> dict[str, str]:
    return encode_register(register)


def _with(columns: dict[str, str], name: str, values: object) -> dict[str, str]:
    return {**columns, name: json.dumps(values) if not isinstance(values, str) else values}


def test_the_columns_decode_as_from_json_reads_the_documents() -> None:
    register = _register()
    columns = _columns(register)
    assert decode_register(columns, {}) == register
    lats = json.loads(columns["lat"])
    lats[0] = 56  # an integer, as another writer might store it
    decoded = decode_register(_with(columns, "lat", lats), {})
    assert decoded[0] == Aed.from_json({**register[0].to_json(), "lat": 56})
    assert type(decoded[0].lat) is float


def test_statuses_changed_since_are_applied_on_top() -> None:
    register = _register()
    decoded = decode_register(
        _columns(register), {register[0].id: "out_of_service", "aed-unknown": "taken"}
    )
    assert decoded[0].status is AedStatus.OUT_OF_SERVICE
    assert decoded[1:] == register[1:]
    assert decode_register({}, {"aed-1": "taken"}) == []


def _damaged(name: str, n: int, value: object) -> dict[str, str]:
    columns = _columns(_register())
    values = json.loads(columns[name])
    values[n] = value
    return _with(columns, name, values)


@pytest.mark.parametrize(
    "columns",
    [
        pytest.param(_damaged("lat", 2, "56"), id="a latitude as text"),
        pytest.param(_damaged("status", 2, "stolen"), id="an unknown status"),
        pytest.param(_damaged("access", 2, ["24/7"]), id="an access that is a list"),
        pytest.param(_damaged("id", 2, ""), id="an empty id"),
        pytest.param(_damaged("id", 2, "aed-001"), id="an id twice"),
        pytest.param(_with(_columns(_register()), "lon", "[NaN]"), id="lengths differ"),
        pytest.param(_damaged("lon", 2, None), id="no longitude"),
        pytest.param(_with(_columns(_register()), "address", "{"), id="not JSON"),
        pytest.param(_with(_columns(_register()), "address", '{"a": 1}'), id="not a list"),
        pytest.param(
            {k: v for k, v in _columns(_register()).items() if k != "status"}, id="no status"
        ),
    ],
)
def test_a_damaged_register_fails_as_from_json_fails(columns: dict[str, str]) -> None:
    with pytest.raises(ModelError):
        decode_register(columns, {})


def test_an_unknown_status_on_top_fails_too() -> None:
    register = _register()
    with pytest.raises(ModelError):
        decode_register(_columns(register), {register[0].id: "stolen"})


async def test_a_damaged_stored_register_is_a_model_error(cache: Cache) -> None:
    await cache.replace_aeds(_register(), '"v1"')
    async with cache.writing() as conn:
        await conn.execute(
            schema.aed_register.update().where(schema.aed_register.c.name == "lat").values(doc="[1")
        )
    with pytest.raises(ModelError):
        await cache.aeds()


async def test_a_large_register_is_decoded_off_the_event_loop(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoding runs in a worker thread and the loop keeps turning meanwhile.

    A ticker on the loop records when it turns; a decode on the loop (one long block) would
    see no turn at all while it runs. Counting turns during the decode, rather than bounding
    the longest gap, holds on a loaded machine too, where the scheduler alone can stall the
    loop for a tenth of a second.
    """
    register = list(generate_world(7, datetime(2025, 6, 3, 12, tzinfo=UTC)).aeds)
    assert len(register) > 20_000
    await cache.replace_aeds(register, '"v1"')
    threads: list[threading.Thread] = []
    windows: list[tuple[float, float]] = []
    real = store.decode_register

    def recording(columns: dict[str, str], overrides: dict[str, str]) -> list[Aed]:
        threads.append(threading.current_thread())
        began = time.perf_counter()
        try:
            return real(columns, overrides)
        finally:
            windows.append((began, time.perf_counter()))

    monkeypatch.setattr(store, "decode_register", recording)

    turns: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            await asyncio.sleep(0)
            turns.append(time.perf_counter())

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    read = await cache.aeds()
    done.set()
    await ticking

    assert read == sorted(register, key=lambda aed: aed.id)
    assert threads
    assert threading.main_thread() not in threads
    began, ended = windows[0]
    during = [t for t in turns if began < t < ended]
    assert during, f"the loop did not turn once in the {ended - began:.3f} s decode"
