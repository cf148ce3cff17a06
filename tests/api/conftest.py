from pathlib import Path

import pytest

from tests.api.client import GraphQLClient, make_client


@pytest.fixture
def client(tmp_path: Path) -> GraphQLClient:
    return make_client(tmp_path / "media")
