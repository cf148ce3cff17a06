"""Merchants, offers and funded people, built through the domain functions, so the rows are what
production would write. Every test folder (domain, api, fuzz, the matrix) builds them here."""

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
from tests import factories

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


async def fund(user: Actor, points: int, *, by: Actor | None = None, key: str = "") -> None:
    """Give a user points the way an admin would (a fresh idempotency key unless `key`)."""
    granter = by or await admin()
    await adjust_points(
        actor=granter,
        user_id=user.user_id,
        amount=points,
        memo="Test funds",
        idempotency_key=key or new_key(),
    )


async def pending_merchant(
    owner: Actor,
    name: str | None = None,
    *,
    category: str = "Grocery",
    address: str = "1 Jinhua Road",
) -> Merchant:
    return await register_merchant(
        actor=owner, name=name or f"Shop {next(_names)}", category=category, address=address
    )


async def active_merchant(
    owner: Actor | None = None,
    *,
    by: Actor | None = None,
    name: str | None = None,
    address: str = "1 Jinhua Road",
) -> tuple[Merchant, Actor]:
    """An approved merchant and its owner (who operates it)."""
    owner = owner or await factories.user(name="Owner")
    merchant = await pending_merchant(owner, name, address=address)
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
    description: str = "Northeast rice",
) -> Offer:
    return await create_offer(
        actor=operator,
        merchant_id=merchant.id,
        title=title,
        description=description,
        points_price=price,
        stock=stock,
        per_user_limit=per_user_limit,
        valid_from=valid_from,
        valid_until=valid_until,
    )


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


async def awaiting_approval(owner: Actor, name: str = "Noodle Bar") -> Merchant:
    """A food stall registered by `owner` that no admin has approved yet."""
    return await pending_merchant(owner, name, category="Food", address="2 Jinhua Road")
