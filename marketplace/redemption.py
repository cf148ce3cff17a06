"""Redeeming an offer: one unit of stock and its price in points become a voucher, at once.

The happy path is six statements, seven with a per-user limit: take a unit (the UPDATE is
itself the availability and stock check, and locks the offer row), insert the voucher (its
unique (holder, key) is the idempotency claim), debit the wallet (the balance check and the
wallet lock), credit the merchant, insert the transfer, insert its entries, and count the
holder's vouchers for a limited offer. Which rule refused is worked out only after a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import codes
from marketplace.ledger import AccountRef, Posting, balance_of, post
from marketplace.offers import REDEEMABLE_SQL, redeemable_now, redeemable_sql_params
from models import clock, inputs
from models.actor import Actor
from models.enums import PointsReason, VoucherStatus
from models.errors import (
    AlreadyExists,
    InsufficientPoints,
    LimitReached,
    NotFound,
    OfferNotAvailable,
    OutOfStock,
    UserFacingError,
)
from models.inputs import in_range
from models.market import Offer, Voucher
from models.sql import fetch_one

VOUCHER_DAYS = 30
CODE_ATTEMPTS = 3

_TAKE_UNIT = (
    "UPDATE offer SET remaining = remaining - 1 "
    f"WHERE offer.id = ? AND offer.remaining > 0 AND {REDEEMABLE_SQL} "
    "AND EXISTS (SELECT 1 FROM merchant c WHERE c.id = offer.merchant_id AND c.community_id = ?) "
    "RETURNING id, merchant_id, title, points_price, per_user_limit, valid_until"
)


@dataclass(frozen=True, slots=True)
class Redemption:
    voucher: Voucher
    points_balance: int


@dataclass(frozen=True, slots=True)
class _Unit:
    offer_id: int
    merchant_id: int
    title: str
    price: int
    per_user_limit: int | None
    valid_until: datetime | None


async def redeem_offer(
    *, actor: Actor, offer_id: int, idempotency_key: str, voucher_days: int = VOUCHER_DAYS
) -> Redemption:
    """Spend points on one unit of an offer for a voucher; a repeated key returns the first."""
    key = inputs.idempotency_key(idempotency_key)
    in_range(voucher_days, field="voucherDays", low=1, high=366)
    for attempt in range(CODE_ATTEMPTS):
        try:
            async with in_transaction():
                return await _redeem(actor, offer_id, key, voucher_days)
        except (UserFacingError, IntegrityError) as refused:
            # Optimistic idempotency: only a refusal can mean the key was used before.
            first = await Voucher.get_or_none(holder_id=actor.user_id, idempotency_key=key)
            if first is not None:
                return await _replay(first, offer_id=offer_id)
            if isinstance(refused, UserFacingError) or attempt == CODE_ATTEMPTS - 1:
                raise
            # A unique violation with no voucher under the key: the code collided; retry.
    raise AssertionError("unreachable")


async def _redeem(actor: Actor, offer_id: int, key: str, voucher_days: int) -> Redemption:
    now = clock.now()
    unit = await _take_unit(offer_id, actor.community_id, now)
    if unit is None:
        await _explain_unavailable(offer_id, actor)
        raise OfferNotAvailable()
    voucher = await Voucher.create(
        code=codes.new_code(),
        offer_id=unit.offer_id,
        holder_id=actor.user_id,
        points_spent=unit.price,
        idempotency_key=key,
        expires_at=unit.valid_until or now + timedelta(days=voucher_days),
    )
    try:
        posted = await post(
            Posting(
                debit=AccountRef.wallet(actor.user_id),
                credit=AccountRef.merchant(unit.merchant_id),
                amount=unit.price,
                reason=PointsReason.REDEMPTION,
                memo=unit.title,
                actor_id=actor.user_id,
                source_type="voucher",
                source_id=voucher.id,
            )
        )
    except InsufficientPoints:
        await _check_limit(unit.offer_id, unit.per_user_limit, actor.user_id, counting_new=True)
        raise
    await _check_limit(unit.offer_id, unit.per_user_limit, actor.user_id, counting_new=True)
    return Redemption(voucher, posted.debit_entry().balance_after)


async def _take_unit(offer_id: int, community_id: int, now: datetime) -> _Unit | None:
    row = await fetch_one(_TAKE_UNIT, offer_id, *redeemable_sql_params(now), community_id)
    if row is None:
        return None
    return _Unit(
        offer_id=int(row["id"]),
        merchant_id=int(row["merchant_id"]),
        title=str(row["title"]),
        price=int(row["points_price"]),
        per_user_limit=None if row["per_user_limit"] is None else int(row["per_user_limit"]),
        valid_until=clock.from_row(row["valid_until"]),
    )


async def _check_limit(
    offer_id: int, per_user_limit: int | None, holder_id: int, *, counting_new: bool
) -> None:
    """Refuse when the holder's live vouchers for the offer (cancelled ones aside) exceed
    the limit; run after the wallet lock, so one holder's redemptions are serialised."""
    if per_user_limit is None:
        return
    held = (
        await Voucher.filter(offer_id=offer_id, holder_id=holder_id)
        .exclude(status=VoucherStatus.CANCELLED)
        .count()
    )
    if held - (1 if counting_new else 0) >= per_user_limit:
        raise LimitReached()


async def _explain_unavailable(offer_id: int, actor: Actor) -> None:
    """Raise the first rule the offer fails, in the order: exists, available, limit, stock."""
    offer = await Offer.get_or_none(id=offer_id, merchant__community_id=actor.community_id)
    if offer is None:
        raise NotFound("No such offer.", field="offerId")
    if not await Offer.filter(redeemable_now(), id=offer_id).exists():
        raise OfferNotAvailable()
    await _check_limit(offer.id, offer.per_user_limit, actor.user_id, counting_new=False)
    if offer.remaining <= 0:
        raise OutOfStock()


async def _replay(first: Voucher, *, offer_id: int) -> Redemption:
    if first.offer_id != offer_id:
        raise AlreadyExists(
            "This idempotency key was already used for another offer.", field="idempotencyKey"
        )
    return Redemption(first, await balance_of(user_id=first.holder_id))
