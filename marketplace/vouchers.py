"""Vouchers after redemption: used at the merchant, cancelled by the holder, or expired.

A cancelled or expired voucher gives everything back: its unit returns to the offer's stock
and its points return from the merchant to the holder's wallet (reason REFUND when the
holder cancels, EXPIRY when it lapses), into the lots they were spent from, with their
original expiry; what came from a lot that has expired since goes to the pool instead. So
remaining + ISSUED + USED = stock_added, and only a USED voucher leaves the points with the
merchant.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from marketplace import codes, lots, policies
from marketplace.ledger import AccountRef, Posting, lock_wallet, pool_of, post
from marketplace.operators import operates_any
from models import clock
from models.actor import Actor
from models.enums import PointsReason, VoucherStatus
from models.errors import Forbidden, InvalidTransition, NotFound, VoucherNotUsable
from models.ledger import Transfer
from models.market import Merchant, Voucher
from models.paging import Page, keyset_page
from models.sql import fetch_one, is_postgres

T = TypeVar("T")

EXPIRY_BATCH = 200


@dataclass(frozen=True, slots=True)
class _Claimed:
    voucher_id: int
    offer_id: int
    holder_id: int
    points_spent: int


def voucher_qr_payload(voucher: Voucher) -> str:
    """What the voucher's QR code encodes; use_voucher accepts it as well as the code."""
    return codes.qr_payload(voucher.code)


async def use_voucher(*, actor: Actor, code: str) -> Voucher:
    """Mark an ISSUED, unexpired voucher USED (operators of its offer's merchant only).

    To keep codes from being probed, a user who operates no merchant gets Forbidden for any
    code, and an operator gets VoucherNotUsable for every code that is not a usable voucher
    of a merchant they operate: unknown, used, cancelled, expired or another merchant's.
    """
    canonical = codes.normalize(code)
    row = None if canonical is None else await _mark_used(canonical, actor.user_id)
    if row is None:
        if not await operates_any(user_id=actor.user_id):
            raise Forbidden()
        raise VoucherNotUsable()
    return await Voucher.get(id=int(row["id"]))


async def _mark_used(code: str, operator_id: int) -> dict[str, Any] | None:
    now = clock.now()
    return await fetch_one(
        "UPDATE voucher SET status = 'USED', used_at = ? "
        "WHERE code = ? AND status = 'ISSUED' AND (expires_at IS NULL OR expires_at > ?) "
        "AND offer_id IN (SELECT o.id FROM offer o JOIN merchant_operator mo "
        "ON mo.merchant_id = o.merchant_id WHERE mo.user_id = ?) RETURNING id",
        now,
        code,
        now,
        operator_id,
    )


async def cancel_voucher(*, actor: Actor, voucher_id: int) -> Voucher:
    """Cancel an ISSUED voucher (its holder only): the points and the unit are given back."""
    voucher = await Voucher.get_or_none(id=voucher_id)
    if voucher is None:
        raise NotFound("No such voucher.", field="voucherId")
    if voucher.holder_id != actor.user_id:
        raise Forbidden()
    async with in_transaction():
        claimed = await _claim(voucher.id, VoucherStatus.CANCELLED)
        if claimed is None:
            raise InvalidTransition("Only an unused voucher can be cancelled.", field="voucherId")
        await _give_back(claimed, reason=PointsReason.REFUND, actor_id=actor.user_id)
    await voucher.refresh_from_db()
    return voucher


