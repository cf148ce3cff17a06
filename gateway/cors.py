"""CORS for browser front-ends on other origins, from GRIDPOINTS_CORS_ORIGINS.

Starlette's CORSMiddleware answers preflights and tags responses. Credentials stay off: tokens
travel in the Authorization header, never in cookies, so no origin needs ambient credentials.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from gateway.csrf import PREFLIGHT_HEADERS
from gateway.edge_errors import error_response
from schema.codes import TopLevelCode

# What the GraphQL clients we know send: Apollo, urql, graphql-request, Relay, graphql-ws's
# HTTP fallbacks, plus our own request id for tracing.
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "accept",
    "x-request-id",
    "apollographql-client-name",
    "apollographql-client-version",
    *PREFLIGHT_HEADERS,
)
EXPOSED_HEADERS = ("x-request-id",)
PREFLIGHT_MAX_AGE_SECONDS = 600


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's, with its refused preflights in the gateway's JSON error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = error_response(
            bytes(response.body).decode(),
            TopLevelCode.BAD_REQUEST,
            response.status_code,
            accept=request_headers.get("accept", ""),
        )
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                refused.headers[name] = value
        return refused


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    if not origins:
        return []
    return [
        Middleware(
            JsonCORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )
    ]
