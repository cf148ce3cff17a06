"""Change notifications stay within their deployment: Redis shares pub/sub channels across
all its database numbers, so each deployment's channels carry its own prefix
(GRIDPOINTS_CHANNEL_PREFIX, by default derived from the Redis database number)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from gateway.services import Services
from gateway.settings import Settings, SettingsError
from tests.dbsetup import TEST_REDIS_URL
from tests.harness.pubsub import listening

QUIET_SECONDS = 0.3
needs_redis = pytest.mark.skipif(TEST_REDIS_URL is None, reason="needs GRIDPOINTS_TEST_REDIS_URL")


def test_the_prefix_follows_the_redis_database_number_unless_set() -> None:
    assert Settings().channel_prefix == "gridpoints"
    assert Settings(redis_url="redis://cache:6379/0").channel_prefix == "gridpoints"
    assert Settings(redis_url="redis://cache:6379").channel_prefix == "gridpoints"
    assert Settings(redis_url="redis://cache:6379/14").channel_prefix == "gridpoints-db14"
    assert Settings(redis_url="unix:///run/redis.sock?db=3").channel_prefix == "gridpoints-db3"
    chosen = Settings(redis_url="redis://cache:6379/14", channel_prefix="blue")
    assert chosen.channel_prefix == "blue"


def test_a_prefix_from_the_environment_is_read_and_a_glob_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIDPOINTS_REDIS_URL", "redis://cache:6379/5")
    assert Settings.from_env().channel_prefix == "gridpoints-db5"
    monkeypatch.setenv("GRIDPOINTS_CHANNEL_PREFIX", "")
    assert Settings.from_env().channel_prefix == "gridpoints-db5"
    monkeypatch.setenv("GRIDPOINTS_CHANNEL_PREFIX", "green")
    assert Settings.from_env().channel_prefix == "green"
    monkeypatch.setenv("GRIDPOINTS_CHANNEL_PREFIX", "green*")
    with pytest.raises(SettingsError, match="GRIDPOINTS_CHANNEL_PREFIX"):
        Settings.from_env()


@asynccontextmanager
async def deployment(prefix: str | None = None) -> AsyncIterator[Services]:
    """A deployment's services on the test Redis; without a prefix, the derived one."""
    if prefix is None:
        settings = Settings(redis_url=TEST_REDIS_URL)
    else:
        settings = Settings(redis_url=TEST_REDIS_URL, channel_prefix=prefix)
    services = Services.create(settings)
    try:
        yield services
    finally:
        await services.close()


async def _heard(services: Services, channel: str, publish: Services) -> list[str]:
    """What a subscriber of `services` hears on `channel` while `publish` announces there."""
    messages = services.broker.subscribe(channel)
    first = asyncio.ensure_future(anext(messages))
    await listening(services, channel)
    await publish.broker.publish(channel, "7")
    done, _ = await asyncio.wait({first}, timeout=QUIET_SECONDS)
    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    await messages.aclose()  # type: ignore[attr-defined]
    return [task.result() for task in done]


@needs_redis
async def test_two_deployments_on_one_redis_do_not_hear_each_other() -> None:
    run = uuid.uuid4().hex[:8]
    async with (
        deployment(f"east-{run}") as east,
        deployment(f"west-{run}") as west,
    ):
        assert await _heard(east, "report:1", publish=east) == ["7"]
        assert await _heard(west, "report:1", publish=east) == []
        assert await _heard(west, "report:1", publish=west) == ["7"]
        assert await _heard(east, "report:1", publish=west) == []


@needs_redis
async def test_a_deployment_on_another_database_number_hears_nothing_by_default() -> None:
    """The derived prefix: this run's database number against a deployment on database 0
    (whose prefix is the bare `gridpoints`), without touching database 0."""
    async with deployment() as ours, deployment("gridpoints") as on_db_zero:
        if ours.settings.channel_prefix == "gridpoints":
            pytest.skip("the test Redis is database 0 itself")
        assert await _heard(ours, "points:1", publish=ours) == ["7"]
        assert await _heard(on_db_zero, "points:1", publish=ours) == []
