"""`node(id)` and `nodes(ids)`: fetch what the viewer may see, by the node table's fetchers.

A fetcher answers what the caller may see through any other field (its domain's visibility
policy), and nothing for the rest; an anonymous caller is no exception. Ids of one type are
fetched together, once per operation (a DataLoader per type), so `nodes` over a page of offers
costs a few statements, not a few per id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from community import visibility
from models.errors import InvalidInput, NotAuthenticated, NotFound
from resolvers.ids import parse_global_id
from resolvers.scope import RequestScope

Fetch = Callable[[RequestScope, int], Awaitable[Model | None]]
FetchMany = Callable[[RequestScope, Sequence[int]], Awaitable[Mapping[int, Model]]]
FetcherOf = Callable[[str], FetchMany | None]

MAX_NODES = 100

T = TypeVar("T")
M = TypeVar("M", bound=Model)


async def found_or_none(lookup: Awaitable[T]) -> T | None:
    """What a domain lookup finds; None where it answers NotFound (not there, or not visible),
    as a fetcher of the node table and a subscription's re-read answer."""
    try:
        return await lookup
    except NotFound:
        return None


def seen_through(
    get: Callable[..., Awaitable[M]], key: str
) -> Callable[[RequestScope, int], Awaitable[M | None]]:
    """A fetcher of one object from its domain's lookup, `get(actor=viewer, <key>=pk)`, which
    holds the visibility rule: None for an anonymous caller and where the lookup answers
    NotFound."""

    async def fetch(scope: RequestScope, pk: int) -> M | None:
        actor = await scope.viewer()
        return None if actor is None else await found_or_none(get(actor=actor, **{key: pk}))

    return fetch


def one_at_a_time(fetch: Fetch) -> FetchMany:
    """A fetcher of many from a fetcher of one object (run concurrently for many ids)."""

    async def many(scope: RequestScope, pks: Sequence[int]) -> Mapping[int, Model]:
        rows = await asyncio.gather(*(fetch(scope, pk) for pk in pks))
        return {pk: row for pk, row in zip(pks, rows, strict=True) if row is not None}

    return many


def _loader(scope: RequestScope, type_name: str, fetch: FetchMany) -> DataLoader[int, Model | None]:
    async def load(pks: Sequence[int]) -> list[Model | None]:
        try:
            found = await fetch(scope, pks)
        except NotAuthenticated:  # a type only logged-in callers ever see
            return [None for _ in pks]
        return [found.get(pk) for pk in pks]

    return scope.loaders.named(f"node:{type_name}", lambda: DataLoader(load_fn=load))


async def node(
    scope: RequestScope, global_id: str, fetcher_of: FetcherOf
) -> tuple[str, Model] | None:
    """The object with its type name, or None when the id is malformed, of no node type,
    unknown or not visible to the viewer. `fetcher_of` is the node table (schema/nodes.py)."""
    parsed = parse_global_id(global_id)
    fetch = None if parsed is None else fetcher_of(parsed[0])
    if parsed is None or fetch is None:
        return None
    type_name, pk = parsed
    row = await _loader(scope, type_name, fetch).load(pk)
    return None if row is None else (type_name, row)


async def nodes(
    scope: RequestScope, global_ids: Sequence[str], fetcher_of: FetcherOf
) -> list[tuple[str, Model] | None]:
    """`node` for each id, in order; at most MAX_NODES ids (a page's worth)."""
    if len(global_ids) > MAX_NODES:
        raise InvalidInput(f"At most {MAX_NODES} ids at once.", field="ids")
    found = await asyncio.gather(*(node(scope, one, fetcher_of) for one in global_ids))
    return list(found)


async def viewing_community_id(scope: RequestScope) -> int | None:
    """The community whose objects the caller sees (once per operation)."""

    async def load(keys: Sequence[int]) -> list[int | None]:
        found = await visibility.viewing_community_id(actor=await scope.viewer())
        return [found for _ in keys]

    loader: DataLoader[int, int | None] = scope.loaders.named(
        "viewing-community", lambda: DataLoader(load_fn=load)
    )
    return await loader.load(0)
