"""The HTTP edge's middleware stack, outermost first, and where media URLs point.

Request ids first, so every answer (preflights and refusals included) carries one; CORS next,
so a browser can read the refusals below it; then compression, CSRF prevention, and the body
and URL guards nearest the app.
"""

from __future__ import annotations

from starlette.middleware import Middleware

from gateway.compression import CompressionMiddleware
from gateway.cors import cors_middleware
from gateway.csrf import CSRFPreventionMiddleware
from gateway.requests import RequestGuardMiddleware, RequestIdMiddleware
from gateway.settings import Settings


def edge_middleware(settings: Settings) -> list[Middleware]:
    return [
        Middleware(RequestIdMiddleware),
        *cors_middleware(settings.cors_origins),
        Middleware(CompressionMiddleware),
        Middleware(CSRFPreventionMiddleware),
        Middleware(RequestGuardMiddleware),
    ]


def media_url(public_url: str | None, path: str) -> str:
    """Absolute (`https://host/media/`) when GRIDPOINTS_PUBLIC_URL is set, else the path."""
    return f"{public_url.rstrip('/')}{path}" if public_url else path
