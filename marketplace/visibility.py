"""Which offers and merchants a caller may fetch by id (`node`, `nodes`): exactly those some
other field shows them, decided for many ids at once (a Relay refetch of a page of cards costs
the same few statements as one).

Logged-in callers see what `get_offer` and `get_merchant` allow: redeemable offers, offers they
hold a voucher of, every offer and merchant they oversee (operators, the community's admins),
and active merchants. Anonymous callers browse the public catalogue (`offers`): an offer
redeemable now in the community they view, and the merchant of such an offer
(`Offer.merchant`); nothing else.
"""

from __future__ import annotations

from collections.abc import Collection

from tortoise.expressions import Subquery

from marketplace.offers import redeemable_now
from models.actor import Actor
from models.enums import MerchantStatus
from models.market import Merchant, MerchantOperator, Offer, Voucher


async def _operated(actor: Actor, merchant_ids: Collection[int]) -> set[int]:
    """The merchants among these that the actor oversees (may_oversee for many)."""
    if actor.is_admin:
        return set(merchant_ids)  # callers only pass merchants of the actor's community
    rows = await MerchantOperator.filter(
        user_id=actor.user_id, merchant_id__in=set(merchant_ids)
    ).only("id", "merchant_id")
    return {row.merchant_id for row in rows}


async def offers_visible_to(
    *, actor: Actor | None, offer_ids: Collection[int], viewing_community_id: int | None
) -> dict[int, Offer]:
    """The offers among these the caller may see, by id; the others are simply absent."""
    if not offer_ids or viewing_community_id is None:
        return {}
    in_view = Offer.filter(id__in=set(offer_ids), merchant__community_id=viewing_community_id)
    visible = {offer.id: offer for offer in await in_view.filter(redeemable_now())}
    if actor is None:
        return visible
    others = await in_view.exclude(id__in=list(visible))
    if not others:
        return visible
    vouchers = await Voucher.filter(
        offer_id__in=[offer.id for offer in others], holder_id=actor.user_id
    ).only("id", "offer_id")
    held = {voucher.offer_id for voucher in vouchers}
    overseen = await _operated(actor, {offer.merchant_id for offer in others})
    for offer in others:
        if offer.id in held or offer.merchant_id in overseen:
            visible[offer.id] = offer
    return visible


async def merchants_visible_to(
    *, actor: Actor | None, merchant_ids: Collection[int], viewing_community_id: int | None
) -> dict[int, Merchant]:
    """The merchants among these the caller may see, by id; the others are simply absent."""
    if not merchant_ids or viewing_community_id is None:
        return {}
    in_view = Merchant.filter(id__in=set(merchant_ids), community_id=viewing_community_id)
    if actor is None:
        listing = Subquery(Offer.filter(redeemable_now()).values("merchant_id"))
        rows = await in_view.filter(status=MerchantStatus.ACTIVE, id__in=listing)
        return {merchant.id: merchant for merchant in rows}
    rows = await in_view
    inactive = {row.id for row in rows if row.status is not MerchantStatus.ACTIVE}
    overseen = await _operated(actor, inactive) if inactive else set()
    return {row.id: row for row in rows if row.id not in inactive or row.id in overseen}


async def offer_visible_to(
    *, actor: Actor | None, offer_id: int, viewing_community_id: int | None
) -> Offer | None:
    """The offer if the caller may see it, else None (whether it exists stays hidden)."""
    found = await offers_visible_to(
        actor=actor, offer_ids=[offer_id], viewing_community_id=viewing_community_id
    )
    return found.get(offer_id)


async def merchant_visible_to(
    *, actor: Actor | None, merchant_id: int, viewing_community_id: int | None
) -> Merchant | None:
    """The merchant if the caller may see it, else None (whether it exists stays hidden)."""
    found = await merchants_visible_to(
        actor=actor, merchant_ids=[merchant_id], viewing_community_id=viewing_community_id
    )
    return found.get(merchant_id)


__all__ = [
    "merchant_visible_to",
    "merchants_visible_to",
    "offer_visible_to",
    "offers_visible_to",
]
