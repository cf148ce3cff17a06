"""Builders and checks shared by the marketplace and ledger tests.

Builders go through the domain functions (so the rows are what production would write);
checks read the database directly, so they trust nothing the code under test reports.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from community.people import load_actor
from marketplace.adjustments import adjust_points
from marketplace.merchants import approve_merchant, register_merchant
from marketplace.offers import create_offer
from models.actor import Actor
from models.enums import Role
from models.grid import Community
from models.market import Merchant, Offer
from models.people import User, UserRole
from models.sql import fetch
from tests import factories
from tests.harness.snapshots import MARKET_TABLES
from tests.harness.snapshots import market_rows as snapshot
from tests.harness.wallets import balance

__all__ = ["MARKET_TABLES", "balance", "snapshot"]

_keys = itertools.count(1)
_names = itertools.count(1)


def new_key() -> str:
    return f"key-{next(_keys)}"


async def admin() -> Actor:
    return await factories.user(Role.COMMUNITY_ADMIN, name="Admin")


async def resident(name: str = "Resident") -> Actor:
    return await factories.user(name=name)


async def reload(actor: Actor) -> Actor:
    """The actor with the roles they hold now (approval grants MERCHANT)."""
    fresh = await load_actor(actor.user_id)
    assert fresh is not None
    return fresh


async def fund(user: Actor, points: int, *, by: Actor | None = None) -> None:
    """Give a user points the way an admin would."""
    granter = by or await admin()
    await adjust_points(
        actor=granter,
        user_id=user.user_id,
        amount=points,
        memo="Test funds",
        idempotency_key=new_key(),
    )


async def pending_merchant(owner: Actor, name: str | None = None) -> Merchant:
    return await register_merchant(
        actor=owner,
        name=name or f"Shop {next(_names)}",
        category="Grocery",
        address="1 Jinhua Road",
    )


async def active_merchant(
    owner: Actor | None = None, *, by: Actor | None = None
) -> tuple[Merchant, Actor]:
    """An approved merchant and its owner (who operates it)."""
    owner = owner or await factories.user(name="Owner")
    merchant = await pending_merchant(owner)
    await approve_merchant(actor=by or await admin(), merchant_id=merchant.id)
    return await Merchant.get(id=merchant.id), await reload(owner)


async def offer_of(
    merchant: Merchant,
    operator: Actor,
    *,
    price: int = 10,
    stock: int = 5,
    per_user_limit: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    title: str = "Rice 5 kg",
) -> Offer:
    return await create_offer(
        actor=operator,
        merchant_id=merchant.id,
        title=title,
        description="Northeast rice",
        points_price=price,
        stock=stock,
        per_user_limit=per_user_limit,
        valid_from=valid_from,
        valid_until=valid_until,
    )


async def merchant_balance(merchant: Merchant) -> int:
    rows = await fetch("SELECT balance FROM account WHERE merchant_id = ?", merchant.id)
    return int(rows[0]["balance"]) if rows else 0


async def count(table: str) -> int:
    rows = await fetch(f"SELECT COUNT(*) AS n FROM {table}")
    return int(rows[0]["n"])


async def count_transfers() -> int:
    """Transfers made by the code under test: the pool's funding by the builders aside."""
    rows = await fetch("SELECT COUNT(*) AS n FROM points_transfer WHERE reason <> 'FUNDING'")
    return int(rows[0]["n"])


async def assert_ledger_consistent() -> None:
    """The ledger's invariants, read straight from the tables."""
    accounts = await fetch("SELECT id, kind, balance FROM account")
    assert sum(int(a["balance"]) for a in accounts) == 0
    assert all(int(a["balance"]) >= 0 for a in accounts if a["kind"] != "ISSUANCE")
    entries = await fetch(
        "SELECT account_id, transfer_id, amount, balance_after FROM points_entry ORDER BY id"
    )
    running: dict[int, int] = {}
    for entry in entries:
        account_id = int(entry["account_id"])
        running[account_id] = running.get(account_id, 0) + int(entry["amount"])
        assert running[account_id] == int(entry["balance_after"]), "balance_after is exact"
    for account in accounts:
        assert running.get(int(account["id"]), 0) == int(account["balance"]), "cache = entries"
    per_transfer = await fetch(
        "SELECT t.amount, COUNT(e.id) AS sides, SUM(e.amount) AS net, "
        "SUM(CASE WHEN e.amount > 0 THEN e.amount ELSE 0 END) AS credited "
        "FROM points_transfer t JOIN points_entry e ON e.transfer_id = t.id GROUP BY t.id, t.amount"
    )
    for transfer in per_transfer:
        assert int(transfer["sides"]) == 2 and int(transfer["net"]) == 0
        assert int(transfer["credited"]) == int(transfer["amount"])
    assert len(per_transfer) == await count("points_transfer")
    assert not await fetch("SELECT id FROM account WHERE kind <> 'ISSUANCE' AND balance < 0"), (
        "only the issuance account goes below zero"
    )


async def assert_stock_consistent() -> None:
    """remaining + vouchers holding a unit (ISSUED or USED) = units ever added."""
    rows = await fetch(
        "SELECT o.id, o.remaining, o.stock_added, "
        "(SELECT COUNT(*) FROM voucher v WHERE v.offer_id = o.id "
        "AND v.status IN ('ISSUED', 'USED')) AS held FROM offer o"
    )
    for row in rows:
        assert int(row["remaining"]) + int(row["held"]) == int(row["stock_added"]), row
        assert int(row["remaining"]) >= 0


async def outsider(name: str = "Outsider") -> Actor:
    """A user of another community."""
    other, _ = await Community.get_or_create(name="Elsewhere")
    row = await User.create(
        community=other,
        phone=f"1380000{next(_keys):04d}",
        password_hash="not-a-real-hash",
        display_name=name,
    )
    await UserRole.create(user=row, role=Role.RESIDENT)
    fresh = await load_actor(row.id)
    assert fresh is not None
    return fresh
