"""community/policies.py: who may see a phone number and look people up, without GraphQL."""

from __future__ import annotations

from community.policies import may_look_anyone_up, may_see_phone
from models.actor import Actor
from models.enums import Role
from models.people import User
from tests import factories


async def test_a_phone_is_seen_by_its_owner_and_their_communitys_admins_only() -> None:
    owner = await factories.user(name="Owner")
    row = await User.get(id=owner.user_id)
    assert may_see_phone(viewer=owner, user=row) is True
    assert may_see_phone(viewer=await factories.user(Role.COMMUNITY_ADMIN), user=row) is True
    assert may_see_phone(viewer=await factories.user(Role.GRID_MEMBER), user=row) is False
    assert may_see_phone(viewer=None, user=row) is False
    foreign_admin = Actor(
        user_id=owner.user_id + 1000,
        community_id=row.community_id + 1,
        roles=frozenset({Role.RESIDENT, Role.COMMUNITY_ADMIN}),
    )
    assert may_see_phone(viewer=foreign_admin, user=row) is False


async def test_anonymous_callers_look_nobody_up() -> None:
    assert may_look_anyone_up(None) is False
    assert may_look_anyone_up(await factories.user()) is True
