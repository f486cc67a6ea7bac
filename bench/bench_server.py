"""The dispatch service under load, end to end over loopback HTTP, on the Denmark world.

* ``POST /v1/missions``: p50 / p99 latency of raising a mission (20 runners alerted) on SQLite and
  on PostgreSQL, and the share of it spent choosing the runners (the server reports that part in
  a ``Server-Timing: select`` header). Each mission is closed right after, untimed, so every one
  is raised against the same small set of open missions, as in real life (~10 a day).
* Event fan-out: 10 SSE clients each read the same backlog of events; events delivered per
  second in total.
* ``POST /v1/missions`` again while 300 position updates a second stream from 6,000 runners
  (a separate process), the national reporting rate with some margin: more distinct runners
  move than the spatial index buffers (4,096), so this shows whether a raise pays a rebuild.
* ``PUT /v1/runner/position`` throughput on SQLite and PostgreSQL from 20 concurrent clients
  (runners on no mission: the common case, no event), and the server process's CPU time per
  update (Linux: read from ``/proc``), which says how far the figure would go on a free core.

Every figure is the median of ``RUNS`` rounds. The server is a real ``amk-dispatchd`` process,
started, and its PostgreSQL database made, by the tests' harness (tests/support); the client
runs on the same machine and shares its cores (``os.cpu_count()`` is printed).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.dispatchd import Dispatchd
from tests.support.postgres import PgDatabase

RUNS = 5
MISSIONS_PER_RUN = 200
SSE_CLIENTS = 10
POSITION_CLIENTS = 20
POSITIONS_PER_RUN = 2_000
#: The streaming background of the second missions figure (see the module docstring).
STREAM_RUNNERS = 6_000
STREAM_RATE = 300.0
PASSWORD = "bench-pass"
#: Patients near real towns, so the 20 nearest runners are a realistic search.
TOWNS = [
    (55.6761, 12.5683),
    (56.1572, 10.2107),
    (55.4038, 10.4024),
    (57.0488, 9.9217),
    (55.4765, 8.4594),
    (55.7090, 9.5357),
    (55.6415, 12.0803),
    (56.4606, 10.0364),
    (55.2297, 11.7605),
    (54.9096, 9.7923),
]


@contextmanager
def running_server(db_url: str, log: Path) -> Iterator[tuple[str, int]]:
    """``amk-dispatchd`` with the Denmark world (seed 1): its URL and process id."""
    server = Dispatchd(
        db_url,
        log,
        extra_args=("--simulate", "--world", "denmark", "--seed", "1"),
        simulate=False,
        keepalive_s=None,
        password=PASSWORD,
    )
    server.start(timeout_s=180)
    try:
        yield server.base_url, server.proc.pid
    finally:
        server.stop()


@contextmanager
def postgres_database() -> Iterator[str]:
    database = PgDatabase.create(prefix="amk_bench")
    try:
        yield database.url
    finally:
        database.drop()


def token(base_url: str, username: str) -> str:
    answer = httpx.post(
        f"{base_url}/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_missions(
    base_url: str, rng: random.Random, count: int = MISSIONS_PER_RUN
) -> tuple[float, float, float, float]:
    """One round: (p50 ms, p99 ms, share of server-side select time in the latency, the
    longest select in ms)."""
    headers = {"Authorization": f"Bearer {token(base_url, 'demo-dispatcher')}"}
    latencies: list[float] = []
    selecting: list[float] = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for _ in range(count):
            lat, lon = rng.choice(TOWNS)
            body = {
                "location": {
                    "lat": lat + rng.uniform(-0.02, 0.02),
                    "lon": lon + rng.uniform(-0.02, 0.02),
                },
                "address": "Benchmarkvej 1",
            }
            started = time.perf_counter()
            answer = client.post("/v1/missions", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
            timing = answer.headers.get("Server-Timing", "select;dur=0")
            selecting.append(float(timing.split("dur=")[1]))
            client.post(f"/v1/missions/{answer.json()['id']}/close", json={"outcome": "bench"})
    return (
        pct(latencies, 0.5),
        pct(latencies, 0.99),
        sum(selecting) / sum(latencies),
        max(selecting),
    )


def world_runner_tokens(base_url: str, count: int) -> list[str]:
    """Runner tokens for ``count`` runners spread over the Denmark world (every 9th id)."""
    sim = {"Authorization": f"Bearer {token(base_url, 'demo-sim')}"}
    with httpx.Client(base_url=base_url, headers=sim, timeout=30) as client:
        return [
            client.post(f"/v1/sim/runners/r{i * 9 + 1:06d}/token").json()["access_token"]
            for i in range(count)
        ]


def stream_positions(base_url: str, runner_tokens: list[str], rate: float) -> None:
    """Forever: ``rate`` position updates a second over 20 connections, cycling the tokens
    (run in its own process, so its CPU does not slow the measuring client's)."""

    async def client_loop(k: int) -> None:
        rng = random.Random(k)
        mine = runner_tokens[k::20]
        connection = await RawHttp.open(base_url)
        started, sent = time.perf_counter(), 0
        while True:
            lat, lon = rng.choice(TOWNS)
            body = f'{{"lat":{lat + rng.uniform(-0.05, 0.05)},"lon":{lon},"mode":"bike"}}'
            await connection.put_json("/v1/runner/position", mine[sent % len(mine)], body.encode())
            sent += 1
            ahead = sent / (rate / 20) - (time.perf_counter() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)

    async def all_clients() -> None:
        await asyncio.gather(*(client_loop(k) for k in range(20)))

    asyncio.run(all_clients())


@contextmanager
def positions_streaming(base_url: str, runner_tokens: list[str]) -> Iterator[None]:
    context = multiprocessing.get_context("spawn")
    streamer = context.Process(
        target=stream_positions, args=(base_url, runner_tokens, STREAM_RATE), daemon=True
    )
    streamer.start()
    try:
        time.sleep(2.0)  # until the stream runs at its rate
        yield
    finally:
        streamer.terminate()
        streamer.join(10)


async def bench_fanout(base_url: str) -> tuple[int, float]:
    """One round: (events delivered in total, events per second over all clients)."""
    auth = {"Authorization": f"Bearer {token(base_url, 'demo-supervisor')}"}
    async with httpx.AsyncClient(base_url=base_url, headers=auth, timeout=60) as client:
        last = 0
        while True:
            page = (
                await client.get(
                    "/v1/events",
                    params={"after": last, "limit": 1000},
                    headers={"Accept": "application/json"},
                )
            ).json()
            if not page["items"]:
                break
            last = page["next_after"]
    start = max(0, last - 20_000)
    wanted = last - start

    async def read_all() -> int:
        seen = 0
        async with (
            httpx.AsyncClient(base_url=base_url, headers=auth, timeout=60) as client,
            client.stream(
                "GET",
                "/v1/events",
                params={"after": start},
                headers={"Accept": "text/event-stream"},
            ) as answer,
        ):
            buffer = b""
            async for chunk in answer.aiter_bytes():
                frames = (buffer + chunk).split(b"\n\n")
                buffer = frames.pop()  # an incomplete frame waits for the next chunk
                seen += sum(1 for frame in frames if frame.startswith(b"id: "))
                if seen >= wanted:
                    return seen
        return seen

    started = time.perf_counter()
    counts = await asyncio.gather(*(read_all() for _ in range(SSE_CLIENTS)))
    elapsed = time.perf_counter() - started
    return sum(counts), sum(counts) / elapsed


class RawHttp:
    """A bare HTTP/1.1 keep-alive connection: the position benchmark measures the server, and
    httpx spends about as much CPU per request as the server does, on the same two cores."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base_url: str) -> RawHttp:
        host, port = base_url.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def put_json(self, path: str, token: str, body: bytes) -> int:
        self.writer.write(
            f"PUT {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                await self.reader.readexactly(int(line.split(b":")[1]))
        return status

    def close(self) -> None:
        self.writer.close()


async def bench_positions(base_url: str, runner_tokens: list[str]) -> float:
    """One round: position updates per second from POSITION_CLIENTS concurrent clients."""
    per_client = POSITIONS_PER_RUN // POSITION_CLIENTS

    async def client_loop(tok: str, seed: int) -> None:
        rng = random.Random(seed)
        connection = await RawHttp.open(base_url)
        try:
            for _ in range(per_client):
                lat, lon = rng.choice(TOWNS)
                body = f'{{"lat":{lat},"lon":{lon},"mode":"bike"}}'.encode()
                status = await connection.put_json("/v1/runner/position", tok, body)
                if status != 204:
                    raise RuntimeError(f"PUT /v1/runner/position answered {status}")
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(t, i) for i, t in enumerate(runner_tokens)))
    return per_client * len(runner_tokens) / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far (None where there is no ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_positions_with_cpu(
    base_url: str, runner_tokens: list[str], pid: int
) -> tuple[float, float | None]:
    """One round: (updates per second, the server's CPU milliseconds per update)."""
    before = cpu_seconds(pid)
    rate = asyncio.run(bench_positions(base_url, runner_tokens))
    after = cpu_seconds(pid)
    if before is None or after is None:
        return rate, None
    return rate, (after - before) * 1000 / POSITIONS_PER_RUN


def runner_tokens(base_url: str) -> list[str]:
    sim = {"Authorization": f"Bearer {token(base_url, 'demo-sim')}"}
    with httpx.Client(base_url=base_url, headers=sim, timeout=30) as client:
        created = client.post(
            "/v1/sim/runners",
            json=[{"id": f"bench-{i}", "lat": 56.0, "lon": 9.5} for i in range(POSITION_CLIENTS)],
        )
        created.raise_for_status()
        return [
            client.post(f"/v1/sim/runners/bench-{i}/token").json()["access_token"]
            for i in range(POSITION_CLIENTS)
        ]


def run_backend(label: str, db_url: str, folder: Path, *, positions: bool) -> None:
    started = time.perf_counter()
    with running_server(db_url, folder / f"{label}.log") as (base_url, pid):
        print(
            f"[{label}] server with the Denmark world up in {time.perf_counter() - started:.1f} s"
        )
        rng = random.Random(7)
        rounds = [bench_missions(base_url, rng) for _ in range(RUNS)]
        p50 = statistics.median(r[0] for r in rounds)
        p99 = statistics.median(r[1] for r in rounds)
        share = statistics.median(r[2] for r in rounds)
        print(
            f"[{label}] POST /v1/missions over {MISSIONS_PER_RUN} missions: "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 <= 25 ms); "
            f"selecting runners {share * 100:.2f} % of it, "
            f"{statistics.median(r[3] for r in rounds):.2f} ms at most"
        )
        stream_tokens = world_runner_tokens(base_url, STREAM_RUNNERS)
        with positions_streaming(base_url, stream_tokens):
            busy = [bench_missions(base_url, rng, MISSIONS_PER_RUN // 2) for _ in range(RUNS)]
        print(
            f"[{label}] POST /v1/missions while {STREAM_RATE:.0f} positions/s stream from "
            f"{STREAM_RUNNERS:,} runners: p50 {statistics.median(r[0] for r in busy):.1f} ms, "
            f"p99 {statistics.median(r[1] for r in busy):.1f} ms; selecting runners "
            f"{statistics.median(r[2] for r in busy) * 100:.2f} % of it, longest select "
            f"{statistics.median(r[3] for r in busy):.2f} ms"
        )
        fanouts = [asyncio.run(bench_fanout(base_url)) for _ in range(RUNS)]
        print(
            f"[{label}] SSE fan-out to {SSE_CLIENTS} clients: "
            f"{statistics.median(f[1] for f in fanouts):,.0f} events/s in total "
            f"({fanouts[0][0]:,} events per round; target >= 10,000/s)"
        )
        if positions:
            tokens = runner_tokens(base_url)
            asyncio.run(bench_positions(base_url, tokens))  # warm-up: the pool's connections
            rounds_p = [bench_positions_with_cpu(base_url, tokens, pid) for _ in range(RUNS)]
            cpu = [c for _, c in rounds_p if c is not None]
            cpu_text = f"; server CPU {statistics.median(cpu):.2f} ms per update" if cpu else ""
            print(
                f"[{label}] PUT /v1/runner/position from {POSITION_CLIENTS} clients: "
                f"{statistics.median(r for r, _ in rounds_p):,.0f}/s (target >= 1,000/s)"
                f"{cpu_text}"
            )


def main() -> None:
    print(f"cores: {os.cpu_count()}; medians of {RUNS} rounds; client and server share them")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run_backend("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}", folder, positions=True)
        with postgres_database() as url:
            run_backend("postgresql", url, folder, positions=True)


if __name__ == "__main__":
    main()
