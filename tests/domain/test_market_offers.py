"""Offers: who may create and change them, their input rules, stock, and the listings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from marketplace.merchants import suspend_merchant
from marketplace.offers import (
    MAX_STOCK,
    create_offer,
    get_offer,
    list_merchant_offers,
    list_redeemable_offers,
    update_offer,
)
from marketplace.redemption import redeem_offer
from models import clock
from models.enums import OfferStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, OutOfStock
from models.market import MerchantOperator, Offer
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    assert_stock_consistent,
    fund,
    offer_of,
    outsider,
    pending_merchant,
    resident,
    snapshot,
)

SHANGHAI = timezone(timedelta(hours=8))


async def test_an_operator_creates_an_offer() -> None:
    merchant, owner = await active_merchant()
    starts = datetime(2020, 1, 1, 8, tzinfo=SHANGHAI)
    ends = clock.now() + timedelta(days=10)
    offer = await create_offer(
        actor=owner,
        merchant_id=merchant.id,
        title=" Soy sauce ",
        description="500 ml",
        points_price=12,
        stock=4,
        per_user_limit=2,
        valid_from=starts,
        valid_until=ends,
    )
    stored = await Offer.get(id=offer.id)
    assert (stored.title, stored.points_price, stored.per_user_limit) == ("Soy sauce", 12, 2)
    assert (stored.stock_added, stored.remaining, stored.status) == (4, 4, OfferStatus.ACTIVE)
    assert stored.valid_from == starts and stored.valid_from.utcoffset() == timedelta(0)
    assert stored.valid_until == ends


async def test_a_pending_merchant_prepares_offers_that_are_not_listed_yet() -> None:
    owner = await resident("Owner")
    merchant = await pending_merchant(owner)
    offer = await offer_of(merchant, owner)
    assert (await list_redeemable_offers(first=10, after=None)).items == []
    page = await list_merchant_offers(actor=owner, merchant_id=merchant.id, first=10, after=None)
    assert [o.id for o in page.items] == [offer.id]


async def test_only_the_merchants_operators_create_or_update_offers() -> None:
    merchant, owner = await active_merchant()
    helper = await resident("Helper")
    await MerchantOperator.create(merchant_id=merchant.id, user_id=helper.user_id)
    _, rival = await active_merchant()
    offer = await offer_of(merchant, helper)
    outsiders = (await admin(), rival, await resident())
    before = await snapshot()
    for actor in outsiders:
        with pytest.raises(Forbidden):
            await offer_of(merchant, actor)
        with pytest.raises(Forbidden):
            await update_offer(actor=actor, offer_id=offer.id, title="Hijacked")
    assert await snapshot() == before
    updated = await update_offer(actor=owner, offer_id=offer.id, title="Brown rice")
    assert updated.title == "Brown rice"


async def test_unknown_or_foreign_merchants_and_offers_are_not_found() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    stranger = await outsider()
    before = await snapshot()
    with pytest.raises(NotFound) as missing:
        await create_offer(
            actor=owner,
            merchant_id=merchant.id + 9,
            title="t",
            description="",
            points_price=1,
            stock=1,
        )
    assert missing.value.field == "merchantId"
    with pytest.raises(NotFound):
        await offer_of(merchant, stranger)
    for actor, offer_id in ((owner, offer.id + 9), (stranger, offer.id)):
        with pytest.raises(NotFound) as missing:
            await update_offer(actor=actor, offer_id=offer_id, title="x")
        assert missing.value.field == "offerId"
    assert await snapshot() == before


async def test_a_suspended_merchant_cannot_create_or_change_offers() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    await suspend_merchant(actor=await admin(), merchant_id=merchant.id)
    before = await snapshot()
    with pytest.raises(InvalidTransition):
        await offer_of(merchant, owner)
    with pytest.raises(InvalidTransition):
        await update_offer(actor=owner, offer_id=offer.id, stock_delta=5)
    assert await snapshot() == before


PAST = datetime(2020, 1, 1, tzinfo=UTC)
SOON = datetime(2099, 1, 1, tzinfo=UTC)


BAD_OFFERS: list[tuple[str, dict[str, Any]]] = [
    ("title", {"title": "  "}),
    ("title", {"title": "t" * 101}),
    ("description", {"description": "d" * 2001}),
    ("pointsPrice", {"points_price": 0}),
    ("pointsPrice", {"points_price": -5}),
    ("stock", {"stock": -1}),
    ("stock", {"stock": MAX_STOCK + 1}),
    ("perUserLimit", {"per_user_limit": 0}),
    ("validUntil", {"valid_from": SOON, "valid_until": SOON}),
    ("validUntil", {"valid_from": SOON + timedelta(1), "valid_until": SOON}),
    ("validUntil", {"valid_until": PAST}),
    ("validFrom", {"valid_from": datetime(2030, 1, 1)}),  # no time zone
    ("validUntil", {"valid_until": datetime(2030, 1, 1)}),
]
BAD_UPDATES: list[tuple[str, dict[str, Any]]] = [
    ("title", {"title": ""}),
    ("description", {"description": "d" * 2001}),
    ("pointsPrice", {"points_price": 0}),
    ("perUserLimit", {"per_user_limit": 0}),
    ("stockDelta", {"stock_delta": -4}),
    ("stockDelta", {"stock_delta": MAX_STOCK}),
    ("validUntil", {"valid_until": PAST}),
    ("validUntil", {"valid_until": datetime(2030, 1, 1)}),
]


async def test_bad_offer_input_is_refused() -> None:
    merchant, owner = await active_merchant()
    before = await snapshot()
    for field, change in BAD_OFFERS:
        arguments: dict[str, Any] = {
            "title": "Rice",
            "description": "",
            "points_price": 10,
            "stock": 3,
        } | change
        with pytest.raises(InvalidInput) as refused:
            await create_offer(actor=owner, merchant_id=merchant.id, **arguments)
        assert refused.value.field == field, change
        assert await snapshot() == before, change


async def test_bad_updates_are_refused() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, stock=3)
    before = await snapshot()
    for field, change in BAD_UPDATES:
        arguments: dict[str, Any] = {"title": "A valid change that must not stick"} | change
        with pytest.raises(InvalidInput) as refused:
            await update_offer(actor=owner, offer_id=offer.id, **arguments)
        assert refused.value.field == field, change
        assert await snapshot() == before, change


async def test_none_leaves_fields_alone_and_values_change_them() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=3, per_user_limit=1)
    unchanged = await update_offer(actor=owner, offer_id=offer.id)
    assert (unchanged.title, unchanged.points_price, unchanged.per_user_limit) == (
        "Rice 5 kg",
        10,
        1,
    )

    ends = clock.now() + timedelta(days=3)
    changed = await update_offer(
        actor=owner,
        offer_id=offer.id,
        title="Rice 10 kg",
        description="Bigger bag",
        points_price=18,
        per_user_limit=2,
        valid_until=ends,
        status=OfferStatus.PAUSED,
    )
    assert (changed.title, changed.description, changed.points_price) == (
        "Rice 10 kg",
        "Bigger bag",
        18,
    )
    assert (changed.per_user_limit, changed.valid_until, changed.status) == (
        2,
        ends,
        OfferStatus.PAUSED,
    )
    assert (changed.stock_added, changed.remaining) == (3, 3)


async def test_stock_is_added_and_unredeemed_stock_withdrawn() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=1, stock=3)
    buyer = await resident()
    await fund(buyer, 10)
    await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="1")

    added = await update_offer(actor=owner, offer_id=offer.id, stock_delta=5)
    assert (added.stock_added, added.remaining) == (8, 7)
    withdrawn = await update_offer(actor=owner, offer_id=offer.id, stock_delta=-7)
    assert (withdrawn.stock_added, withdrawn.remaining) == (1, 0)
    before = await snapshot()
    with pytest.raises(InvalidInput) as refused:
        await update_offer(actor=owner, offer_id=offer.id, stock_delta=-1)
    assert refused.value.field == "stockDelta"
    assert await snapshot() == before
    await assert_stock_consistent()


async def test_withdrawing_while_residents_redeem_never_oversells() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=1, stock=6)
    buyers = [await resident(f"R{i}") for i in range(6)]
    for buyer in buyers:
        await fund(buyer, 5)

    results = await asyncio.gather(
        update_offer(actor=owner, offer_id=offer.id, stock_delta=-4),
        *(redeem_offer(actor=b, offer_id=offer.id, idempotency_key="k") for b in buyers),
        return_exceptions=True,
    )

    stored = await Offer.get(id=offer.id)
    sold = sum(not isinstance(r, Exception) for r in results[1:])
    withdrew = not isinstance(results[0], Exception)
    assert all(
        isinstance(r, OutOfStock | InvalidInput) for r in results if isinstance(r, Exception)
    )
    assert stored.remaining == 6 - sold - (4 if withdrew else 0) >= 0
    assert stored.stock_added == (2 if withdrew else 6)
    await assert_stock_consistent()


async def test_status_moves_between_active_and_paused_and_ended_is_final() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    paused = await update_offer(actor=owner, offer_id=offer.id, status=OfferStatus.PAUSED)
    active = await update_offer(actor=owner, offer_id=offer.id, status=OfferStatus.ACTIVE)
    ended = await update_offer(actor=owner, offer_id=offer.id, status=OfferStatus.ENDED)
    assert [paused.status, active.status, ended.status] == [
        OfferStatus.PAUSED,
        OfferStatus.ACTIVE,
        OfferStatus.ENDED,
    ]
    before = await snapshot()
    for change in ({"status": OfferStatus.ACTIVE}, {"title": "Again"}, {"stock_delta": 1}):
        with pytest.raises(InvalidTransition):
            await update_offer(actor=owner, offer_id=offer.id, **change)
    assert await snapshot() == before


async def test_redeemable_offers_are_listed_newest_first_page_by_page() -> None:
    merchant, owner = await active_merchant()
    other, other_owner = await active_merchant()
    now = clock.now()
    first = await offer_of(merchant, owner, title="first")
    paused = await offer_of(merchant, owner, title="paused")
    await update_offer(actor=owner, offer_id=paused.id, status=OfferStatus.PAUSED)
    await offer_of(merchant, owner, title="future", valid_from=now + timedelta(days=1))
    lapsed = await offer_of(merchant, owner, title="lapsed", valid_until=now + timedelta(days=1))
    await Offer.filter(id=lapsed.id).update(valid_until=now - timedelta(seconds=1))
    sold_out = await offer_of(merchant, owner, title="sold out", stock=0)
    windowed = await offer_of(
        merchant, owner, valid_from=now - timedelta(1), valid_until=now + timedelta(1)
    )
    elsewhere = await offer_of(other, other_owner, title="other shop")

    page = await list_redeemable_offers(first=2, after=None)
    assert [o.id for o in page.items] == [elsewhere.id, windowed.id] and page.has_next
    rest = await list_redeemable_offers(first=2, after=windowed.id)
    assert [o.id for o in rest.items] == [sold_out.id, first.id] and not rest.has_next
    only_first_shop = await list_redeemable_offers(first=10, after=None, merchant_id=merchant.id)
    assert [o.id for o in only_first_shop.items] == [windowed.id, sold_out.id, first.id]
    community = (await resident()).community_id
    here = await list_redeemable_offers(first=10, after=None, community_id=community)
    assert len(here.items) == 4
    there = await list_redeemable_offers(first=10, after=None, community_id=community + 1)
    assert there.items == []

    await suspend_merchant(actor=await admin(), merchant_id=other.id)
    after_suspension = await list_redeemable_offers(first=10, after=None)
    assert elsewhere.id not in [o.id for o in after_suspension.items]


async def test_a_page_size_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        await list_redeemable_offers(first=101, after=None)
    assert refused.value.field == "first"


async def test_a_merchants_offers_all_for_its_overseers_redeemable_for_others() -> None:
    merchant, owner = await active_merchant()
    live = await offer_of(merchant, owner)
    paused = await offer_of(merchant, owner, title="paused")
    await update_offer(actor=owner, offer_id=paused.id, status=OfferStatus.PAUSED)
    passer_by, boss = await resident(), await admin()

    async def visible(actor: Any) -> list[int]:
        page = await list_merchant_offers(
            actor=actor, merchant_id=merchant.id, first=10, after=None
        )
        return [o.id for o in page.items]

    assert await visible(owner) == [paused.id, live.id]
    assert await visible(boss) == [paused.id, live.id]
    assert await visible(passer_by) == [live.id]
    assert (await get_offer(actor=passer_by, offer_id=live.id)).id == live.id
    assert (await get_offer(actor=owner, offer_id=paused.id)).id == paused.id
    with pytest.raises(NotFound):
        await get_offer(actor=passer_by, offer_id=paused.id)
    with pytest.raises(NotFound):
        await list_merchant_offers(
            actor=await outsider(), merchant_id=merchant.id, first=1, after=None
        )
