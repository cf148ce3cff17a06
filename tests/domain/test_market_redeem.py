"""Redeeming offers: the happy path, every refusal, idempotency and concurrency."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from marketplace.merchants import suspend_merchant
from marketplace.offers import update_offer
from marketplace.redemption import VOUCHER_DAYS, redeem_offer
from models import clock, outbox
from models.enums import OfferStatus, PointsReason, VoucherStatus
from models.errors import (
    AlreadyExists,
    InsufficientPoints,
    InvalidInput,
    LimitReached,
    NotFound,
    OfferNotAvailable,
    OutOfStock,
)
from models.ledger import Entry, Transfer
from models.market import Offer, Voucher
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    assert_ledger_consistent,
    assert_stock_consistent,
    balance,
    count,
    fund,
    merchant_balance,
    new_key,
    offer_of,
    outsider,
    pending_merchant,
    resident,
    snapshot,
)
from tests.statements import counting_statements

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{5}$")


async def test_redeeming_moves_points_takes_a_unit_and_issues_a_voucher() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=30, stock=5)
    buyer = await resident()
    await fund(buyer, 100)

    with outbox.collecting() as changes:
        result = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="k1")

    voucher = await Voucher.get(id=result.voucher.id)
    assert result.points_balance == 70
    assert await balance(buyer) == 70
    assert await merchant_balance(merchant) == 30
    assert (await Offer.get(id=offer.id)).remaining == 4
    assert voucher.status is VoucherStatus.ISSUED
    assert voucher.holder_id == buyer.user_id and voucher.points_spent == 30
    assert CODE.match(voucher.code)
    assert voucher.expires_at is not None
    expected_expiry = voucher.issued_at + timedelta(days=VOUCHER_DAYS)
    assert abs(voucher.expires_at - expected_expiry) < timedelta(seconds=1)
    transfer = await Transfer.get(source_type="voucher", source_id=voucher.id)
    assert (transfer.amount, transfer.reason, transfer.actor_id) == (
        30,
        PointsReason.REDEMPTION,
        buyer.user_id,
    )
    wallet_entry = await Entry.get(transfer_id=transfer.id, amount=-30)
    assert wallet_entry.balance_after == 70 and wallet_entry.memo == "Rice 5 kg"
    assert [(c.topic, c.key, c.object_id) for c in changes] == [
        (outbox.POINTS_TOPIC, buyer.user_id, wallet_entry.id)
    ]
    await assert_ledger_consistent()
    await assert_stock_consistent()


async def test_a_voucher_expires_with_its_offer_when_the_offer_has_an_end() -> None:
    merchant, owner = await active_merchant()
    ends = clock.now() + timedelta(days=3)
    offer = await offer_of(merchant, owner, valid_until=ends)
    buyer = await resident()
    await fund(buyer, 10)
    result = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="k")
    assert result.voucher.expires_at == ends


async def test_the_happy_path_stays_within_nine_statements() -> None:
    """Seven before lots, two more for them: record what each lot gives, then take it."""
    merchant, owner = await active_merchant()
    limited = await offer_of(merchant, owner, per_user_limit=2)
    unlimited = await offer_of(merchant, owner)
    buyer = await resident()
    await fund(buyer, 100)

    with counting_statements() as limited_sql:
        await redeem_offer(actor=buyer, offer_id=limited.id, idempotency_key="a")
    with counting_statements() as unlimited_sql:
        await redeem_offer(actor=buyer, offer_id=unlimited.id, idempotency_key="b")

    assert len(limited_sql) == 9, limited_sql
    assert len(unlimited_sql) == 8, unlimited_sql


async def test_an_unknown_offer_or_another_communitys_offer_is_not_found() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    stranger = await outsider()
    before = await snapshot()
    with pytest.raises(NotFound) as missing:
        await redeem_offer(actor=await resident(), offer_id=offer.id + 100, idempotency_key="k")
    with pytest.raises(NotFound):
        await redeem_offer(actor=stranger, offer_id=offer.id, idempotency_key="k")
    assert missing.value.field == "offerId"
    after = await snapshot()
    assert after["voucher"] == before["voucher"] and after["offer"] == before["offer"]


async def test_unavailable_offers_are_refused_and_nothing_changes() -> None:
    merchant, owner = await active_merchant()
    paused = await offer_of(merchant, owner, title="paused")
    await update_offer(actor=owner, offer_id=paused.id, status=OfferStatus.PAUSED)
    ended = await offer_of(merchant, owner, title="ended")
    await update_offer(actor=owner, offer_id=ended.id, status=OfferStatus.ENDED)
    not_started = await offer_of(merchant, owner, valid_from=clock.now() + timedelta(hours=1))
    new_owner = await resident("New owner")
    of_pending_merchant = await offer_of(await pending_merchant(new_owner), new_owner)
    suspended, suspended_owner = await active_merchant()
    of_suspended_merchant = await offer_of(suspended, suspended_owner)
    await suspend_merchant(actor=await admin(), merchant_id=suspended.id)
    buyer = await resident()
    await fund(buyer, 100)
    before = await snapshot()

    for offer in (paused, ended, not_started, of_pending_merchant, of_suspended_merchant):
        with pytest.raises(OfferNotAvailable):
            await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="k")

    assert await snapshot() == before


async def test_an_offer_past_its_end_is_not_available() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, valid_until=clock.now() + timedelta(days=1))
    await Offer.filter(id=offer.id).update(valid_until=clock.now() - timedelta(seconds=1))
    buyer = await resident()
    await fund(buyer, 100)
    with pytest.raises(OfferNotAvailable):
        await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="k")


async def test_the_per_user_limit_counts_live_vouchers_and_ignores_cancelled_ones() -> None:
    from marketplace.vouchers import cancel_voucher

    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, per_user_limit=1, stock=5)
    buyer, other = await resident(), await resident("Other")
    await fund(buyer, 100)
    await fund(other, 100)
    first = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="1")
    before = await snapshot()

    with pytest.raises(LimitReached):
        await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="2")
    assert await snapshot() == before

    await redeem_offer(actor=other, offer_id=offer.id, idempotency_key="1")
    await cancel_voucher(actor=buyer, voucher_id=first.voucher.id)
    again = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="3")
    assert again.voucher.status is VoucherStatus.ISSUED


async def test_the_limit_is_reported_before_stock_and_stock_before_points() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=1, per_user_limit=1)
    buyer = await resident()
    await fund(buyer, 10)
    await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="1")
    assert await balance(buyer) == 0
    with pytest.raises(LimitReached):  # also out of stock and out of points
        await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="2")
    with pytest.raises(OutOfStock):  # also out of points
        await redeem_offer(actor=await resident("Poor"), offer_id=offer.id, idempotency_key="1")


async def test_out_of_stock_and_insufficient_points_change_nothing() -> None:
    merchant, owner = await active_merchant()
    sold_out = await offer_of(merchant, owner, stock=0)
    dear = await offer_of(merchant, owner, price=50)
    buyer, never_funded = await resident(), await resident("No wallet")
    await fund(buyer, 49)
    before = await snapshot()

    with pytest.raises(OutOfStock):
        await redeem_offer(actor=buyer, offer_id=sold_out.id, idempotency_key="a")
    with pytest.raises(InsufficientPoints):
        await redeem_offer(actor=buyer, offer_id=dear.id, idempotency_key="b")
    with pytest.raises(InsufficientPoints):
        await redeem_offer(actor=never_funded, offer_id=dear.id, idempotency_key="c")

    assert await snapshot() == before


async def test_a_bad_idempotency_key_is_refused() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    buyer = await resident()
    await fund(buyer, 100)
    before = await snapshot()
    for key in ("", "   ", "x" * 101):
        with pytest.raises(InvalidInput) as refused:
            await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=key)
        assert refused.value.field == "idempotencyKey"
    with pytest.raises(InvalidInput) as refused:
        await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="k", voucher_days=0)
    assert refused.value.field == "voucherDays"
    assert await snapshot() == before


async def test_the_same_key_returns_the_first_voucher_and_spends_once() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=1)
    buyer = await resident()
    await fund(buyer, 15)
    first = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="same")

    # Retried after the stock ran out and the points ran low: still the first voucher.
    again = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="same")

    assert again.voucher.id == first.voucher.id
    assert again.points_balance == 5
    assert await count("voucher") == 1
    assert await Transfer.filter(reason=PointsReason.REDEMPTION).count() == 1


async def test_the_same_key_for_another_offer_is_refused() -> None:
    merchant, owner = await active_merchant()
    one, two = await offer_of(merchant, owner), await offer_of(merchant, owner, title="Oil")
    buyer = await resident()
    await fund(buyer, 100)
    await redeem_offer(actor=buyer, offer_id=one.id, idempotency_key="same")
    before = await snapshot()
    with pytest.raises(AlreadyExists) as refused:
        await redeem_offer(actor=buyer, offer_id=two.id, idempotency_key="same")
    assert refused.value.field == "idempotencyKey"
    assert await snapshot() == before


async def test_keys_belong_to_their_holder() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    alice, bob = await resident("Alice"), await resident("Bob")
    await fund(alice, 10)
    await fund(bob, 10)
    a = await redeem_offer(actor=alice, offer_id=offer.id, idempotency_key="same")
    b = await redeem_offer(actor=bob, offer_id=offer.id, idempotency_key="same")
    assert a.voucher.id != b.voucher.id


async def test_fifty_residents_racing_for_five_units_get_exactly_five() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=5)
    granter = await admin()
    buyers = [await resident(f"R{i}") for i in range(50)]
    for buyer in buyers:
        await fund(buyer, 25, by=granter)

    results = await asyncio.gather(
        *(redeem_offer(actor=b, offer_id=offer.id, idempotency_key="go") for b in buyers),
        return_exceptions=True,
    )

    winners = [b for b, r in zip(buyers, results, strict=True) if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 5
    unexpected = [repr(r) for r in losers if not isinstance(r, OutOfStock)]
    assert len(losers) == 45 and not unexpected, unexpected
    assert (await Offer.get(id=offer.id)).remaining == 0
    assert await count("voucher") == 5
    assert sorted([await balance(b) for b in buyers]) == [15] * 5 + [25] * 45
    assert await merchant_balance(merchant) == 50
    await assert_ledger_consistent()
    await assert_stock_consistent()


async def test_one_resident_racing_ten_redemptions_with_points_for_three() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=20)
    buyer = await resident()
    await fund(buyer, 30)

    results = await asyncio.gather(
        *(redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=f"k{i}") for i in range(10)),
        return_exceptions=True,
    )

    issued = [r for r in results if not isinstance(r, Exception)]
    assert len(issued) == 3
    assert all(isinstance(r, InsufficientPoints) for r in results if isinstance(r, Exception))
    assert await balance(buyer) == 0
    assert await count("voucher") == 3
    assert (await Offer.get(id=offer.id)).remaining == 17
    await assert_ledger_consistent()


async def test_the_same_key_at_the_same_moment_gives_one_voucher_and_one_debit() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10, stock=5)
    buyer = await resident()
    await fund(buyer, 100)

    results = await asyncio.gather(
        *(redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=new_key()) for _ in [0]),
        *(redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="twin") for _ in range(4)),
    )

    twins = results[1:]
    assert len({r.voucher.id for r in twins}) == 1
    assert await count("voucher") == 2
    assert await Transfer.filter(reason=PointsReason.REDEMPTION).count() == 2
    assert await balance(buyer) == 80
    assert (await Offer.get(id=offer.id)).remaining == 3
    await assert_ledger_consistent()
    await assert_stock_consistent()
