"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the load loops.

httpx does all of this, but on two cores shared with the server and PostgreSQL the client's
own CPU is taken from what is measured: httpx costs ~0.8 ms of CPU per request and tops out
near 900 req/s, below the baseline's rate, where this client costs ~0.03-0.05 ms
(bench/README.md). tests/bench checks that it reads the same answers as httpx.
"""

from __future__ import annotations

import asyncio
import contextlib

from bench.workloads import Request

USER_AGENT = "gridpoints-bench"


class ConnectionClosed(Exception):
    pass


class Connection:
    """One keep-alive connection; `resent` counts requests sent again on a fresh one."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.resent = 0

    def encode(self, request: Request) -> bytes:
        body = request.body or b""
        head = (
            f"{request.method} {request.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"User-Agent: {USER_AGENT}\r\nAuthorization: Bearer {request.token}\r\n"
        )
        if request.body is not None:
            head += "Content-Type: application/json\r\n"
        return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body

    async def send(self, request: Request) -> tuple[int, bytes]:
        """One exchange. A kept-alive connection the server has meanwhile closed (uvicorn
        closes idle ones after 5 s) fails before any byte of an answer: the request never
        reached the application, so it is sent again once on a new connection, as HTTP
        clients do."""
        reused = self.writer is not None
        try:
            return await self._exchange(request)
        except ConnectionClosed:
            await self.close()
            if not reused:
                raise
            self.resent += 1
            return await self._exchange(request)

    async def _exchange(self, request: Request) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            self.writer.write(self.encode(request))
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ConnectionClosed(str(exc)) from exc
        length, closing = _framing(head)
        body = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return int(head[9:12]), body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def _framing(head: bytes) -> tuple[int, bool]:
    """The body's Content-Length, and whether the server closes the connection after it."""
    length, closing = -1, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            closing = value.strip().lower() == b"close"
    if length < 0:
        raise ConnectionClosed("response without Content-Length")
    return length, closing
