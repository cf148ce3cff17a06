"""Shared fixtures: one migrated database per run, emptied before every test."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest

from gateway.db import close_database, open_database
from tests.clock import frozen_clock  # noqa: F401  (the settable clock fixture)
from tests.dbsetup import fresh_database, truncate_all


def pytest_collection_finish(session: pytest.Session) -> None:
    """Hypothesis's plugin imports all of Hypothesis (most of a second) to end any run, even one
    no test module imported it for; such a run goes without the plugin, which would do nothing."""
    if "hypothesis" not in sys.modules:
        session.config.pluginmanager.unregister(name="hypothesispytest")


@pytest.fixture(scope="session")
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    templates = cache.mkdir("migrated-sqlite") if cache is not None else None
    async with fresh_database(templates) as url:
        await open_database(url, pool_size=25)
        try:
            yield url
        finally:
            await close_database()


@pytest.fixture(autouse=True)
async def clean_database(database_url: str) -> AsyncIterator[None]:
    await truncate_all()
    yield
