"""A tiny bench-seeded PostgreSQL database: every ledger invariant holds after seeding,
breaking one row makes exactly the checks about it fail, and the baseline's answers pass the
load's checks without breaking any."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import httpx
import pytest

from bench import baseline_app, invariants, seed, supply
from bench.config import QUICK
from bench.workloads import Source, check
from tests.dbsetup import ON_POSTGRES, TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the bench seeds PostgreSQL only")
TINY = replace(
    QUICK,
    merchants=3,
    offers=20,  # a full first page for W1
    residents=40,
    reports=10,
    grid_workers=2,
    micro_grids=4,
    courtyards=2,
    small_entries=200,
    entries=1_000,
    hot_wallets=10,
    vouchers=50,
)


@pytest.fixture(scope="module")
async def seeded_url() -> AsyncIterator[str]:
    admin = TEST_DATABASE_URL.split("?", 1)[0]
    name = f"gridpoints_bench_test_{uuid.uuid4().hex[:8]}"
    url = admin.rsplit("/", 1)[0] + "/" + name
    await seed.create_database(admin, name)
    try:
        timings = seed.SeedTimings()
        await seed.seed_small(url, TINY, timings)
        await seed.seed_full(url, TINY, timings, salt=1)
        yield url
    finally:
        await seed.drop_database(admin, name)


@pytest.fixture
async def seeded(seeded_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The seeded database, each test's changes rolled back after it."""
    async with seed.connected(seeded_url) as conn:
        transaction = conn.transaction()
        await transaction.start()
        yield conn
        await transaction.rollback()


async def failing(conn: asyncpg.Connection) -> list[str]:
    return [checked.name for checked in await invariants.check(conn) if not checked.ok]


async def test_every_invariant_holds_after_seeding(seeded: asyncpg.Connection) -> None:
    assert await failing(seeded) == []
    totals = await invariants.totals(seeded)
    assert totals["issued"] == TINY.vouchers
    assert totals["entries"] == TINY.entries + 2  # and the funding of the pool
    assert totals["balance_sum"] == 0


async def test_a_balance_off_by_one_breaks_the_balance_checks(seeded: asyncpg.Connection) -> None:
    await seeded.execute(
        "UPDATE account SET balance = balance + 1 WHERE kind = 'WALLET' AND id = 2"
    )
    assert await failing(seeded) == [
        "each wallet's balance = the sum of its lots' remaining amounts",
        "cached balance = sum of the account's entries",
    ]


async def test_a_unit_put_back_unsold_is_oversold_stock(seeded: asyncpg.Connection) -> None:
    await seeded.execute("UPDATE offer SET remaining = remaining + 1 WHERE id = 1")
    assert await failing(seeded) == [
        "no oversold stock: remaining + ISSUED + USED vouchers = stock_added"
    ]


async def test_a_voucher_without_its_payment_is_caught(seeded: asyncpg.Connection) -> None:
    await seeded.execute(
        "DELETE FROM points_entry WHERE transfer_id = (SELECT max(id) FROM points_transfer)"
    )
    await seeded.execute(
        "DELETE FROM points_transfer WHERE id = (SELECT max(id) FROM points_transfer)"
    )
    found = await failing(seeded)
    assert "every ISSUED or USED voucher was paid by one REDEMPTION transfer of its price" in found


async def test_the_baselines_redemption_keeps_every_invariant(seeded: asyncpg.Connection) -> None:
    user_id = await seeded.fetchval(
        "SELECT user_id FROM account WHERE kind = 'WALLET' AND balance >= 200 LIMIT 1"
    )
    before = await seeded.fetchval("SELECT balance FROM account WHERE user_id = $1", user_id)
    async with seeded.transaction():
        _, balance = await baseline_app._redeem(seeded, user_id, offer_id=1, key="test-key")
    assert balance == before - await seeded.fetchval("SELECT points_price FROM offer WHERE id = 1")
    assert await failing(seeded) == []


async def test_the_baselines_answers_pass_the_loads_checks_and_keep_the_invariants(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_DATABASE_URL", seeded_url)
    monkeypatch.setenv("BENCH_JWT_SECRET", "a-test-secret-" * 4)
    async with seed.connected(seeded_url) as conn:
        found = await supply.load(conn, supply.Tokens("a-test-secret-" * 4), "test")
    app = baseline_app.create_app()
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport) as http:
        for workload in ("W1", "W2", "W3", "W4", "W5"):
            request = Source(workload, "baseline", found, seed=1)()
            assert request is not None
            url = f"http://baseline{request.path}"
            headers = {"Authorization": f"Bearer {request.token}"}
            answer = await http.request(request.method, url, content=request.body, headers=headers)
            assert check(workload, answer.status_code, answer.content) is None, answer.text
        forged = supply.Tokens("another-secret-" * 4)(1)
        refused = await http.get("http://baseline/offers", headers={"Authorization": forged})
        assert refused.status_code == 401
        refused = await http.get(
            "http://baseline/offers", headers={"Authorization": f"Bearer {forged}"}
        )
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with seed.connected(seeded_url) as conn:
        assert await failing(conn) == []
