"""Waiting for a subscriber: a message published before anyone listens is lost."""

from __future__ import annotations

import asyncio
import uuid

from gateway.pubsub import RedisBroker
from gateway.services import Services

WAIT = 5.0


async def listening(services: Services, channel: str) -> None:
    """Wait until a subscription listens on `channel`, and, with Redis, until the shared
    pattern subscription delivers: a message published before then would be lost."""
    broker = services.broker
    for _ in range(int(WAIT / 0.01)):
        if channel in broker.fanout.channels():  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(f"nobody listens on {channel}")
    if not isinstance(broker, RedisBroker):
        return
    probe = f"probe:{uuid.uuid4().hex}"
    messages = broker.subscribe(probe)
    arrived = asyncio.ensure_future(anext(messages))
    try:
        for _ in range(100):
            await broker.publish(probe, "ping")
            done, _ = await asyncio.wait({arrived}, timeout=0.05)
            if done:
                return
        raise AssertionError("the Redis subscriber never came up")
    finally:
        arrived.cancel()
        await messages.aclose()  # type: ignore[attr-defined]
