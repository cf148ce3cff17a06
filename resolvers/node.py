"""`node(id)` and `nodes(ids)`: each type registers how to fetch one object the viewer may see.

A fetcher answers what the caller may see through any other field (its domain's visibility
policy), and None for the rest; an anonymous caller is no exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from community import visibility
from models.errors import InvalidInput, NotAuthenticated
from resolvers.ids import parse_global_id
from resolvers.scope import RequestScope

Fetch = Callable[[RequestScope, int], Awaitable[Model | None]]

MAX_NODES = 100

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
    type_name, pk = parsed
    try:
        return await _fetchers[type_name](scope, pk)
    except NotAuthenticated:  # a type only logged-in callers ever see
        return None


async def nodes(scope: RequestScope, global_ids: Sequence[str]) -> list[Model | None]:
    """`node` for each id, in order; at most MAX_NODES ids (a page's worth)."""
    if len(global_ids) > MAX_NODES:
        raise InvalidInput(f"At most {MAX_NODES} ids at once.", field="ids")
    return list(await asyncio.gather(*(node(scope, global_id) for global_id in global_ids)))


async def viewing_community_id(scope: RequestScope) -> int | None:
    """The community whose objects the caller sees (once per operation)."""

    async def load(keys: Sequence[int]) -> list[int | None]:
        found = await visibility.viewing_community_id(actor=await scope.viewer())
        return [found for _ in keys]

    loader: DataLoader[int, int | None] = scope.loaders.named(
        "viewing-community", lambda: DataLoader(load_fn=load)
    )
    return await loader.load(0)
