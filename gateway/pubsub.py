"""Publish/subscribe for GraphQL subscriptions: Redis across replicas, or in-process.

One shared Redis subscriber per process fans messages out to local queues, so a thousand
subscriptions cost one Redis connection, not a thousand. Messages published while Redis
is unreachable are lost: clients refetch when they reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from redis.asyncio import Redis

log = logging.getLogger("gridpoints.pubsub")
QUEUE_SIZE = 100


class Broker(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AsyncIterator[str]: ...

    async def close(self) -> None: ...


class LocalFanout:
    """Local queues per channel; the in-process broker, and Redis's last mile."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    def deliver(self, channel: str, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled client loses messages
                queue.put_nowait(message)

    @contextlib.contextmanager
    def queue(self, channel: str) -> Iterator[asyncio.Queue[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            yield queue
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    def channels(self) -> list[str]:
        return list(self._queues)


class InProcessBroker:
    def __init__(self) -> None:
        self.fanout = LocalFanout()

    async def publish(self, channel: str, message: str) -> None:
        self.fanout.deliver(channel, message)

    async def subscribe(self, channel: str) -> AsyncIterator[str]:
        with self.fanout.queue(channel) as queue:
            while True:
                yield await queue.get()

    async def close(self) -> None:
        return None


class RedisBroker:
    """Publishes through Redis; one pattern subscription per process feeds local queues.

    Redis pub/sub channels are shared by all of a server's database numbers, so every channel
    carries the deployment's prefix (GRIDPOINTS_CHANNEL_PREFIX): deployments sharing one Redis
    do not hear each other."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.fanout = LocalFanout()
        self._prefix = f"{prefix}:"
        self._reader: asyncio.Task[None] | None = None

    async def publish(self, channel: str, message: str) -> None:
        try:
            await self.redis.publish(f"{self._prefix}{channel}", message)
        except Exception:  # a notification is best effort; the data is already committed
            log.warning("redis publish failed for %s", channel, exc_info=True)

    async def subscribe(self, channel: str) -> AsyncIterator[str]:
        self._ensure_reader()
        with self.fanout.queue(channel) as queue:
            while True:
                yield await queue.get()

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_forever())

    async def _read_forever(self) -> None:
        while True:
            try:
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("redis subscriber lost; reconnecting", exc_info=True)
                await asyncio.sleep(0.5)

    async def _read(self) -> None:
        pubsub = self.redis.pubsub()
        try:
            await pubsub.psubscribe(f"{self._prefix}*")
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                channel = _text(message["channel"]).removeprefix(self._prefix)
                self.fanout.deliver(channel, _text(message["data"]))
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
