from pathlib import Path

import pytest

from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL


@pytest.fixture
def client(tmp_path: Path) -> GraphQLClient:
    """The real app; on CI's second run its adapters use the real Redis.

    Rate limits are scaled far up (not off): user ids restart at 1 in every test, and their
    counters in the shared Redis would otherwise carry over from test to test. The limits
    themselves are tested with their real values in test_rate_limits.py.
    """
    return make_client(tmp_path / "media", redis_url=TEST_REDIS_URL, rate_limit_scale=1000)