async def expire_vouchers(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """Mark ISSUED vouchers past expires_at EXPIRED, refunding each; return how many.

    The points go back to the holder's wallet (reason EXPIRY), not to the pool: the holder
    paid for something never delivered; the unit goes back to stock. `now` only decides
    which vouchers are due; closed_at and the entries record when the job really ran. Each
    voucher is claimed and refunded in its own transaction, so replicas running this at
    once never refund one twice.
    """
    moment = clock.now_or(now)
    expired = 0
    while expired < limit:
        async with in_transaction():
            claimed = await _claim_next_expired(moment)
            if claimed is not None:
                await _give_back(claimed, reason=PointsReason.EXPIRY, actor_id=None)
        if claimed is None:
            break
        expired += 1
    return expired


async def _claim(voucher_id: int, status: VoucherStatus) -> _Claimed | None:
    """Close one ISSUED voucher; None if it was not ISSUED (any more)."""
    row = await fetch_one(
        "UPDATE voucher SET status = ?, closed_at = ? WHERE id = ? AND status = 'ISSUED' "
        "RETURNING id, offer_id, holder_id, points_spent",
        status.value,
        clock.now(),
        voucher_id,
    )
    return None if row is None else _claimed(row)


async def _claim_next_expired(due_by: datetime) -> _Claimed | None:
    # SKIP LOCKED lets another replica's claim (or a holder's cancel) pass by; SQLite runs
    # one transaction at a time, so the status test alone suffices there.
    skip_locked = " FOR UPDATE SKIP LOCKED" if is_postgres() else ""
    row = await fetch_one(
        "UPDATE voucher SET status = 'EXPIRED', closed_at = ? "
        "WHERE status = 'ISSUED' AND id = (SELECT id FROM voucher "
        "WHERE status = 'ISSUED' AND expires_at <= ? ORDER BY expires_at, id LIMIT 1"
        f"{skip_locked}) RETURNING id, offer_id, holder_id, points_spent",
        clock.now(),
        due_by,
    )
    return None if row is None else _claimed(row)


def _claimed(row: dict[str, Any]) -> _Claimed:
    return _Claimed(
        voucher_id=int(row["id"]),
        offer_id=int(row["offer_id"]),
        holder_id=int(row["holder_id"]),
        points_spent=int(row["points_spent"]),
    )


async def _give_back(claimed: _Claimed, *, reason: PointsReason, actor_id: int | None) -> None:
    """Return the unit to stock and the points to the holder's lots (lock order: offer,
    wallet, merchant account, pool); points of lots expired since go to the pool."""
    offer = await fetch_one(
        "UPDATE offer SET remaining = remaining + 1 WHERE id = ? RETURNING merchant_id, title",
        claimed.offer_id,
    )
    if offer is None:
        raise NotFound("No such offer.", field="offerId")
    await lock_wallet(user_id=claimed.holder_id)
    merchant_id = int(offer["merchant_id"])
    refund = Posting(
        debit=AccountRef.merchant(merchant_id),
        credit=AccountRef.wallet(claimed.holder_id),
        amount=claimed.points_spent,
        reason=reason,
        memo=str(offer["title"]),
        actor_id=actor_id,
        source_type="voucher",
        source_id=claimed.voucher_id,
    )
    plan = await _refund_plan(claimed)
    if plan.to_wallet:
        await post(replace(refund, amount=plan.to_wallet), restore=plan.restore)
    if plan.expired:
        merchant = await Merchant.get(id=merchant_id)
        pool = await pool_of(community_id=merchant.community_id)
        await post(
            replace(
                refund,
                credit=AccountRef.pool(pool.id),
                amount=plan.expired,
                reason=PointsReason.EXPIRY,
                memo=f"{offer['title']}: refund of expired points"[:200],
            )
        )


async def _refund_plan(claimed: _Claimed) -> lots.RefundPlan:
    spent = await Transfer.filter(
        source_type="voucher", source_id=claimed.voucher_id, reason=PointsReason.REDEMPTION
    ).first()
    if spent is None:  # no redemption transfer to follow: a new lot
        return lots.RefundPlan(lots.Restore(fresh=claimed.points_spent))
    return await lots.refund_plan(
        debit_transfer_id=spent.id, amount=claimed.points_spent, now=clock.now()
    )


async def list_vouchers(
    *, holder_id: int, status: VoucherStatus | None, first: int | None, after: int | None
) -> Page[Voucher]:
    """A holder's vouchers, newest first, optionally of one status."""
    query = Voucher.filter(holder_id=holder_id)
    if status is not None:
        query = query.filter(status=status)
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def get_voucher(*, actor: Actor, voucher_id: int) -> Voucher:
    """One voucher, for its holder, its merchant's operators and the community's admins."""
    voucher = await Voucher.get_or_none(id=voucher_id).select_related("offer__merchant")
    if voucher is None or not await _may_see(actor, voucher):
        raise NotFound("No such voucher.", field="voucherId")
    return voucher


async def vouchers_visible_to(*, actor: Actor, voucher_ids: Collection[int]) -> dict[int, Voucher]:
    """The vouchers among these the actor may see, by id: one statement loads them, then
    `policies.may_see_voucher` judges each as `get_voucher` does (no statement for their
    holder or the community's admins; one per voucher, its operator check, for anyone else)."""
    if not voucher_ids:
        return {}
    rows = await Voucher.filter(id__in=set(voucher_ids)).select_related("offer__merchant")
    return {row.id: row for row in rows if await _may_see(actor, row)}


async def _may_see(actor: Actor, voucher: Voucher) -> bool:
    """`policies.may_see_voucher` for a voucher loaded with its offer's merchant."""
    return await policies.may_see_voucher(
        viewer=actor, voucher=voucher, merchant=lambda: _ready(voucher.offer.merchant)
    )


async def visible_code(*, actor: Actor, voucher: Voucher, merchant_id: int) -> str | None:
    """The code, where `policies.may_see_voucher_code` shows it."""
    shown = await policies.may_see_voucher_code(
        viewer=actor, voucher=voucher, merchant_id=lambda: _ready(merchant_id)
    )
    return voucher.code if shown else None


async def _ready(value: T) -> T:
    return value
