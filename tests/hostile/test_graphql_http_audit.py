"""graphql-http's GraphQL-over-HTTP audit (the reference implementation's `serverAudits`),
pinned in tests/hostile/graphql_http_audit/, against a real `gridpoints serve` in development
mode (the audit reads `__type`, which production's disabled introspection refuses)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dbsetup import TEST_REDIS_URL
from tests.hostile.edge import EdgeServer, start_edge_server
from tests.process import servers

AUDIT = Path(__file__).parent / "graphql_http_audit"


@pytest.fixture(scope="module")
def development_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EdgeServer]:
    folder = tmp_path_factory.mktemp("audit")
    server = start_edge_server(folder, database_url, TEST_REDIS_URL, env_name="development")
    try:
        yield server
    finally:
        servers.stop(server.process)


def test_every_graphql_over_http_audit_passes(
    development_server: EdgeServer, tmp_path: Path
) -> None:
    npm, node = shutil.which("npm"), shutil.which("node")
    assert npm and node, "Node.js and npm are needed for the audit (Debian: nodejs, npm)"
    for name in ("package.json", "package-lock.json", "audit.mjs"):
        shutil.copy(AUDIT / name, tmp_path / name)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=tmp_path, check=True, timeout=300
    )
    ran = subprocess.run(
        [node, "audit.mjs", f"{development_server.url}/graphql"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    outcome = json.loads(ran.stdout.strip().splitlines()[-1])
    assert (outcome["error"], outcome["warn"]) == ([], [])
    assert outcome["pass"] >= 60
