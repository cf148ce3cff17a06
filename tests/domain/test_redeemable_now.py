""" "Redeemable now" in its two forms (ORM filter, SQL predicate) picks the same offers."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from marketplace.offers import REDEEMABLE_SQL, redeemable_now, redeemable_sql_params
from models import clock
from models.enums import MerchantStatus, OfferStatus
from models.market import Merchant, Offer
from models.sql import fetch
from tests import factories

HOUR = timedelta(hours=1)


async def _every_kind_of_offer(now: datetime) -> None:
    owner = await factories.user(name="Owner")
    starts = (None, now - HOUR, now, now + HOUR)
    ends = (None, now - HOUR, now, now + HOUR)
    for merchant_status in MerchantStatus:
        merchant = await Merchant.create(
            community_id=owner.community_id,
            owner_id=owner.user_id,
            name=f"Shop {merchant_status.value}",
            category="food",
            address="Gate 1",
            status=merchant_status,
        )
        for status, valid_from, valid_until in itertools.product(OfferStatus, starts, ends):
            await Offer.create(
                merchant=merchant,
                title="Tea",
                description="",
                points_price=10,
                stock_added=1,
                remaining=0,  # stock aside: the rule is about time and status only
                valid_from=valid_from,
                valid_until=valid_until,
                status=status,
            )


async def test_the_orm_filter_and_the_sql_predicate_agree() -> None:
    now = clock.now().replace(microsecond=0)
    await _every_kind_of_offer(now)
    by_orm = {offer.id for offer in await Offer.filter(redeemable_now(now))}
    rows = await fetch(
        f"SELECT offer.id FROM offer WHERE {REDEEMABLE_SQL}", *redeemable_sql_params(now)
    )
    by_sql = {int(row["id"]) for row in rows}
    assert by_sql == by_orm
    expected = await Offer.filter(
        status=OfferStatus.ACTIVE, merchant__status=MerchantStatus.ACTIVE
    ).all()
    redeemable = {
        offer.id
        for offer in expected
        if (offer.valid_from is None or offer.valid_from <= now)
        and (offer.valid_until is None or offer.valid_until > now)
    }
    assert by_orm == redeemable and len(redeemable) == 6  # 3 starts x 2 ends
