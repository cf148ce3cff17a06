"""Checks of the points invariants (holds, lots, the funded pool, settlement), read straight
from the tables so they trust nothing the code under test reports, and a few builders."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from marketplace.holds import pending_points
from marketplace.ledger import AccountRef, Posting, pool_of, post, wallet_of
from models.actor import Actor
from models.enums import PointsReason
from models.sql import fetch, fetch_one
from tests import factories
from tests.domain.market_helpers import MARKET_TABLES, assert_ledger_consistent

POINTS_TABLES = (
    *MARKET_TABLES,
    "points_hold",
    "points_lot",
    "points_lot_spend",
    "points_issuance_month",
    "points_policy",
    "merchant_settlement",
    "earning_rule_version",
)


async def points_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row the points code writes, to prove a refusal wrote nothing."""
    return {table: await fetch(f"SELECT * FROM {table} ORDER BY id") for table in POINTS_TABLES}


async def total(sql: str, *params: Any) -> int:
    row = await fetch_one(sql, *params)
    assert row is not None
    return int(next(iter(row.values())) or 0)


async def pool_balance(community_id: int) -> int:
    return await total(
        "SELECT balance FROM account WHERE community_id = ? AND kind = 'POOL'", community_id
    )


async def drain_pool(community_id: int, left: int = 0) -> None:
    """Leave only `left` points in the community's pool (moved to a sink's wallet)."""
    sink = await factories.user(name="Sink")
    pool = await pool_of(community_id=community_id)
    await wallet_of(user_id=sink.user_id, community_id=community_id)
    async with in_transaction():
        await post(
            Posting(
                debit=AccountRef.pool(pool.id),
                credit=AccountRef.wallet(sink.user_id),
                amount=await pool_balance(community_id) - left,
                reason=PointsReason.ADJUSTMENT,
            )
        )
    assert await pool_balance(community_id) == left


async def pending(user: Actor) -> int:
    return await pending_points(user_id=user.user_id)


async def lots_of(user: Actor) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT l.* FROM points_lot l JOIN account a ON a.id = l.account_id "
        "WHERE a.user_id = ? ORDER BY l.id",
        user.user_id,
    )


async def assert_points_consistent() -> None:
    """After every step: the ledger's own invariants, and

    - each wallet's cached balance = the sum of its entries = the sum of its lots' remaining;
    - no lot, wallet, pool, escrow, merchant or settled account below zero;
    - each hold resolved at most once: a PENDING hold has no resolving transfer, a resolved
      one its posting (at most the hold) and release adding up to the hold;
    - the escrow holds exactly the pending holds;
    - pool + wallets + escrow + merchants + settled = everything ever funded;
    - a lot closed by the expiry job holds nothing.
    """
    await assert_ledger_consistent()
    wallets = await fetch(
        "SELECT a.id, a.balance, COALESCE((SELECT SUM(l.remaining) FROM points_lot l "
        "WHERE l.account_id = a.id), 0) AS in_lots FROM account a WHERE a.kind = 'WALLET'"
    )
    for wallet in wallets:
        assert int(wallet["balance"]) == int(wallet["in_lots"]), wallet
    assert not await fetch("SELECT id FROM points_lot WHERE remaining < 0 OR remaining > amount")
    assert not await fetch("SELECT id FROM account WHERE kind <> 'ISSUANCE' AND balance < 0")
    assert not await fetch(
        "SELECT id FROM points_lot WHERE expired_at IS NOT NULL AND remaining <> 0"
    ), "expired lots hold nothing"
    await _assert_holds_resolved_once()
    escrow = await total("SELECT COALESCE(SUM(balance), 0) FROM account WHERE kind = 'ESCROW'")
    held = await total("SELECT COALESCE(SUM(amount), 0) FROM points_hold WHERE status = 'PENDING'")
    assert escrow == held, "the escrow holds exactly the pending holds"
    funded = -await total("SELECT COALESCE(SUM(balance), 0) FROM account WHERE kind = 'ISSUANCE'")
    everywhere = await total(
        "SELECT COALESCE(SUM(balance), 0) FROM account WHERE kind IN "
        "('POOL', 'WALLET', 'ESCROW', 'MERCHANT', 'SETTLED')"
    )
    assert everywhere == funded, "pool + wallets + holds + merchants + settled = funded"
    funding = await total(
        "SELECT COALESCE(SUM(amount), 0) FROM points_transfer WHERE reason = 'FUNDING'"
    )
    assert funding == funded


async def _assert_holds_resolved_once() -> None:
    holds = await fetch("SELECT id, amount, status, posted_amount FROM points_hold")
    for hold in holds:
        moved = await fetch(
            "SELECT idempotency_key, amount FROM points_transfer WHERE idempotency_key IN "
            "(?, ?, ?)",
            f"hold:{hold['id']}:post",
            f"hold:{hold['id']}:release",
            f"hold:{hold['id']}:expired",
        )
        out = {str(row["idempotency_key"]).rsplit(":", 1)[1]: int(row["amount"]) for row in moved}
        posted = out.get("post", 0)
        back = out.get("release", 0) + out.get("expired", 0)
        if hold["status"] == "PENDING":
            assert out == {}, hold
        elif hold["status"] == "POSTED":
            assert posted == int(hold["posted_amount"]) <= int(hold["amount"]), hold
            assert posted + back == int(hold["amount"]), hold
        else:
            assert posted == 0 and back == int(hold["amount"]), hold
