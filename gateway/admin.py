"""Bootstrapping a community admin from the command line."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from community.grid import ensure_community
from community.identity import check_display_name, check_password, check_phone
from community.passwords import hash_password
from gateway.demo import COMMUNITY_NAME
from models.enums import Role
from models.grid import Community
from models.people import User, UserRole

DEFAULT_COMMUNITY = COMMUNITY_NAME


async def _community(name: str | None) -> Community:
    """The named community, else the existing one, created when there is none."""
    if name is None:
        existing = await Community.all().order_by("id").first()
        if existing is not None:
            return existing
    home, _ = await ensure_community(name=name or DEFAULT_COMMUNITY)
    return home


async def ensure_admin(*, phone: str, password: str, name: str, community: str | None) -> str:
    """Create the admin (and community) unless the phone exists; say what happened."""
    normalised = check_phone(phone)
    check_password(password)
    display_name = check_display_name(name)
    existing = await User.get_or_none(phone=normalised)
    if existing is not None:
        return f"A user with phone {normalised} exists already; nothing changed."
    home = await _community(community)
    password_hash = await hash_password(password)
    async with in_transaction():
        user = await User.create(
            community_id=home.id,
            phone=normalised,
            password_hash=password_hash,
            display_name=display_name,
        )
        await UserRole.create(user_id=user.id, role=Role.RESIDENT)
        await UserRole.create(user_id=user.id, role=Role.COMMUNITY_ADMIN)
    return f"Created community admin {display_name} ({normalised}) in {home.name}."
