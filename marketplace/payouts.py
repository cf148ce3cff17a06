"""Merchant settlement: the community pays a merchant for its used vouchers, period by period.

`settle_merchant` closes the period up to `period_end`: the points of the merchant's vouchers
used before then and not yet settled move from its account to the community's settled
account, against the community's payment reference, and those vouchers are marked with the
settlement. Only used vouchers are settled: an unused one may still be cancelled or expire,
and its points must then be there to go back. A period is settled once; settling up to a
moment already settled is refused.

Lock order: the merchant row (serialising one merchant's settlements), its vouchers, then
its account and the settled account, the same order a cancellation takes vouchers and
accounts, so settling never deadlocks with redemptions, uses or refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.ledger import AccountRef, Posting, community_account, merchant_account_of, post
from marketplace.operators import is_operator, merchant_in_community, require_overseer
from models import clock, inputs
from models.actor import Actor
from models.enums import AccountKind, PointsReason
from models.errors import AlreadyExists, Forbidden, InvalidInput
from models.points import MerchantSettlement
from models.sql import fetch, fetch_one, is_postgres

MAX_REFERENCE_LENGTH = 100
STATEMENT_PERIODS = 24


@dataclass(frozen=True, slots=True)
class OpenPeriod:
    """What is not settled yet: used vouchers waiting for the next settlement, and issued
    vouchers whose points the merchant holds until they are used, cancelled or expire."""

    period_start: datetime | None
    used_points: int
    used_vouchers: int
    issued_points: int
    issued_vouchers: int
    balance: int


@dataclass(frozen=True, slots=True)
class Statement:
    merchant_id: int
    settled: list[MerchantSettlement]
    open: OpenPeriod


async def settle_merchant(
    *, actor: Actor, merchant_id: int, period_end: datetime, reference: str
) -> MerchantSettlement:
    """Close the merchant's period up to `period_end` against a payment reference (admins
    who do not operate the merchant). Settling up to a moment already settled is refused."""
    if not actor.is_admin:
        raise Forbidden()
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    if await is_operator(user_id=actor.user_id, merchant_id=merchant.id):
        raise Forbidden("Another admin must settle a merchant you operate.")
    end = clock.as_utc(period_end, field="periodEnd")
    if end > clock.now():
        raise InvalidInput("A period can be settled only once it has ended.", field="periodEnd")
    text = inputs.required_text(reference, field="reference", max_length=MAX_REFERENCE_LENGTH)
    settled = await community_account(community_id=actor.community_id, kind=AccountKind.SETTLED)
    await merchant_account_of(merchant_id=merchant.id, community_id=actor.community_id)
    try:
        async with in_transaction():
            return await _settle(actor, merchant.id, end, text, settled.id)
    except IntegrityError as clash:
        raise _already_settled() from clash


def _already_settled() -> AlreadyExists:
    return AlreadyExists("This merchant is already settled up to then.", field="periodEnd")


async def _settle(
    actor: Actor, merchant_id: int, end: datetime, reference: str, settled_account_id: int
) -> MerchantSettlement:
    if is_postgres():
        await fetch("SELECT id FROM merchant WHERE id = ? FOR UPDATE", merchant_id)
    last = await last_settled(merchant_id=merchant_id)
    if _covers(last, end):
        raise _already_settled()
    settlement = await MerchantSettlement.create(
        merchant_id=merchant_id,
        period_start=last,
        period_end=end,
        points=0,
        vouchers=0,
        reference=reference,
        settled_by_id=actor.user_id,
    )
    vouchers = await fetch(
        "UPDATE voucher SET settlement_id = ? WHERE status = 'USED' AND settlement_id IS NULL "
        "AND used_at < ? AND offer_id IN (SELECT id FROM offer WHERE merchant_id = ?) "
        "RETURNING points_spent",
        settlement.id,
        end,
        merchant_id,
    )
    points = sum(int(v["points_spent"]) for v in vouchers)
    transfer_id = None
    if points:
        posted = await post(
            Posting(
                debit=AccountRef.merchant(merchant_id),
                credit=AccountRef(AccountKind.SETTLED, settled_account_id),
                amount=points,
                reason=PointsReason.SETTLEMENT,
                memo=reference,
                actor_id=actor.user_id,
                source_type="settlement",
                source_id=settlement.id,
                idempotency_key=f"settle:{settlement.id}",
            )
        )
        transfer_id = posted.transfer.id
    await MerchantSettlement.filter(id=settlement.id).update(
        points=points, vouchers=len(vouchers), transfer_id=transfer_id
    )
    await settlement.refresh_from_db()
    return settlement


def _covers(last_settled: datetime | None, period_end: datetime) -> bool:
    return last_settled is not None and period_end <= last_settled


async def period_settled(*, merchant_id: int, period_end: datetime) -> bool:
    """Whether the merchant is settled (paid out) up to `period_end`."""
    last = await last_settled(merchant_id=merchant_id)
    return _covers(last, clock.as_utc(period_end, field="periodEnd"))


async def last_settled(*, merchant_id: int) -> datetime | None:
    """The end of the merchant's last settled period, or None before the first."""
    row = await fetch_one(
        "SELECT MAX(period_end) AS last FROM merchant_settlement WHERE merchant_id = ?",
        merchant_id,
    )
    return None if row is None else clock.from_row(row["last"])


async def statement(*, actor: Actor, merchant_id: int) -> Statement:
    """The merchant's settled periods (newest first) and its open one (operators, admins)."""
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    await require_overseer(actor=actor, merchant=merchant)
    settled = (
        await MerchantSettlement.filter(merchant_id=merchant.id)
        .order_by("-period_end")
        .limit(STATEMENT_PERIODS)
    )
    row = await fetch_one(
        "SELECT "
        "COALESCE(SUM(CASE WHEN v.status = 'USED' AND v.settlement_id IS NULL "
        "THEN v.points_spent ELSE 0 END), 0) AS used_points, "
        "COALESCE(SUM(CASE WHEN v.status = 'USED' AND v.settlement_id IS NULL "
        "THEN 1 ELSE 0 END), 0) AS used_vouchers, "
        "COALESCE(SUM(CASE WHEN v.status = 'ISSUED' THEN v.points_spent ELSE 0 END), 0) "
        "AS issued_points, "
        "COALESCE(SUM(CASE WHEN v.status = 'ISSUED' THEN 1 ELSE 0 END), 0) AS issued_vouchers, "
        "(SELECT COALESCE(MAX(balance), 0) FROM account WHERE merchant_id = ?) AS balance "
        "FROM voucher v JOIN offer o ON o.id = v.offer_id WHERE o.merchant_id = ?",
        merchant.id,
        merchant.id,
    )
    assert row is not None  # an aggregate always returns a row
    return Statement(
        merchant_id=merchant.id,
        settled=list(settled),
        open=OpenPeriod(
            period_start=settled[0].period_end if settled else None,
            used_points=int(row["used_points"]),
            used_vouchers=int(row["used_vouchers"]),
            issued_points=int(row["issued_points"]),
            issued_vouchers=int(row["issued_vouchers"]),
            balance=int(row["balance"]),
        ),
    )
