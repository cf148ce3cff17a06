"""Response compression: brotli when the client accepts it, else gzip; never tiny bodies,
already-compressed media, event streams or WebSockets.

Starlette's GZipMiddleware machinery does the work (it skips images and small bodies, adds
`Vary: Accept-Encoding`, compresses large bodies off the event loop); brotli plugs into the same
responder with Google's `brotli` bindings. brotli-asgi was considered and not taken: it matches
"br" as a substring (so `br;q=0` still gets brotli), compresses JPEGs and PNGs again, and
compresses large bodies on the event loop.
"""

from __future__ import annotations

import anyio.to_thread
import brotli  # type: ignore[import-untyped]
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Receive, Scope, Send

MINIMUM_SIZE = 1024  # below about one packet, compressing saves nothing worth the CPU
GZIP_LEVEL = 6
BROTLI_QUALITY = 4  # brotli's fast levels beat gzip -6 in size at a similar cost
THREAD_MINIMUM_SIZE = 128 * 1024


def accepted_encodings(header: str) -> set[str]:
    """The codings `Accept-Encoding` allows (q > 0), lower-case."""
    accepted: set[str] = set()
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding and quality > 0:
            accepted.add(coding.strip().lower())
    return accepted


class BrotliResponder(IdentityResponder):
    content_encoding = "br"

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        super().__init__(app, minimum_size)
        self.compressor = brotli.Compressor(quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)

    async def apply_compression(self, body: bytes, *, more_body: bool) -> bytes:
        if len(body) >= THREAD_MINIMUM_SIZE:
            return await anyio.to_thread.run_sync(self._compress, body, more_body)
        return self._compress(body, more_body)

    def _compress(self, body: bytes, more_body: bool) -> bytes:
        head = bytes(self.compressor.process(body))
        return head + bytes(self.compressor.flush() if more_body else self.compressor.finish())


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepted = accepted_encodings(Headers(scope=scope).get("accept-encoding", ""))
        responder: ASGIApp
        if "br" in accepted:
            responder = BrotliResponder(self.app, self.minimum_size)
        elif "gzip" in accepted:
            responder = GZipResponder(self.app, self.minimum_size, compresslevel=GZIP_LEVEL)
        else:
            responder = IdentityResponder(self.app, self.minimum_size)
        await responder(scope, receive, send)
