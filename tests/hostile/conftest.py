"""One production-mode `gridpoints serve` per run for the edge tests, on the run's database
(and Redis, when the run has one), and a second one in trusted-documents mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.dbsetup import TEST_REDIS_URL
from tests.hostile.edge import EdgeServer, start_edge_server
from tests.process import servers

TRUSTED_QUERY = "query TrustedMe { me { id } }"


@pytest.fixture(scope="session")
def edge_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EdgeServer]:
    server = start_edge_server(tmp_path_factory.mktemp("edge"), database_url, TEST_REDIS_URL)
    try:
        yield server
    finally:
        servers.stop(server.process)


@pytest.fixture(scope="session")
def trusted_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EdgeServer]:
    from gateway.persisted import sha256_hex

    folder = tmp_path_factory.mktemp("trusted")
    manifest = folder / "persisted-documents.json"
    manifest.write_bytes(orjson.dumps({sha256_hex(TRUSTED_QUERY): TRUSTED_QUERY}))
    server = start_edge_server(
        folder, database_url, TEST_REDIS_URL, trusted_documents=str(manifest)
    )
    try:
        yield server
    finally:
        servers.stop(server.process)


@pytest.fixture
def media_dir(edge_server: EdgeServer) -> Path:
    return edge_server.media
