"""Fixtures for the fault suite: private servers, a gateway process, and a small world."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.faults.infra import PrivatePostgres, PrivateRedis
from tests.process import servers

SECRET = "fault-suite-secret-of-at-least-32-bytes!"
ADMIN_PHONE = "13700000000"
PASSWORD = "fault-suite-password"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.create()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Gateway:
    database_url: str
    redis_url: str
    media: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return servers.gateway_env(
            database_url=self.database_url,
            redis_url=self.redis_url,
            jwt_secret=SECRET,
            job_interval_seconds="0",
            database_pool_size="5",
            media_dir=str(self.media),
            rate_limit_scale="1000",
        )

    def cli(self, *args: str) -> None:
        command = [sys.executable, "-m", "gateway.cli", *args]
        subprocess.run(command, env=self.env(), check=True, capture_output=True)

    def start(self) -> None:
        self.port = self.port or servers.free_port()
        command = servers.gateway_command(self.port, "--timeout-graceful-shutdown", "10")
        self.process = servers.start(command, self.env(), log=self.media / "gateway.log")
        servers.wait_ready(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def log_tail(self, lines: int = 40) -> str:
        """The end of the gateway's log, for a failure message."""
        log = self.media / "gateway.log"
        return (
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""
        )

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        timeout: float = 10,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            self.url,
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=timeout,
        )
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            servers.stop(self.process)
        self.process = None


async def _fresh_database(postgres: PrivatePostgres, name: str) -> str:
    admin = await asyncpg.connect(postgres.url().replace("postgres://", "postgresql://"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return postgres.url(name)


@pytest.fixture
async def gateway(postgres: PrivatePostgres, redis: PrivateRedis, tmp_path: Path) -> Any:
    url = await _fresh_database(postgres, "faults")
    running = Gateway(url, redis.url, tmp_path)
    running.cli("migrate")
    running.cli("create-admin", "--phone", ADMIN_PHONE, "--password", PASSWORD)
    running.start()
    try:
        yield running
    finally:
        running.stop()
