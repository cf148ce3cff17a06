"""Per-request plumbing: request ids, body limits, and refusing tokens in URLs.

Plain ASGI middleware, so they cost nothing on WebSocket frames and stream bodies
without buffering them.
"""

from __future__ import annotations

import re
import secrets

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge_errors import error_response
from schema.codes import TopLevelCode
from schema.context import request_id

JSON_BODY_LIMIT = 64 * 1024
MULTIPART_BODY_LIMIT = 6 * 8 * 1024 * 1024 + 256 * 1024
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_TOKEN_PARAMETERS = ("access_token", "token", "authorization", "jwt", "refresh_token")


class RequestIdMiddleware:
    """Tag each request with an id (a sane incoming X-Request-ID, else a new one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        rid = incoming if _VALID_ID.match(incoming) else secrets.token_hex(8)
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


class RequestGuardMiddleware:
    """413 for bodies over their limit (64 KB JSON, uploads larger); 400 for tokens in URLs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _token_in_url(scope):
            response = error_response(
                "Send tokens in the Authorization header only.",
                TopLevelCode.BAD_REQUEST,
                400,
                accept=Headers(scope=scope).get("accept", ""),
            )
            await response(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = _limit_for(headers.get("content-type", ""))
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counting(receive, limit), tracking_send)
        except BodyTooLarge:
            if not started:
                await _too_large(scope, receive, send, limit)


def _token_in_url(scope: Scope) -> bool:
    query = scope.get("query_string", b"").decode("latin-1").lower()
    return any(f"{name}=" in query for name in _TOKEN_PARAMETERS)


def _limit_for(content_type: str) -> int:
    return MULTIPART_BODY_LIMIT if content_type.startswith("multipart/") else JSON_BODY_LIMIT


class BodyTooLarge(Exception):
    pass


def _counting(receive: Receive, limit: int) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge()
        return message

    return counted


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = error_response(
        f"The request body is over its limit of {limit} bytes.",
        TopLevelCode.PAYLOAD_TOO_LARGE,
        413,
        accept=Headers(scope=scope).get("accept", ""),
    )
    await response(scope, receive, send)
