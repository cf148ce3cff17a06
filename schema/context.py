"""The strawberry context: the request plus the operation's RequestScope."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types.info import Info as StrawberryInfo

from resolvers.scope import RequestScope

# Set by the gateway for each request; read wherever a log line or error names the request.
request_id: ContextVar[str] = ContextVar("gridpoints_request_id", default="-")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, from a header or connection_init."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@dataclass
class Context:
    scope: RequestScope
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    subscribe: Callable[[str], AsyncIterator[str]] | None = None


Info = StrawberryInfo[Context, None]

__all__ = ["Context", "Info", "strawberry"]
