"""Merchants: registration by anyone, approval and suspension by admins, who sees which."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from marketplace.ledger import merchant_account_of
from marketplace.operators import may_oversee, merchant_in_community
from models.actor import Actor
from models.enums import MerchantStatus, Role
from models.errors import AlreadyExists, Forbidden, NotFound
from models.inputs import required_text
from models.market import Merchant, MerchantOperator
from models.people import UserRole


async def register_merchant(*, actor: Actor, name: str, category: str, address: str) -> Merchant:
    """Register a PENDING merchant in the caller's community, the caller owning and operating it."""
    name = required_text(name, field="name", max_length=100)
    category = required_text(category, field="category", max_length=50)
    address = required_text(address, field="address", max_length=200)
    if await Merchant.filter(community_id=actor.community_id, name__iexact=name).exists():
        raise _name_taken()
    try:
        async with in_transaction():
            merchant = await Merchant.create(
                community_id=actor.community_id,
                owner_id=actor.user_id,
                name=name,
                category=category,
                address=address,
            )
            await MerchantOperator.create(merchant_id=merchant.id, user_id=actor.user_id)
    except IntegrityError:
        raise _name_taken() from None
    return merchant


def _name_taken() -> AlreadyExists:
    return AlreadyExists("A merchant with this name already exists.", field="name")


async def approve_merchant(*, actor: Actor, merchant_id: int) -> Merchant:
    """Make a merchant ACTIVE (admins only): its owner becomes a MERCHANT and its account opens.

    Approving an ACTIVE merchant changes nothing; approving a SUSPENDED one reinstates it.
    """
    _require_admin(actor)
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    if merchant.owner_id == actor.user_id:
        raise Forbidden("Another admin must approve a merchant you own.")
    if merchant.status is MerchantStatus.ACTIVE:
        return merchant
    async with in_transaction():
        await Merchant.filter(id=merchant.id).update(status=MerchantStatus.ACTIVE)
        await UserRole.get_or_create(user_id=merchant.owner_id, role=Role.MERCHANT)
        await merchant_account_of(merchant_id=merchant.id, community_id=merchant.community_id)
    merchant.status = MerchantStatus.ACTIVE
    return merchant


async def suspend_merchant(*, actor: Actor, merchant_id: int) -> Merchant:
    """Suspend a merchant (admins only): its offers are hidden and cannot be redeemed."""
    _require_admin(actor)
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    await Merchant.filter(id=merchant.id).update(status=MerchantStatus.SUSPENDED)
    merchant.status = MerchantStatus.SUSPENDED
    return merchant


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden()


async def list_merchants(*, actor: Actor) -> list[Merchant]:
    """Merchants the viewer may see: ACTIVE ones, their own, or all of them for admins."""
    query = Merchant.filter(community_id=actor.community_id)
    if not actor.is_admin:
        visible = Q(status=MerchantStatus.ACTIVE) | Q(
            id__in=Subquery(MerchantOperator.filter(user_id=actor.user_id).values("merchant_id"))
        )
        query = query.filter(visible)
    return await query.order_by("name", "id")


async def get_merchant(*, actor: Actor, merchant_id: int) -> Merchant:
    """One merchant the viewer may see (NotFound otherwise, hiding whether it exists)."""
    merchant = await Merchant.get_or_none(id=merchant_id, community_id=actor.community_id)
    if merchant is None:
        raise NotFound("No such merchant.", field="merchantId")
    if merchant.status is not MerchantStatus.ACTIVE and not await may_oversee(
        actor=actor, merchant=merchant
    ):
        raise NotFound("No such merchant.", field="merchantId")
    return merchant


async def merchants_operated_by(*, user_id: int) -> list[Merchant]:
    """The merchants a user operates, whatever their status."""
    return await Merchant.filter(operators__user_id=user_id).order_by("name", "id")
