"""`node(id)` and `nodes(ids)`: each type registers how to fetch the objects the viewer may see.

A fetcher answers what the caller may see through any other field (its domain's visibility
policy), and nothing for the rest; an anonymous caller is no exception. Ids of one type are
fetched together, once per operation (a DataLoader per type), so `nodes` over a page of offers
costs a few statements, not a few per id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from community import visibility
from models.errors import InvalidInput, NotAuthenticated
from resolvers.ids import parse_global_id
from resolvers.scope import RequestScope

Fetch = Callable[[RequestScope, int], Awaitable[Model | None]]
FetchMany = Callable[[RequestScope, Sequence[int]], Awaitable[Mapping[int, Model]]]

MAX_NODES = 100

_fetchers: dict[str, FetchMany] = {}


def fetches_many(type_name: str) -> Callable[[FetchMany], FetchMany]:
    """Register the fetcher of a type: primary keys -> the visible objects among them."""

    def register(fetch: FetchMany) -> FetchMany:
        _fetchers[type_name] = fetch
        return fetch

    return register


def fetches(type_name: str) -> Callable[[Fetch], Fetch]:
    """Register a fetcher of one object at a time (run concurrently for many ids)."""

    def register(fetch: Fetch) -> Fetch:
        async def many(scope: RequestScope, pks: Sequence[int]) -> Mapping[int, Model]:
            rows = await asyncio.gather(*(fetch(scope, pk) for pk in pks))
            return {pk: row for pk, row in zip(pks, rows, strict=True) if row is not None}

        _fetchers[type_name] = many
        return fetch

    return register


def _loader(scope: RequestScope, type_name: str) -> DataLoader[int, Model | None]:
    async def load(pks: Sequence[int]) -> list[Model | None]:
        try:
            found = await _fetchers[type_name](scope, pks)
        except NotAuthenticated:  # a type only logged-in callers ever see
            return [None for _ in pks]
        return [found.get(pk) for pk in pks]

    return scope.loaders.named(f"node:{type_name}", lambda: DataLoader(load_fn=load))


async def node(scope: RequestScope, global_id: str) -> Model | None:
    """The object, or None when the id is malformed, unknown or not visible to the viewer."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        return None
    type_name, pk = parsed
    return await _loader(scope, type_name).load(pk)


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
