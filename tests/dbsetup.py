"""A fresh, migrated database per test run: a temp SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections

from gateway.db import apply_migrations, close_database, open_database

TEST_DATABASE_URL = os.environ.get("GRIDPOINTS_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("GRIDPOINTS_TEST_REDIS_URL") or None
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1].split("?", 1)[0]


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """Yield the URL of an empty, migrated database, and remove it afterwards."""
    if not ON_POSTGRES:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite://{folder}/test.sqlite3"
            await apply_migrations(url)
            yield url
        return
    name = f"gridpoints_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = _with_database(TEST_DATABASE_URL, name)
        await apply_migrations(url)
        yield url
    finally:
        await close_database()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def truncate_all() -> None:
    """Empty every table between tests, much faster than a new database."""
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["gridpoints"].values()]
    if ON_POSTGRES:
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        return
    await connection.execute_script(
        "PRAGMA foreign_keys = OFF;"
        + "".join(f'DELETE FROM "{table}";' for table in tables)
        + "DELETE FROM sqlite_sequence;"
        + "PRAGMA foreign_keys = ON;"
    )


__all__ = ["TEST_REDIS_URL", "fresh_database", "open_database", "truncate_all"]
