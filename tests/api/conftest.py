from pathlib import Path

import pytest

from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL


@pytest.fixture
def client(tmp_path: Path) -> GraphQLClient:
    """The real app; on CI's second run its adapters use the real Redis."""
    return make_client(tmp_path / "media", redis_url=TEST_REDIS_URL)
