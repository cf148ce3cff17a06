"""Tortoise configuration and opening/closing the database."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from models import APP_LABEL, MODEL_MODULES


class _NoResetConnection(asyncpg.Connection):  # type: ignore[misc]
    """Released to the pool without asyncpg's reset query (advisory unlocks, CLOSE ALL,
    UNLISTEN, RESET ALL): the gateway sets no session state, so that round trip on every
    release bought nothing (4-15 % of CPU per request in bench/RESULTS.md). asyncpg still
    rolls back any transaction left open."""

    def get_reset_query(self) -> str:
        return ""


def _connection(url: str, pool_size: int) -> str | dict[str, Any]:
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    sep = "&" if "?" in url else "?"
    config = expand_db_url(f"{url}{sep}minsize=1&maxsize={pool_size}")
    config["credentials"]["connection_class"] = _NoResetConnection
    return config


def tortoise_config(url: str, pool_size: int = 10) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(url, pool_size)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(url: str, pool_size: int = 10) -> None:
    """Open the pools for every task of the process: uvicorn serves requests in tasks that
    do not inherit the lifespan task's context, so the context must be the global one."""
    await Tortoise.init(config=tortoise_config(url, pool_size), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def apply_migrations(url: str) -> None:
    """Apply every pending migration; running it again applies nothing."""
    from tortoise.context import TortoiseContext
    from tortoise.migrations.api import migrate

    # A context of its own, so an open application context is left alone.
    async with TortoiseContext():
        await migrate(config=tortoise_config(url, pool_size=2))


async def ping_database() -> None:
    from tortoise import connections

    await connections.get("default").execute_query("SELECT 1")
