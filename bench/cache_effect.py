"""How much parsing and validation cost, and what a per-request rule factory does to the cache.

Runs `{ me { id } }` (no database: there is no viewer) in-process, three ways:
- the gateway's schema: ParserCache and ValidationCache, the limit rules applied after the
  cached validation (schema/limits.py), built once;
- the same plus strawberry's QueryDepthLimiter built per request (a factory), which hands
  fresh rule classes to validation on every request and so defeats the validation cache;
- a schema with no caches at all.

Usage: python -m bench.cache_effect [seconds-per-variant]
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import strawberry
from strawberry.extensions import QueryDepthLimiter

from gateway.scopes import request_scope
from gateway.settings import Settings
from schema.context import Context
from schema.root import Mutation, Query, build_schema
from schema.subscriptions import Subscription

QUERY = "{ me { id } }"
SETTINGS = Settings()


async def _rate(schema: strawberry.Schema, seconds: float) -> float:
    done = 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for _ in range(100):
            result = await schema.execute(
                QUERY, context_value=Context(request_scope(SETTINGS, None))
            )
            assert result.errors is None, result.errors
        done += 100
    return done / seconds


def _variants() -> dict[str, strawberry.Schema]:
    cached = build_schema()
    extensions: list[Any] = list(cached.extensions)
    per_request = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*extensions, lambda: QueryDepthLimiter(max_depth=10)],
    )
    bare = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    return {
        "gateway (caches, limits after cached validation)": cached,
        "plus a per-request QueryDepthLimiter factory": per_request,
        "no caches": bare,
    }


async def main(seconds: float) -> None:
    for name, schema in _variants().items():
        await _rate(schema, 0.3)  # warm up
        print(f"{name:52} {await _rate(schema, seconds):8.0f} operations/s")


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0))
