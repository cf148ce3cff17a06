"""Visibility by id (node, nodes): exactly what the caller can see through other fields."""

from __future__ import annotations

from community.visibility import may_see_grid_tree, viewing_community_id
from marketplace.offers import update_offer
from marketplace.visibility import merchant_visible_to, offer_visible_to
from models.enums import OfferStatus
from models.grid import Community
from tests import factories
from tests.domain.market_helpers import active_merchant, offer_of, pending_merchant, resident


async def test_anonymous_callers_view_the_first_community_and_users_their_own() -> None:
    first = await factories.community()  # where factories put users
    second = await Community.create(name="Second")
    member = await resident()
    assert await viewing_community_id(actor=None) == first.id
    assert await viewing_community_id(actor=member) == member.community_id == first.id
    assert may_see_grid_tree(tree_community_id=first.id, viewing_community_id=first.id)
    assert not may_see_grid_tree(tree_community_id=second.id, viewing_community_id=first.id)
    assert not may_see_grid_tree(tree_community_id=first.id, viewing_community_id=None)


async def test_no_community_no_view() -> None:
    assert await viewing_community_id(actor=None) is None


async def test_anonymous_callers_see_a_listed_offer_and_its_merchant_only() -> None:
    merchant, owner = await active_merchant()
    listed = await offer_of(merchant, owner, title="Listed")
    paused = await offer_of(merchant, owner, title="Paused")
    await update_offer(actor=owner, offer_id=paused.id, status=OfferStatus.PAUSED)
    view = merchant.community_id

    found = await offer_visible_to(actor=None, offer_id=listed.id, viewing_community_id=view)
    assert found is not None and found.id == listed.id
    assert await offer_visible_to(actor=None, offer_id=paused.id, viewing_community_id=view) is None
    assert await offer_visible_to(actor=None, offer_id=listed.id, viewing_community_id=None) is None
    assert (
        await offer_visible_to(actor=None, offer_id=listed.id, viewing_community_id=view + 1)
        is None
    )
    # its operator still sees the paused one, as Merchant.offers shows them
    seen = await offer_visible_to(actor=owner, offer_id=paused.id, viewing_community_id=view)
    assert seen is not None and seen.id == paused.id

    shown = await merchant_visible_to(
        actor=None, merchant_id=merchant.id, viewing_community_id=view
    )
    assert shown is not None and shown.id == merchant.id


async def test_anonymous_callers_see_no_merchant_without_a_listed_offer() -> None:
    merchant, owner = await active_merchant()
    pending = await pending_merchant(owner)
    view = merchant.community_id
    for hidden in (merchant, pending):
        assert (
            await merchant_visible_to(actor=None, merchant_id=hidden.id, viewing_community_id=view)
            is None
        )
    # a logged-in resident sees the active one through `merchants`
    someone = await resident("Someone")
    seen = await merchant_visible_to(
        actor=someone, merchant_id=merchant.id, viewing_community_id=view
    )
    assert seen is not None and seen.id == merchant.id
    assert (
        await merchant_visible_to(actor=someone, merchant_id=pending.id, viewing_community_id=view)
        is None
    )
