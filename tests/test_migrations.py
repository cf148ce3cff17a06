"""The committed migration history creates the whole database and matches the models."""

from __future__ import annotations

from tortoise import Tortoise, connections
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from gateway.db import apply_migrations, tortoise_config
from tests.dbsetup import ON_POSTGRES


async def test_models_and_migrations_agree() -> None:
    """`makemigrations` would write nothing: no model change lacks its migration."""
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as context:
        await context.init(config=config, init_connections=False)
        assert context.apps is not None
        detector = MigrationAutodetector(context.apps, dict(config["apps"]))
        assert await detector.changes() == []


async def test_applying_twice_changes_nothing_and_every_table_exists(database_url: str) -> None:
    await apply_migrations(database_url)  # the session already applied them once
    tables = {model._meta.db_table for model in Tortoise.apps["gridpoints"].values()}
    if ON_POSTGRES:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    _, rows = await connections.get("default").execute_query(sql)
    assert tables <= {row["name"] for row in rows}
