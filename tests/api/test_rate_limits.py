"""Rate limits: login per phone and per address, in Redis when configured, and what an
outage of Redis does (general limits counted locally, sensitive ones fail closed)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from gateway.clients import client_address
from gateway.ratelimit import LOGIN_PER_PHONE, MUTATIONS_PER_USER, RateLimiter
from gateway.services import quick_redis
from tests import factories
from tests.api.client import make_client
from tests.dbsetup import TEST_REDIS_URL

LOGIN = """
mutation($phone: String!) {
  login(input: {phone: $phone, password: "wrong password"}) { errors { code } }
}"""


def fresh_phone() -> str:
    return "139" + "".join(random.choices("0123456789", k=8))


async def test_login_attempts_per_phone_are_limited(tmp_path: Path) -> None:
    await factories.community()
    client = make_client(tmp_path, redis_url=TEST_REDIS_URL, rate_limit_scale=0.3)
    phone = fresh_phone()
    codes = [
        (await client.execute(LOGIN, {"phone": phone}))["data"]["login"]["errors"][0]["code"]
        for _ in range(4)
    ]
    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"]
    other = await client.execute(LOGIN, {"phone": fresh_phone()})
    assert other["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_scale_raises_limits_without_turning_them_off(tmp_path: Path) -> None:
    limiter = RateLimiter(None, scale=2.0)
    key = fresh_phone()
    allowed = [await limiter.allow(LOGIN_PER_PHONE, key) for _ in range(21)]
    assert allowed == [True] * 20 + [False]


async def test_redis_outage_costs_milliseconds_and_fails_closed_for_logins() -> None:
    dead = quick_redis("redis://127.0.0.1:1/0", 0.2)
    limiter = RateLimiter(dead)
    key = fresh_phone()
    started = time.monotonic()
    sensitive = [await limiter.allow(LOGIN_PER_PHONE, key) for _ in range(3)]
    general = [await limiter.allow(MUTATIONS_PER_USER, key) for _ in range(5)]
    elapsed = time.monotonic() - started
    assert sensitive == [True, True, False]  # 20% of 10 while Redis is away
    assert general == [True] * 5
    assert limiter.breaker.is_open
    assert elapsed < 2.0
    await dead.aclose()


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    headers = {"x-forwarded-for": "203.0.113.9, 10.0.0.5"}
    trusted = ("10.0.0.0/8",)
    assert client_address("198.51.100.7", headers, trusted) == "198.51.100.7"
    assert client_address("10.0.0.2", headers, trusted) == "203.0.113.9"
    assert client_address("10.0.0.2", {}, trusted) == "10.0.0.2"
    spoofed = {"x-forwarded-for": "1.2.3.4, 203.0.113.9"}
    assert client_address("10.0.0.2", spoofed, trusted) == "203.0.113.9"
