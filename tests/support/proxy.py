"""A TCP proxy in front of the real server, so connection faults are made for real.

The console under test is pointed at the proxy instead of the server; the test then cuts every
connection (as a NAT or a Wi-Fi roam would), stalls them (no byte passes, the sockets stay
open), refuses new ones, or alters a few bytes of what the server sends.
"""

from __future__ import annotations

import asyncio
import contextlib


class LoopbackProxy:
    """A TCP proxy on 127.0.0.1 in the test's event loop: cut, stall or refuse at will."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.refusing = False
        self.connections = 0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._rewrites: list[tuple[bytes, bytes]] = []
        self.rewritten = 0
        self._pipes: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    def stall(self) -> None:
        """Stop passing bytes both ways; connections stay open."""
        self._flowing.clear()

    def flow(self) -> None:
        self._flowing.set()

    def rewrite_once(self, old: bytes, new: bytes) -> None:
        """Replace the next ``old`` the server sends with ``new`` (same length, so the HTTP
        chunk framing stays intact): bad data on the wire, from the real server's stream."""
        if len(old) != len(new):
            raise ValueError("a rewrite must keep the length")
        self._rewrites.append((old, new))

    def cut(self) -> None:
        """Drop every open connection at once (as a NAT or a Wi-Fi roam would)."""
        for writer in list(self._pipes):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._pipes.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._pipes.update((writer, up_writer))
        for source, sink, downstream in ((reader, up_writer, False), (up_reader, writer, True)):
            task = asyncio.ensure_future(self._pump(source, sink, downstream))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, downstream: bool
    ) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                if downstream:
                    data = self._rewrite(data)
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._pipes.discard(sink)
            with contextlib.suppress(Exception):
                sink.transport.abort()

    def _rewrite(self, data: bytes) -> bytes:
        for index, (old, new) in enumerate(self._rewrites):
            if old in data:
                del self._rewrites[index]
                self.rewritten += 1
                return data.replace(old, new, 1)
        return data
