"""The process-wide services the lifespan opens and every request shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.pubsub import Broker, InProcessBroker, RedisBroker
from gateway.ratelimit import RateLimiter
from gateway.settings import Settings
from gateway.tokens import TokenService
from models.outbox import Change
from resolvers.rate_limits import RateLimit


def quick_redis(url: str, timeout: float) -> Redis:
    """A client that answers within `timeout` or fails: no retries, no backoff. The circuit
    breaker, not a retry loop, decides when to try again."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), retries=0),
        retry_on_timeout=False,
    )


@dataclass
class Services:
    settings: Settings
    tokens: TokenService
    broker: Broker
    redis: Redis | None = None
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(None))

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.redis, self.settings.rate_limit_scale)

    async def allow(self, policy: RateLimit, key: str, cost: int = 1) -> bool:
        return await self.limiter.allow(policy, key, cost)

    @classmethod
    def create(cls, settings: Settings) -> Services:
        if settings.redis_url is None:
            return cls(settings, TokenService(settings), InProcessBroker())
        redis = quick_redis(settings.redis_url, settings.redis_timeout_seconds)
        listener = Redis.from_url(settings.redis_url, health_check_interval=10)
        broker = RedisBroker(listener, settings.channel_prefix)
        return cls(settings, TokenService(settings), broker, redis)

    async def publish(self, changes: Sequence[Change]) -> None:
        for change in changes:
            await self.broker.publish(f"{change.topic}:{change.key}", str(change.object_id))

    async def close(self) -> None:
        await self.broker.close()
        if isinstance(self.broker, RedisBroker):
            await self.broker.redis.aclose()
        if self.redis is not None:
            await self.redis.aclose()
