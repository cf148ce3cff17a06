"""Shared fixtures: one migrated database per run, emptied before every test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.db import close_database, open_database
from tests.clock import frozen_clock  # noqa: F401  (the settable clock fixture)
from tests.dbsetup import fresh_database, truncate_all


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with fresh_database() as url:
        await open_database(url, pool_size=25)
        try:
            yield url
        finally:
            await close_database()


@pytest.fixture(autouse=True)
async def clean_database(database_url: str) -> AsyncIterator[None]:
    await truncate_all()
    yield
