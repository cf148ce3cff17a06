"""Access tokens on HTTP requests: a request that carries a bad or expired token is told so.

A client that sends no token is anonymous. One that sends a token that fails a check gets
401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750) and a JSON GraphQL error
whose code is TOKEN_EXPIRED or TOKEN_INVALID, so refresh-on-401 clients (urql's authExchange,
Apollo's onError) refresh instead of quietly carrying on logged out. A valid token's user id
is left in the ASGI scope for the GraphQL view, so the token is verified once per request.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.tokens import INVALID, TokenRejected, TokenService
from schema.context import bearer_token

VIEWER_KEY = "gridpoints.viewer_id"
CHALLENGE = 'Bearer error="invalid_token"'


def carries_token(authorization: str | None) -> bool:
    """An empty header or a bare `Bearer` is what logged-out clients often send: no token."""
    value = (authorization or "").strip()
    return bool(value) and value.lower() != "bearer"


def viewer_from_header(tokens: TokenService, authorization: str | None) -> int | None:
    """The user of the header's token; None without one; TokenRejected for a bad one."""
    if not carries_token(authorization):
        return None
    token = bearer_token(authorization)
    if token is None:
        raise TokenRejected(INVALID, "Send the access token as `Authorization: Bearer <token>`.")
    return tokens.verify(token).user_id


def token_refused(error: TokenRejected) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": error.message, "extensions": {"code": error.code}}]},
        status_code=401,
        headers={"WWW-Authenticate": CHALLENGE, "Cache-Control": "no-store"},
    )


class BearerTokenMiddleware:
    """Verify the access token of HTTP requests to `path`; 401 for a bad or expired one."""

    def __init__(self, app: ASGIApp, tokens: TokenService, path: str = "/graphql") -> None:
        self.app = app
        self.tokens = tokens
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            authorization = Headers(scope=scope).get("authorization")
            try:
                scope[VIEWER_KEY] = viewer_from_header(self.tokens, authorization)
            except TokenRejected as error:
                await token_refused(error)(scope, receive, send)
                return
        await self.app(scope, receive, send)
