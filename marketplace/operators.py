"""Who may act for a merchant: its operators, and for some reads the community's admins."""

from __future__ import annotations

from models.actor import Actor
from models.errors import Forbidden, NotFound
from models.market import Merchant, MerchantOperator


async def is_operator(*, user_id: int, merchant_id: int) -> bool:
    """Whether the user operates the merchant (admins are not operators by being admins)."""
    return await MerchantOperator.filter(user_id=user_id, merchant_id=merchant_id).exists()


async def operates_any(*, user_id: int) -> bool:
    return await MerchantOperator.filter(user_id=user_id).exists()


async def merchant_in_community(*, merchant_id: int, community_id: int) -> Merchant:
    merchant = await Merchant.get_or_none(id=merchant_id, community_id=community_id)
    if merchant is None:
        raise NotFound("No such merchant.", field="merchantId")
    return merchant


async def require_operator(*, actor: Actor, merchant_id: int) -> None:
    if not await is_operator(user_id=actor.user_id, merchant_id=merchant_id):
        raise Forbidden()


async def may_oversee(*, actor: Actor, merchant: Merchant) -> bool:
    """Operators and the community's admins see everything about a merchant."""
    if actor.is_admin and actor.community_id == merchant.community_id:
        return True
    return await is_operator(user_id=actor.user_id, merchant_id=merchant.id)


async def require_overseer(*, actor: Actor, merchant: Merchant) -> None:
    if not await may_oversee(actor=actor, merchant=merchant):
        raise Forbidden()
