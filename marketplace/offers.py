"""Offers: created and changed by their merchant's operators, listed while redeemable.

Stock bookkeeping: stock_added counts every unit ever put up and remaining the units left,
so remaining + vouchers holding a unit (ISSUED or USED) = stock_added at all times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import F, Q

from marketplace.operators import may_oversee, merchant_in_community, require_operator
from models import clock
from models.actor import Actor
from models.enums import MerchantStatus, OfferStatus
from models.errors import InvalidInput, InvalidTransition, NotFound
from models.inputs import bounded_text, in_range, required_text
from models.market import Merchant, Offer, Voucher
from models.paging import Page, keyset_page

MAX_PRICE = 1_000_000
MAX_STOCK = 100_000
MAX_DESCRIPTION = 2_000
_TRANSITIONS = {
    OfferStatus.ACTIVE: {OfferStatus.ACTIVE, OfferStatus.PAUSED, OfferStatus.ENDED},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.PAUSED, OfferStatus.ENDED},
    OfferStatus.ENDED: set(),
}


async def create_offer(
    *,
    actor: Actor,
    merchant_id: int,
    title: str,
    description: str,
    points_price: int,
    stock: int,
    per_user_limit: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Offer:
    """Put up an offer (the merchant's operators only; a PENDING merchant may prepare them)."""
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    await require_operator(actor=actor, merchant_id=merchant.id)
    _require_not_suspended(merchant)
    starts = None if valid_from is None else clock.as_utc(valid_from, field="validFrom")
    ends = None if valid_until is None else _check_end(valid_until, starts)
    return await Offer.create(
        merchant_id=merchant.id,
        title=required_text(title, field="title", max_length=100),
        description=bounded_text(description, field="description", max_length=MAX_DESCRIPTION),
        points_price=in_range(points_price, field="pointsPrice", low=1, high=MAX_PRICE),
        stock_added=in_range(stock, field="stock", low=0, high=MAX_STOCK),
        remaining=stock,
        per_user_limit=_check_limit(per_user_limit),
        valid_from=starts,
        valid_until=ends,
    )


async def update_offer(
    *,
    actor: Actor,
    offer_id: int,
    title: str | None = None,
    description: str | None = None,
    points_price: int | None = None,
    stock_delta: int | None = None,
    per_user_limit: int | None = None,
    valid_until: datetime | None = None,
    status: OfferStatus | None = None,
) -> Offer:
    """Change an offer (its merchant's operators only); None leaves a field as it is.

    stock_delta adds units, or withdraws units not yet redeemed; ENDED offers are final.
    """
    offer = await _offer_in_community(offer_id, actor.community_id)
    await require_operator(actor=actor, merchant_id=offer.merchant_id)
    _require_not_suspended(offer.merchant)
    changes = _changes(
        offer,
        title=title,
        description=description,
        points_price=points_price,
        per_user_limit=per_user_limit,
        valid_until=valid_until,
        status=status,
    )
    delta = in_range(stock_delta or 0, field="stockDelta", low=-MAX_STOCK, high=MAX_STOCK)
    query = Offer.filter(id=offer.id).exclude(status=OfferStatus.ENDED)
    if delta:
        # Conditional: withdrawing races with redemptions, so the floor is checked in the
        # same statement that moves it.
        query = query.filter(remaining__gte=-delta, stock_added__lte=MAX_STOCK - delta)
        changes.update(remaining=F("remaining") + delta, stock_added=F("stock_added") + delta)
    if changes and not await query.update(**changes):
        await _explain_refused_update(offer.id)
    return await Offer.get(id=offer.id)


def _changes(
    offer: Offer,
    *,
    title: str | None,
    description: str | None,
    points_price: int | None,
    per_user_limit: int | None,
    valid_until: datetime | None,
    status: OfferStatus | None,
) -> dict[str, Any]:
    if offer.status is OfferStatus.ENDED:
        raise InvalidTransition("This offer has ended.", field="status")
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = required_text(title, field="title", max_length=100)
    if description is not None:
        changes["description"] = bounded_text(
            description, field="description", max_length=MAX_DESCRIPTION
        )
    if points_price is not None:
        changes["points_price"] = in_range(points_price, field="pointsPrice", low=1, high=MAX_PRICE)
    if per_user_limit is not None:
        changes["per_user_limit"] = _check_limit(per_user_limit)
    if valid_until is not None:
        changes["valid_until"] = _check_end(valid_until, offer.valid_from)
    if status is not None:
        if status not in _TRANSITIONS[offer.status]:
            raise InvalidTransition(field="status")
        changes["status"] = status
    return changes


async def _explain_refused_update(offer_id: int) -> None:
    current = await Offer.get(id=offer_id)
    if current.status is OfferStatus.ENDED:
        raise InvalidTransition("This offer has ended.", field="status")
    raise InvalidInput(
        f"The stock can change by -{current.remaining} to +{MAX_STOCK - current.stock_added}.",
        field="stockDelta",
    )


def _check_limit(per_user_limit: int | None) -> int | None:
    if per_user_limit is None:
        return None
    return in_range(per_user_limit, field="perUserLimit", low=1, high=MAX_STOCK)


def _check_end(valid_until: datetime, valid_from: datetime | None) -> datetime:
    ends = clock.as_utc(valid_until, field="validUntil")
    if valid_from is not None and ends <= valid_from:
        raise InvalidInput("The offer must end after it starts.", field="validUntil")
    if ends <= clock.now():
        raise InvalidInput("The end must be in the future.", field="validUntil")
    return ends


def _require_not_suspended(merchant: Merchant) -> None:
    if merchant.status is MerchantStatus.SUSPENDED:
        raise InvalidTransition("This merchant is suspended.", field="merchantId")


async def _offer_in_community(offer_id: int, community_id: int) -> Offer:
    offer = (
        await Offer.filter(id=offer_id, merchant__community_id=community_id)
        .select_related("merchant")
        .first()
    )
    if offer is None:
        raise NotFound("No such offer.", field="offerId")
    return offer


# "Redeemable now" (stock aside) is one rule, written here in the two forms its callers need:
# the ORM filter for listings and explanations, and the SQL predicate of redemption's single
# UPDATE that takes a unit (marketplace/redemption.py). tests/domain/test_redeemable_now.py
# checks that both pick the same offers.
REDEEMABLE_SQL = (
    f"offer.status = '{OfferStatus.ACTIVE.value}' "
    "AND (offer.valid_from IS NULL OR offer.valid_from <= ?) "
    "AND (offer.valid_until IS NULL OR offer.valid_until > ?) "
    "AND EXISTS (SELECT 1 FROM merchant m WHERE m.id = offer.merchant_id "
    f"AND m.status = '{MerchantStatus.ACTIVE.value}')"
)


def redeemable_sql_params(now: datetime) -> tuple[datetime, datetime]:
    """The parameters of REDEEMABLE_SQL, in order."""
    return (now, now)


def redeemable_now(now: datetime | None = None) -> Q:
    """Offers a resident can redeem at this moment (stock aside)."""
    now = clock.now_or(now)
    return Q(
        Q(merchant__status=MerchantStatus.ACTIVE),
        Q(status=OfferStatus.ACTIVE),
        Q(valid_from__isnull=True) | Q(valid_from__lte=now),
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
    )


async def list_redeemable_offers(
    *,
    first: int | None,
    after: int | None,
    merchant_id: int | None = None,
    community_id: int | None = None,
) -> Page[Offer]:
    """Offers that can be redeemed now, newest first."""
    query = Offer.filter(redeemable_now())
    if merchant_id is not None:
        query = query.filter(merchant_id=merchant_id)
    if community_id is not None:
        query = query.filter(merchant__community_id=community_id)
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def list_merchant_offers(
    *, actor: Actor | None, merchant_id: int, first: int | None, after: int | None
) -> Page[Offer]:
    """A merchant's offers: all of them for its operators and admins, else the redeemable
    (an anonymous visitor, who reached the merchant through the public catalogue, too)."""
    if actor is None:
        return await list_redeemable_offers(first=first, after=after, merchant_id=merchant_id)
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    query = Offer.filter(merchant_id=merchant.id)
    if not await may_oversee(actor=actor, merchant=merchant):
        query = query.filter(redeemable_now())
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def get_offer(*, actor: Actor, offer_id: int) -> Offer:
    """One offer the viewer may see: redeemable, bought by them (a voucher's offer stays
    visible to its holder), or any of a merchant they oversee."""
    offer = await _offer_in_community(offer_id, actor.community_id)
    if await may_oversee(actor=actor, merchant=offer.merchant):
        return offer
    if await Offer.filter(redeemable_now(), id=offer.id).exists():
        return offer
    if await Voucher.filter(offer_id=offer.id, holder_id=actor.user_id).exists():
        return offer
    raise NotFound("No such offer.", field="offerId")
