"""Rate limits: login per phone and per address, in Redis when configured, and what an
outage of Redis does (general limits counted locally, sensitive ones fail closed)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from gateway.clients import client_address
from gateway.ratelimit import RateLimiter
from gateway.services import quick_redis
from resolvers.rate_limits import RateLimit
from tests import factories
from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL

LOGIN = """
mutation($phone: String!) {
  login(input: {phone: $phone, password: "wrong password"}) { errors { code } }
}"""


def fresh_phone() -> str:
    return "139" + "".join(random.choices("0123456789", k=8))


def fresh_address() -> str:
    return "198.51." + ".".join(str(random.randrange(256)) for _ in range(2))


async def _login_code(client: GraphQLClient, phone: str, address: str) -> str:
    """The login error's code, sent through a trusted proxy for `address`: each test run
    counts under an address of its own in the shared Redis."""
    response = await client.post(
        {"query": LOGIN, "variables": {"phone": phone}}, headers={"x-forwarded-for": address}
    )
    body = response.json()
    if body.get("data") is None:  # refused before any field ran (schema/budgets.py)
        top: str = body["errors"][0]["extensions"]["code"]
        return top
    code: str = body["data"]["login"]["errors"][0]["code"]
    return code


async def test_login_attempts_per_phone_are_limited(tmp_path: Path) -> None:
    await factories.community()
    client = make_client(
        tmp_path, redis_url=TEST_REDIS_URL, rate_limit_scale=0.3, trusted_proxies=("127.0.0.1",)
    )
    phone, address = fresh_phone(), fresh_address()
    codes = [await _login_code(client, phone, address) for _ in range(4)]
    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"]
    assert await _login_code(client, fresh_phone(), address) == "INVALID_CREDENTIALS"


async def test_login_attempts_per_address_are_limited(tmp_path: Path) -> None:
    await factories.community()
    client = make_client(
        tmp_path, redis_url=TEST_REDIS_URL, rate_limit_scale=0.1, trusted_proxies=("127.0.0.1",)
    )
    address = fresh_address()
    codes = [await _login_code(client, fresh_phone(), address) for _ in range(6)]
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"]
    assert await _login_code(client, fresh_phone(), fresh_address()) == "INVALID_CREDENTIALS"


async def test_scale_raises_limits_without_turning_them_off(tmp_path: Path) -> None:
    limiter = RateLimiter(None, scale=2.0)
    key = fresh_phone()
    allowed = [await limiter.allow(RateLimit.LOGIN_PER_PHONE, key) for _ in range(21)]
    assert allowed == [True] * 20 + [False]


async def test_redis_outage_costs_milliseconds_and_fails_closed_for_logins() -> None:
    dead = quick_redis("redis://127.0.0.1:1/0", 0.2)
    limiter = RateLimiter(dead)
    key = fresh_phone()
    started = time.monotonic()
    sensitive = [await limiter.allow(RateLimit.LOGIN_PER_PHONE, key) for _ in range(3)]
    general = [await limiter.allow(RateLimit.MUTATIONS_PER_USER, key) for _ in range(5)]
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
