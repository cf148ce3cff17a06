"""Faults survived: PostgreSQL restarts and outages, Redis down or hung, SIGTERM, kill -9.

Each test runs a real gateway process against private PostgreSQL and Redis servers.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
import httpx
import pytest
import websockets

from tests.dbsetup import ON_POSTGRES
from tests.faults.conftest import Gateway
from tests.faults.infra import PrivatePostgres, PrivateRedis, available
from tests.faults.world import REDEEM, build

# The suite stops and restarts servers, so it runs once, in CI's PostgreSQL + Redis run.
pytestmark = pytest.mark.skipif(
    not (available() and ON_POSTGRES), reason="needs PostgreSQL binaries, Redis and root"
)
WALLET = "{ me { pointsBalance } }"


def _code(result: dict[str, Any]) -> str | None:
    errors = result.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _status(gateway: Gateway, path: str) -> int | None:
    """The HTTP status of a GET, or None when the connection is refused."""
    try:
        return httpx.get(f"http://127.0.0.1:{gateway.port}{path}", timeout=10).status_code
    except httpx.HTTPError:
        return None


def _timed(
    gateway: Gateway, query: str, token: str, variables: dict[str, Any] | None = None
) -> tuple[float, dict[str, Any] | None]:
    started = time.monotonic()
    try:
        result = gateway.post(query, variables, token=token, timeout=10)
    except httpx.HTTPError:
        result = None
    return time.monotonic() - started, result


async def _ledger_is_consistent(url: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM account WHERE kind <> 'ISSUANCE' AND balance < 0"
            )
            == 0
        )
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM account a WHERE a.kind = 'WALLET' AND balance <> "
                "(SELECT coalesce(sum(remaining), 0) FROM points_lot l WHERE l.account_id = a.id)"
            )
            == 0
        ), "each wallet's balance is the sum of its lots"
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM account a WHERE balance <> "
                "(SELECT coalesce(sum(amount), 0) FROM points_entry e WHERE e.account_id = a.id)"
            )
            == 0
        )
        assert await connection.fetchval("SELECT coalesce(sum(balance), 0) FROM account") == 0
        assert (
            await connection.fetchval(
                "SELECT count(*) FROM offer o WHERE remaining + (SELECT count(*) FROM voucher v "
                "WHERE v.offer_id = o.id AND v.status IN ('ISSUED', 'USED')) <> stock_added"
            )
            == 0
        )
    finally:
        await connection.close()


async def _vouchers_with_key(url: str, key: str) -> int:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM voucher WHERE idempotency_key = $1", key
            )
        )
    finally:
        await connection.close()


async def test_postgres_restart_under_load_fails_fast_and_recovers(
    gateway: Gateway, postgres: PrivatePostgres
) -> None:
    world = build(gateway)
    token = world.residents[0][0]
    outcomes: list[tuple[float, float, dict[str, Any] | None]] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            started = time.monotonic()
            elapsed, result = _timed(gateway, WALLET, token)
            outcomes.append((started, elapsed, result))

    with ThreadPoolExecutor(4) as pool:
        for _ in range(4):
            pool.submit(load)
        await asyncio.sleep(1.0)
        restarted_at = time.monotonic()
        await asyncio.to_thread(postgres.restart)
        back_at = time.monotonic()
        await asyncio.sleep(2.0)
        stop.set()

    failures = [(t, e, r) for t, e, r in outcomes if r is None or _code(r) is not None]
    after = [r for t, _, r in outcomes if t > back_at + 0.5]
    assert outcomes and after
    assert all(r is not None and _code(r) is None for r in after), "recovered without restart"
    codes = [_code(r) for _, _, r in failures if r is not None]
    assert set(codes) <= {"SERVICE_UNAVAILABLE"}, (codes, gateway.log_tail())
    assert all(e < 3.0 for _, e, _ in failures), "failures in the outage are fast"
    assert all(restarted_at - 0.5 <= t <= back_at + 0.5 for t, _, _ in failures)

    # A redemption refused while the database is down, retried once it is back: one voucher.
    variables = {"o": world.offer_id, "key": "during-outage"}
    await asyncio.to_thread(postgres.stop)
    try:
        refused = gateway.post(REDEEM, variables, token=token)
        assert _code(refused) == "SERVICE_UNAVAILABLE"
    finally:
        await asyncio.to_thread(postgres.start)
    first = gateway.post(REDEEM, variables, token=token)["data"]["redeemOffer"]
    again = gateway.post(REDEEM, variables, token=token)["data"]["redeemOffer"]
    assert first["errors"] == [] and again["voucher"] == first["voucher"]
    assert await _vouchers_with_key(gateway.database_url, "during-outage") == 1
    await _ledger_is_consistent(gateway.database_url)


async def test_postgres_down_readyz_503_and_graphql_says_unavailable(
    gateway: Gateway, postgres: PrivatePostgres
) -> None:
    world = build(gateway, residents=1)
    await asyncio.to_thread(postgres.stop)
    try:
        started = time.monotonic()
        assert _status(gateway, "/readyz") == 503 and time.monotonic() - started < 5
        elapsed, result = _timed(gateway, WALLET, world.residents[0][0])
        assert result is not None and _code(result) == "SERVICE_UNAVAILABLE"
        assert result["errors"][0]["message"].startswith("The service is briefly unavailable")
        assert elapsed < 2.0
    finally:
        await asyncio.to_thread(postgres.start)
    await asyncio.sleep(0.5)
    assert _status(gateway, "/readyz") == 200


async def test_redis_hung_or_down_costs_little_and_subscriptions_come_back(
    gateway: Gateway, redis: PrivateRedis
) -> None:
    world = build(gateway, residents=1)
    token, user_id = world.residents[0]
    baseline, _ = _timed(gateway, WALLET, token)
    redis.hang()
    try:
        timings = [_timed(gateway, WALLET, token) for _ in range(5)]
        adjusted = gateway.post(
            'mutation($u: ID!) { adjustPoints(input: {userId: $u, amount: 1, memo: "hung",'
            ' idempotencyKey: "hung-1"}) { errors { code } } }',
            {"u": user_id},
            token=world.admin,
        )
    finally:
        redis.resume()
    assert all(r is not None and _code(r) is None for _, r in timings)
    assert max(e for e, _ in timings) < baseline + 1.0
    assert adjusted["data"]["adjustPoints"]["errors"] == []

    redis.stop()
    down = [_timed(gateway, WALLET, token) for _ in range(3)]
    assert all(r is not None and _code(r) is None for _, r in down)
    assert max(e for e, _ in down) < baseline + 1.0
    assert _status(gateway, "/readyz") == 503


async def test_sigterm_lets_in_flight_requests_finish_and_exits_in_time(
    gateway: Gateway,
) -> None:
    world = build(gateway, residents=1)
    token = world.residents[0][0]
    login = (
        'mutation { login(input: {phone: "13600000001", password: "resident-pass"}) '
        "{ errors { code } } }"
    )

    # Each caller connects first (a client's set-up can take longer than the signal's delay),
    # then all send together, so the SIGTERM meets eight requests truly in flight.
    ready = threading.Barrier(9)

    def call() -> dict[str, Any] | None:
        with httpx.Client(timeout=10) as http:
            http.get(f"http://127.0.0.1:{gateway.port}/healthz")
            ready.wait()
            try:
                response = http.post(
                    gateway.url, json={"query": login}, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError:
                return None
            result: dict[str, Any] = response.json()
            return result

    assert gateway.process is not None
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(call) for _ in range(8)]
        await asyncio.to_thread(ready.wait)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        gateway.process.send_signal(signal.SIGTERM)
        results = [future.result() for future in futures]
    code = gateway.process.wait(timeout=15)
    assert time.monotonic() - started < 12
    assert code in (0, -signal.SIGTERM)
    completed = [r for r in results if r is not None]
    assert completed and all(r["data"]["login"]["errors"] == [] for r in completed)
    assert _status(gateway, "/healthz") is None  # no longer accepting connections


async def test_kill_9_mid_redemption_rolls_back_and_a_retry_redeems_once(
    gateway: Gateway,
) -> None:
    world = build(gateway, residents=5, stock=20)
    keys = [(token, f"kill-{n}") for n, (token, _) in enumerate(world.residents)]

    def redeem(token: str, key: str) -> dict[str, Any] | None:
        return _timed(gateway, REDEEM, token, {"o": world.offer_id, "key": key})[1]

    assert gateway.process is not None
    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(redeem, token, key) for token, key in keys]
        await asyncio.sleep(0.02)
        gateway.process.kill()
        for future in futures:
            future.result()
    gateway.process.wait(timeout=10)
    gateway.process = None
    await _ledger_is_consistent(gateway.database_url)

    gateway.start()
    for token, key in keys:
        retried = redeem(token, key)
        assert retried is not None and retried["data"]["redeemOffer"]["errors"] == []
        assert retried["data"]["redeemOffer"]["pointsBalance"] == 90
    for _, key in keys:
        assert await _vouchers_with_key(gateway.database_url, key) == 1
    await _ledger_is_consistent(gateway.database_url)


async def test_subscriptions_hear_again_once_redis_returns(
    gateway: Gateway, redis: PrivateRedis
) -> None:
    world = build(gateway, residents=1)
    token, user_id = world.residents[0]
    uri = f"ws://127.0.0.1:{gateway.port}/graphql"
    protocols: Any = ["graphql-transport-ws"]
    async with websockets.connect(uri, subprotocols=protocols) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription { pointsChanged { amount memo } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.5)
        redis.stop()
        await asyncio.sleep(1.0)
        redis.start()
        await asyncio.sleep(2.0)  # the shared subscriber reconnects and resubscribes
        adjust = (
            "mutation($u: ID!) { adjustPoints(input: {userId: $u, amount: 3, "
            'memo: "after the outage", idempotencyKey: "back-1"}) { errors { code } } }'
        )
        done = await asyncio.to_thread(gateway.post, adjust, {"u": user_id}, world.admin)
        assert done["data"]["adjustPoints"]["errors"] == []
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next"
    assert message["payload"]["data"]["pointsChanged"] == {"amount": 3, "memo": "after the outage"}
