"""Header limits for `gridpoints serve` itself, for when no proxy stands in front of it.

uvicorn (0.54, httptools) bounds neither the size nor the number of request headers, nor the
time a client may take to send them: a connection that trickles a header block is held for as
long as the client likes, and an unfinished block grows in memory. This protocol is uvicorn's
own httptools protocol with three bounds added:

- header bytes (request line included): over `max_header_bytes`, 431 and the connection closes;
  counted as data arrives, so an unfinished block never grows past it by more than one read;
- header count: over `max_headers`, 431;
- time: headers not complete `header_timeout_seconds` after a connection opens (or after the
  first byte of a further request on it), 408 and the connection closes.

Bodies are bounded by RequestGuardMiddleware, idle keep-alive connections by uvicorn itself.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from gateway.settings import Settings


@functools.cache
def _limits() -> tuple[float, int, int]:
    settings = Settings.from_env()
    return settings.header_timeout_seconds, settings.max_header_bytes, settings.max_headers


class _TooManyHeaders(Exception):
    pass


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout, self.max_header_bytes, self.max_headers = _limits()
        self.awaiting_headers = True
        self.header_bytes = 0
        self.header_count = 0
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.awaiting_headers:
            self.header_bytes += len(data)
        super().data_received(data)
        if self.awaiting_headers and self.header_bytes > self.max_header_bytes:
            self._refuse(431, "The request headers are too large.")

    def send_400_response(self, msg: str) -> None:
        if self.header_count > self.max_headers:
            self._refuse(431, "Too many request headers.")
        else:
            super().send_400_response(msg)

    # Parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.awaiting_headers = True
        self.header_count = 0
        if self.header_timer is None:
            self._arm_header_timer()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_count += 1
        if self.header_count > self.max_headers:
            raise _TooManyHeaders()  # httptools turns it into a parser error: see send_400
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.awaiting_headers = False
        self.header_bytes = 0
        self._cancel_header_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.awaiting_headers = True  # what follows on this connection is the next request

    # The guard
    def _arm_header_timer(self) -> None:
        self.header_timer = self.loop.call_later(self.header_timeout, self._headers_timed_out)

    def _cancel_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_timed_out(self) -> None:
        self.header_timer = None
        if self.awaiting_headers and not self.transport.is_closing():
            self._refuse(408, "The request headers took too long.")

    def _refuse(self, status: int, message: str) -> None:
        self._cancel_header_timer()
        if self.transport.is_closing():
            return
        body = message.encode()
        self.transport.write(
            b"".join(
                [
                    STATUS_LINE[status],
                    b"content-type: text/plain; charset=utf-8\r\n",
                    b"content-length: " + str(len(body)).encode() + b"\r\n",
                    b"connection: close\r\n\r\n",
                    body,
                ]
            )
        )
        self.transport.close()
