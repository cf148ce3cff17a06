"""CORS for browser front-ends on other origins, from GRIDPOINTS_CORS_ORIGINS.

Starlette's CORSMiddleware answers preflights and tags responses. Credentials stay off: tokens
travel in the Authorization header, never in cookies, so no origin needs ambient credentials.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gateway.csrf import PREFLIGHT_HEADERS

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


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            max_age=PREFLIGHT_MAX_AGE_SECONDS,
        )
    ]
