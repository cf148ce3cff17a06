"""The process-wide services the lifespan opens and every request shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from gateway.pubsub import Broker, InProcessBroker, RedisBroker
from gateway.settings import Settings
from gateway.tokens import TokenService
from models.outbox import Change


@dataclass
class Services:
    settings: Settings
    tokens: TokenService
    broker: Broker
    redis: Redis | None = None

    @classmethod
    def create(cls, settings: Settings) -> Services:
        if settings.redis_url is None:
            return cls(settings, TokenService(settings), InProcessBroker())
        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout_seconds,
            socket_connect_timeout=settings.redis_timeout_seconds,
            retry_on_timeout=False,
        )
        listener = Redis.from_url(settings.redis_url, health_check_interval=10)
        return cls(settings, TokenService(settings), RedisBroker(listener), redis)

    async def publish(self, changes: Sequence[Change]) -> None:
        for change in changes:
            await self.broker.publish(f"{change.topic}:{change.key}", str(change.object_id))

    async def close(self) -> None:
        await self.broker.close()
        if isinstance(self.broker, RedisBroker):
            await self.broker.redis.aclose()
        if self.redis is not None:
            await self.redis.aclose()
