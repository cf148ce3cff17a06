"""`node(id)`: each type registers how to fetch one object the viewer may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.models import Model

from resolvers.ids import parse_global_id
from resolvers.scope import RequestScope

Fetch = Callable[[RequestScope, int], Awaitable[Model | None]]

_fetchers: dict[str, Fetch] = {}


def fetches(type_name: str) -> Callable[[Fetch], Fetch]:
    def register(fetch: Fetch) -> Fetch:
        _fetchers[type_name] = fetch
        return fetch

    return register


async def node(scope: RequestScope, global_id: str) -> Model | None:
    """The object, or None when the id is malformed, unknown or not visible to the viewer."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        return None
    if await scope.viewer() is None:
        return None
    type_name, pk = parsed
    return await _fetchers[type_name](scope, pk)
