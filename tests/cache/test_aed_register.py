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

from console.cache import store
from console.cache.store import Cache, decode_aeds
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


def test_the_fast_decoder_agrees_with_from_json() -> None:
    docs = [store._dump(aed.to_json()) for aed in _register()]
    docs.append(
        '{"id":"x","lat":56,"lon":10,"address":"a","access":"24/7",'
        '"opening_hours":null,"status":"taken","extra":[1]}'
    )
    expected = [Aed.from_json(json.loads(doc)) for doc in docs]
    decoded = decode_aeds(docs)
    assert decoded == expected
    assert [type(aed.lat) for aed in decoded] == [float] * len(docs)  # an int 56 became 56.0


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (
            '{"id":"a","lat":"56","lon":10.0,"address":"x","access":"24/7",'
            '"opening_hours":null,"status":"taken"}',
            ModelError,
        ),
        (
            '{"id":"a","lat":56.0,"lon":10.0,"address":"x","access":"24/7",'
            '"opening_hours":null,"status":"stolen"}',
            ModelError,
        ),
        (
            '{"id":"","lat":56.0,"lon":10.0,"address":"x","access":"24/7",'
            '"opening_hours":null,"status":"taken"}',
            ModelError,
        ),
        (
            '{"id":"a","lat":NaN,"lon":10.0,"address":"x","access":"24/7",'
            '"opening_hours":null,"status":"taken"}',
            ModelError,
        ),
        (
            '{"id":"a","lon":10.0,"address":"x","access":"24/7","opening_hours":null,'
            '"status":"taken"}',
            ModelError,
        ),
        ("[1, 2]", ModelError),
        ("{", ValueError),
        ('{"id":"a"},{"id":"b"}', ValueError),  # two documents in one row: not joined blindly
    ],
)
def test_a_damaged_row_fails_as_from_json_fails(doc: str, error: type[Exception]) -> None:
    good = store._dump(_register()[0].to_json())
    with pytest.raises(error):
        decode_aeds([good, doc, good])


async def test_a_large_register_is_decoded_off_the_event_loop(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoding runs in a worker thread and the loop keeps turning meanwhile.

    The loop's lag is measured with a ticker: its longest gap must stay well below the time
    the read takes, which a read decoded on the loop (one long block) cannot do on any machine.
    """
    register = list(generate_world(7, datetime(2025, 6, 3, 12, tzinfo=UTC)).aeds)
    assert len(register) > 20_000
    await cache.replace_aeds(register, '"v1"')
    threads: list[threading.Thread] = []
    real = store.decode_aeds

    def recording(docs: list[str]) -> list[Aed]:
        threads.append(threading.current_thread())
        return real(docs)

    monkeypatch.setattr(store, "decode_aeds", recording)

    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    read = await cache.aeds()
    took = time.perf_counter() - started
    done.set()
    await ticking

    assert read == sorted(register, key=lambda aed: aed.id)
    assert threads
    assert threading.main_thread() not in threads
    assert max(gaps) < took / 2, f"the loop stalled {max(gaps):.3f} s of a {took:.3f} s read"
