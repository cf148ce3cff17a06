"""A fresh, migrated database per test run: a temp SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import tortoise
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


ROOT = Path(__file__).resolve().parent.parent


def _migrations_digest() -> str:
    """What a migrated database depends on: the migrations, the enums they import, how
    gateway/db.py opens and migrates it, and tortoise."""
    digest = hashlib.sha256(tortoise.__version__.encode())
    sources = [ROOT / "models" / "enums.py", ROOT / "gateway" / "db.py"]
    for path in [*sorted((ROOT / "migrations").glob("*.py")), *sources]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


async def _migrated_sqlite(path: Path, templates: Path | None) -> None:
    """Migrating takes about a second; a copy of a database the same migrations built takes
    milliseconds. The migrations still run after the copy, and find nothing left to apply."""
    template = templates / f"{_migrations_digest()}.sqlite3" if templates else None
    if template is not None and template.exists():
        _copy_sqlite(template, path)
    await apply_migrations(f"sqlite://{path}")
    if template is not None and not template.exists():
        partial = template.with_suffix(f".{uuid.uuid4().hex}.partial")
        _copy_sqlite(path, partial)
        partial.replace(template)  # atomic, so a parallel run never copies half a template
        for stale in template.parent.glob("*.sqlite3"):  # other states of migrations/
            if stale != template:
                stale.unlink(missing_ok=True)


@asynccontextmanager
async def fresh_database(templates: Path | None = None) -> AsyncIterator[str]:
    """Yield the URL of an empty, migrated database, and remove it afterwards. On SQLite,
    `templates` is a folder to keep migrated copies in (one per state of migrations/)."""
    if not ON_POSTGRES:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "test.sqlite3"
            await _migrated_sqlite(path, templates)
            yield f"sqlite://{path}"
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
