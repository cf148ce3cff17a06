"""The matrix's module-wide app and world, shared by test_authorization_matrix.py and
test_authorization_relations.py: one world per module instead of an empty database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from community import passwords
from tests.api.client import GraphQLClient, make_client
from tests.api.matrix_world import QUICK_HASHER, World, build_world
from tests.dbsetup import TEST_REDIS_URL, truncate_all

# ---------------------------------------------------------------- one world for the module


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """The matrix shares one world (see `world`) instead of emptying the database per test."""


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GraphQLClient]:
    """The real app for the whole module. Limits are scaled up, and logins come from their own
    forwarded addresses, so the matrix never spends the budgets other tests count on."""
    app = make_client(
        tmp_path_factory.mktemp("matrix") / "media",
        redis_url=TEST_REDIS_URL,
        rate_limit_scale=100.0,
        trusted_proxies=("127.0.0.1/32",),
    )
    yield app
    await app.services.close()


@pytest.fixture(scope="module")
def quick_password_hashing() -> Iterator[None]:
    """register hashes with test-strength argon2id here (see matrix_world.QUICK_HASHER)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", QUICK_HASHER)
        yield


@pytest.fixture(scope="module")
async def world(database_url: str, client: GraphQLClient, quick_password_hashing: None) -> World:
    await truncate_all()
    return await build_world(client.services.settings.media_dir)
