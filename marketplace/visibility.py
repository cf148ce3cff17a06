"""Which offers and merchants a caller may fetch by id (`node`, `nodes`): exactly those some
other field shows them. Logged-in callers: `get_offer` and `get_merchant`. Anonymous callers
browse the public catalogue (`offers`): an offer redeemable now in the community they view,
and the merchant of such an offer (`Offer.merchant`); nothing else.
"""

from __future__ import annotations

from marketplace.merchants import get_merchant
from marketplace.offers import get_offer, redeemable_now
from models.actor import Actor
from models.enums import MerchantStatus
from models.errors import NotFound
from models.market import Merchant, Offer


async def offer_visible_to(
    *, actor: Actor | None, offer_id: int, viewing_community_id: int | None
) -> Offer | None:
    """The offer if the caller may see it, else None (whether it exists stays hidden)."""
    if actor is not None:
        try:
            return await get_offer(actor=actor, offer_id=offer_id)
        except NotFound:
            return None
    if viewing_community_id is None:
        return None
    return await Offer.filter(
        redeemable_now(), id=offer_id, merchant__community_id=viewing_community_id
    ).first()


async def merchant_visible_to(
    *, actor: Actor | None, merchant_id: int, viewing_community_id: int | None
) -> Merchant | None:
    """The merchant if the caller may see it, else None (whether it exists stays hidden)."""
    if actor is not None:
        try:
            return await get_merchant(actor=actor, merchant_id=merchant_id)
        except NotFound:
            return None
    if viewing_community_id is None:
        return None
    merchant = await Merchant.get_or_none(
        id=merchant_id, community_id=viewing_community_id, status=MerchantStatus.ACTIVE
    )
    if merchant is None:
        return None
    listed = await Offer.filter(redeemable_now(), merchant_id=merchant_id).exists()
    return merchant if listed else None
