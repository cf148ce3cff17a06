"""Rate limits: fixed windows in Redis shared by every replica, or in this process.

When Redis fails or is slow (calls time out after ~200 ms), a circuit breaker stops asking it
for a while. Meanwhile general limits are counted in this process; sensitive ones (login,
voucher use) fail closed, counted in this process against a stricter share of the limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis

from resolvers.rate_limits import Limit, RateLimit

log = logging.getLogger("gridpoints.ratelimit")


# When Redis is unreachable a process sees only its own traffic: sensitive limits keep
# this share of their budget, so N replicas together stay near the real limit.
FAIL_CLOSED_SHARE = 0.2


class LocalWindows:
    """Fixed-window counters in this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}

    def hit(self, key: str, per_window: int, window_seconds: int, cost: int = 1) -> bool:
        window = int(self._clock() // window_seconds)
        if len(self._counts) > 100_000:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
        count = self._counts.get((key, window), 0) + cost
        self._counts[(key, window)] = count
        return count <= per_window


class CircuitBreaker:
    """Open for `cool_down` seconds after `threshold` consecutive failures."""

    def __init__(self, threshold: int = 3, cool_down: float = 5.0) -> None:
        self.threshold = threshold
        self.cool_down = cool_down
        self.failures = 0
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def succeeded(self) -> None:
        self.failures = 0

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.open_until = time.monotonic() + self.cool_down
            self.failures = 0


class RateLimiter:
    def __init__(self, redis: Redis | None, scale: float = 1.0) -> None:
        self.redis = redis
        self.scale = scale
        self.local = LocalWindows()
        self.breaker = CircuitBreaker()
        self.hits_refused = 0

    def _budget(self, limit: Limit) -> int:
        return max(1, int(limit.per_window * self.scale))

    async def allow(self, policy: RateLimit, key: str, cost: int = 1) -> bool:
        """Count `cost` attempts at once; False when they do not all fit in the window."""
        limit = policy.limit
        budget = self._budget(limit)
        allowed = await self._count(limit, key, budget, cost)
        if not allowed:
            self.hits_refused += 1
        return allowed

    async def _count(self, limit: Limit, key: str, budget: int, cost: int) -> bool:
        full_key = f"{limit.name}:{key}"
        if self.redis is not None and not self.breaker.is_open:
            try:
                count = await self._redis_count(full_key, limit.window_seconds, cost)
                self.breaker.succeeded()
                return count <= budget
            except Exception:
                log.warning("rate limit store unreachable; counting locally", exc_info=True)
                self.breaker.failed()
        if self.redis is not None and limit.sensitive:
            budget = max(1, int(budget * FAIL_CLOSED_SHARE))
        return self.local.hit(full_key, budget, limit.window_seconds, cost)

    async def _redis_count(self, key: str, window_seconds: int, cost: int) -> int:
        assert self.redis is not None
        window = int(time.time() // window_seconds)
        redis_key = f"gridpoints:rl:{key}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(redis_key, cost)
            pipe.expire(redis_key, window_seconds + 1)
            count, _ = await pipe.execute()
        return int(count)
