"""The treasury: where the community's points are, this month and in total (admins only).

Issued, redeemed and expired are read from the wallets' entries, so they add up exactly to
what wallets hold: outstanding = issued - redeemed - expired (+ deposits released - held).
The liability is what the community owes residents: their wallets plus the points held for
them; merchants' unsettled points are what it owes merchants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace import issuance, lots
from models import clock
from models.actor import Actor
from models.enums import AccountKind
from models.errors import Forbidden
from models.ledger import Account
from models.market import Merchant
from models.sql import fetch, fetch_one

_EARNED = "('REPORT_VERIFIED', 'EVENT_ATTENDED', 'SUGGESTION_ADOPTED', 'ADJUSTMENT')"


@dataclass(frozen=True, slots=True)
class Flows:
    funded: int
    issued: int
    redeemed: int
    expired: int
    outstanding: int


@dataclass(frozen=True, slots=True)
class MerchantOwed:
    merchant: Merchant
    unsettled: int


@dataclass(frozen=True, slots=True)
class Treasury:
    pool_balance: int
    this_month: Flows
    total: Flows
    wallets: int
    holds: int
    merchants: list[MerchantOwed]
    monthly_issuance_cap: int | None
    issued_against_cap: int

    @property
    def liability(self) -> int:
        return self.wallets + self.holds


def _flows_sql(since: str) -> str:
    """Sums of wallet entries by kind; `since` adds the period's condition to each."""

    def within(condition: str) -> str:
        return f"COALESCE(SUM(CASE WHEN {condition}{since} THEN e.amount ELSE 0 END), 0)"

    earned = f"e.reason IN {_EARNED}"
    spent = "(e.reason IN ('REDEMPTION', 'REFUND') OR (e.reason = 'EXPIRY' AND e.amount > 0))"
    expired = "e.reason = 'EXPIRY' AND e.amount < 0"
    return (
        f"{within(earned)} AS issued, {within(spent)} AS spent, "
        f"{within(expired)} AS expired, {within('1 = 1')} AS outstanding"
    )


async def treasury(*, actor: Actor) -> Treasury:
    """The community's points position (admins only)."""
    if not actor.is_admin:
        raise Forbidden()
    community_id = actor.community_id
    month_start = clock.start_of_local_month(clock.now())
    total = await _flows(community_id, None)
    month = await _flows(community_id, month_start)
    balances = {
        row["kind"]: int(row["balance"])
        for row in await fetch(
            "SELECT kind, COALESCE(SUM(balance), 0) AS balance FROM account "
            "WHERE community_id = ? GROUP BY kind",
            community_id,
        )
    }
    owed = (
        await Account.filter(community_id=community_id, kind=AccountKind.MERCHANT)
        .select_related("merchant")
        .order_by("merchant_id")
    )
    policy = await lots.policy_for(community_id=community_id)
    return Treasury(
        pool_balance=balances.get(AccountKind.POOL.value, 0),
        this_month=month,
        total=total,
        wallets=balances.get(AccountKind.WALLET.value, 0),
        holds=balances.get(AccountKind.ESCROW.value, 0),
        merchants=[MerchantOwed(a.merchant, a.balance) for a in owed if a.merchant is not None],
        monthly_issuance_cap=policy.monthly_cap,
        issued_against_cap=await issuance.issued_in(
            community_id=community_id, month=clock.month_of(clock.now())
        ),
    )


async def _flows(community_id: int, since: datetime | None) -> Flows:
    condition = "" if since is None else " AND e.created_at >= ?"
    params = () if since is None else (since,)
    row = await fetch_one(
        f"SELECT {_flows_sql(condition)} FROM points_entry e JOIN account a "
        "ON a.id = e.account_id WHERE a.community_id = ? AND a.kind = 'WALLET'",
        *(params * 4),
        community_id,
    )
    funded = await fetch_one(
        "SELECT COALESCE(SUM(e.amount), 0) AS funded FROM points_entry e JOIN account a "
        f"ON a.id = e.account_id WHERE a.community_id = ? AND a.kind = 'POOL' "
        f"AND e.reason = 'FUNDING'{condition}",
        community_id,
        *params,
    )
    assert row is not None and funded is not None  # aggregates always return a row
    return Flows(
        funded=int(funded["funded"]),
        issued=int(row["issued"]),
        redeemed=-int(row["spent"]),
        expired=-int(row["expired"]),
        outstanding=int(row["outstanding"]),
    )
