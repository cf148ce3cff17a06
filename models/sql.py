"""Raw SQL for the few hot statements the ORM cannot express (UPDATE ... RETURNING).

Statements are written with `?` placeholders; PostgreSQL gets them renumbered as `$n`.
They run on the connection of the current transaction, if there is one.
"""

from __future__ import annotations

import re
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

_PLACEHOLDER = re.compile(r"\?")


def current_connection() -> BaseDBAsyncClient:
    connection: BaseDBAsyncClient = connections.get("default")
    return connection


def is_postgres(connection: BaseDBAsyncClient | None = None) -> bool:
    return (connection or current_connection()).capabilities.dialect == "postgres"


def _dialect_sql(sql: str, connection: BaseDBAsyncClient) -> str:
    if not is_postgres(connection):
        return sql
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


async def fetch(sql: str, *params: Any) -> list[dict[str, Any]]:
    connection = current_connection()
    rows = await connection.execute_query_dict(_dialect_sql(sql, connection), list(params))
    return [dict(row) for row in rows]


async def fetch_one(sql: str, *params: Any) -> dict[str, Any] | None:
    rows = await fetch(sql, *params)
    return rows[0] if rows else None
