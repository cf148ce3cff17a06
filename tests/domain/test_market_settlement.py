"""A merchant's redemptions and its settlement for a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.redemption import redeem_offer
from marketplace.settlement import merchant_redemptions, settlement
from marketplace.vouchers import cancel_voucher, expire_vouchers, use_voucher
from models import clock
from models.actor import Actor
from models.enums import VoucherStatus
from models.errors import Forbidden, InvalidInput, NotFound
from models.market import MerchantOperator, Voucher
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    fund,
    offer_of,
    outsider,
    resident,
)


async def _busy_merchant() -> tuple[int, Actor, list[int]]:
    """A merchant with five vouchers: one used, one cancelled, one expired, two issued."""
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=10)
    other_shop, other_owner = await active_merchant()
    elsewhere = await offer_of(other_shop, other_owner, price=10)
    buyer = await resident()
    await fund(buyer, 200)
    ids = []
    for key, days in (("used", 30), ("cancelled", 30), ("expired", 1), ("a", 30), ("b", 30)):
        bought = await redeem_offer(
            actor=buyer, offer_id=offer.id, idempotency_key=key, voucher_days=days
        )
        ids.append(bought.voucher.id)
    await redeem_offer(actor=buyer, offer_id=elsewhere.id, idempotency_key="other shop")
    await use_voucher(actor=owner, code=(await _code(ids[0])))
    await cancel_voucher(actor=buyer, voucher_id=ids[1])
    assert await expire_vouchers(now=clock.now() + timedelta(days=2)) == 1
    return merchant.id, owner, ids


async def _code(voucher_id: int) -> str:
    return (await Voucher.get(id=voucher_id)).code


async def test_settlement_counts_the_period_and_nets_the_points() -> None:
    merchant_id, owner, _ = await _busy_merchant()
    start, end = clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1)

    report = await settlement(
        actor=owner, merchant_id=merchant_id, period_start=start, period_end=end
    )

    assert (report.issued, report.used, report.cancelled, report.expired) == (5, 1, 1, 1)
    assert (report.points_received, report.points_returned, report.points_net) == (50, 20, 30)
    assert (report.period_start, report.period_end) == (start, end)


async def test_settlement_leaves_out_what_happened_outside_the_period() -> None:
    merchant_id, owner, _ = await _busy_merchant()
    later = clock.now() + timedelta(days=1)
    report = await settlement(
        actor=owner,
        merchant_id=merchant_id,
        period_start=later,
        period_end=later + timedelta(days=1),
    )
    assert (report.issued, report.used, report.cancelled, report.expired) == (0, 0, 0, 0)
    assert report.points_net == 0


async def test_operators_and_admins_see_the_merchants_business_and_no_one_else() -> None:
    merchant_id, owner, ids = await _busy_merchant()
    helper = await resident("Helper")
    await MerchantOperator.create(merchant_id=merchant_id, user_id=helper.user_id)
    start, end = clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1)
    for allowed in (owner, helper, await admin()):
        page = await merchant_redemptions(
            actor=allowed,
            merchant_id=merchant_id,
            status=None,
            first=10,
            after=None,
        )
        assert [v.id for v in page.items] == list(reversed(ids))
        report = await settlement(
            actor=allowed,
            merchant_id=merchant_id,
            period_start=start,
            period_end=end,
        )
        assert report.issued == 5
    _, rival = await active_merchant()
    for refused in (await resident(), rival):
        with pytest.raises(Forbidden):
            await merchant_redemptions(
                actor=refused, merchant_id=merchant_id, status=None, first=10, after=None
            )
        with pytest.raises(Forbidden):
            await settlement(
                actor=refused, merchant_id=merchant_id, period_start=start, period_end=end
            )
    with pytest.raises(NotFound):
        await settlement(
            actor=await outsider(), merchant_id=merchant_id, period_start=start, period_end=end
        )


async def test_redemptions_filter_by_status_and_page() -> None:
    merchant_id, owner, ids = await _busy_merchant()
    issued = await merchant_redemptions(
        actor=owner,
        merchant_id=merchant_id,
        status=VoucherStatus.ISSUED,
        first=1,
        after=None,
    )
    assert [v.id for v in issued.items] == [ids[4]] and issued.has_next
    rest = await merchant_redemptions(
        actor=owner,
        merchant_id=merchant_id,
        status=VoucherStatus.ISSUED,
        first=1,
        after=ids[4],
    )
    assert [v.id for v in rest.items] == [ids[3]] and not rest.has_next


async def test_a_bad_period_is_refused() -> None:
    merchant, owner = await active_merchant()
    day, next_day = datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)
    naive = datetime(2030, 1, 1)
    for field, start, end in (
        ("periodEnd", next_day, day),
        ("periodEnd", day, day),
        ("periodStart", naive, next_day),
        ("periodEnd", day, naive),
    ):
        with pytest.raises(InvalidInput) as refused:
            await settlement(
                actor=owner, merchant_id=merchant.id, period_start=start, period_end=end
            )
        assert refused.value.field == field
