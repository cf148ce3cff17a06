"""Merchant settlement: used vouchers' points move to the settled account against a payment
reference, a period is settled once, statements show settled and open periods, and settling
while residents redeem, use and cancel keeps every point accounted for."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import pytest

from marketplace.payouts import settle_merchant, statement
from marketplace.redemption import redeem_offer
from marketplace.settlement import settlement
from marketplace.vouchers import cancel_voucher, use_voucher
from models import clock
from models.actor import Actor
from models.enums import PointsReason, Role
from models.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from models.ledger import Transfer
from models.market import Merchant, MerchantOperator, Offer, Voucher
from tests import factories
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    fund,
    merchant_balance,
    offer_of,
    outsider,
    resident,
)
from tests.domain.points_helpers import assert_points_consistent, points_snapshot, total


async def _shop() -> tuple[Merchant, Actor, Offer]:
    merchant, owner = await active_merchant()
    return merchant, owner, await offer_of(merchant, owner, price=10, stock=100)


async def _bought(buyer: Actor, offer: Offer, key: str) -> Voucher:
    await fund(buyer, offer.points_price)
    return (await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=key)).voucher


async def _settled_total() -> int:
    return await total("SELECT COALESCE(SUM(balance), 0) FROM account WHERE kind = 'SETTLED'")


async def test_used_vouchers_are_settled_once_and_unused_ones_wait() -> None:
    boss = await admin()
    merchant, owner, offer = await _shop()
    buyer = await resident()
    used = [await _bought(buyer, offer, f"u{n}") for n in range(2)]
    for voucher in used:
        await use_voucher(actor=owner, code=voucher.code)
    waiting = await _bought(buyer, offer, "w")
    assert await merchant_balance(merchant) == 30

    done = await settle_merchant(
        actor=boss, merchant_id=merchant.id, period_end=clock.now(), reference="BANK-001"
    )
    assert (done.points, done.vouchers, done.reference, done.period_start) == (
        20,
        2,
        "BANK-001",
        None,
    )
    assert await merchant_balance(merchant) == 10  # the unused voucher's points stay
    assert await _settled_total() == 20
    moved = await Transfer.get(source_type="settlement", source_id=done.id)
    assert (moved.reason, moved.amount, moved.memo) == (PointsReason.SETTLEMENT, 20, "BANK-001")
    assert {v.settlement_id for v in await Voucher.filter(id__in=[v.id for v in used])} == {done.id}
    await cancel_voucher(actor=buyer, voucher_id=waiting.id)  # still refundable
    assert await merchant_balance(merchant) == 0

    before = await points_snapshot()
    with pytest.raises(AlreadyExists) as twice:
        await settle_merchant(
            actor=boss, merchant_id=merchant.id, period_end=done.period_end, reference="BANK-001"
        )
    assert twice.value.field == "periodEnd"
    assert await points_snapshot() == before
    await assert_points_consistent()


async def test_statements_show_settled_and_open_periods() -> None:
    boss = await admin()
    merchant, owner, offer = await _shop()
    buyer = await resident()
    first = await _bought(buyer, offer, "1")
    await use_voucher(actor=owner, code=first.code)
    end = clock.now()
    done = await settle_merchant(
        actor=boss, merchant_id=merchant.id, period_end=end, reference="R1"
    )
    second = await _bought(buyer, offer, "2")
    await use_voucher(actor=owner, code=second.code)
    await _bought(buyer, offer, "3")

    shown = await statement(actor=owner, merchant_id=merchant.id)
    assert [s.id for s in shown.settled] == [done.id]
    assert shown.open.period_start == done.period_end
    assert (shown.open.used_points, shown.open.used_vouchers) == (10, 1)
    assert (shown.open.issued_points, shown.open.issued_vouchers) == (10, 1)
    assert shown.open.balance == 20

    period = await settlement(
        actor=owner,
        merchant_id=merchant.id,
        period_start=end - timedelta(days=1),
        period_end=end,
    )
    assert period.used == 1
    later = await settle_merchant(
        actor=boss, merchant_id=merchant.id, period_end=clock.now(), reference="R2"
    )
    assert later.period_start == done.period_end and later.points == 10


async def test_who_may_settle_and_what_input_is_refused() -> None:
    boss, someone = await admin(), await resident()
    merchant, owner, _ = await _shop()
    operating_admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin and operator")
    await MerchantOperator.create(merchant_id=merchant.id, user_id=operating_admin.user_id)
    far = await outsider()
    before = await points_snapshot()
    for who in (someone, owner, operating_admin):
        with pytest.raises(Forbidden):
            await settle_merchant(
                actor=who, merchant_id=merchant.id, period_end=clock.now(), reference="R"
            )
    with pytest.raises(NotFound):
        await settle_merchant(actor=boss, merchant_id=9999, period_end=clock.now(), reference="R")
    with pytest.raises(Forbidden):
        await settle_merchant(
            actor=far, merchant_id=merchant.id, period_end=clock.now(), reference="R"
        )
    for when, reference, field in (
        (clock.now() + timedelta(hours=1), "R", "periodEnd"),
        (clock.now(), " ", "reference"),
        (clock.now().replace(tzinfo=None), "R", "periodEnd"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await settle_merchant(
                actor=boss, merchant_id=merchant.id, period_end=when, reference=reference
            )
        assert refused.value.field == field
    assert await points_snapshot() == before


async def test_settling_while_residents_redeem_use_and_cancel_accounts_for_every_point() -> None:
    boss = await admin()
    merchant, owner, offer = await _shop()
    buyers = [await resident(f"B{n}") for n in range(6)]
    vouchers = [await _bought(b, offer, f"pre{n}") for n, b in enumerate(buyers)]
    for voucher in vouchers[:3]:
        await use_voucher(actor=owner, code=voucher.code)
    for buyer in buyers:
        await fund(buyer, 30)

    async def settle(n: int) -> object:
        await asyncio.sleep(0)
        return await settle_merchant(
            actor=boss, merchant_id=merchant.id, period_end=clock.now(), reference=f"R{n}"
        )

    calls: list[Coroutine[Any, Any, object]] = [settle(n) for n in range(4)]
    calls += [use_voucher(actor=owner, code=v.code) for v in vouchers[3:5]]
    calls += [cancel_voucher(actor=buyers[5], voucher_id=vouchers[5].id)]
    calls += [
        redeem_offer(actor=b, offer_id=offer.id, idempotency_key=f"race{n}-{b.user_id}")
        for b in buyers
        for n in range(3)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, AlreadyExists) for r in failures), failures
    settled_vouchers = await Voucher.filter(settlement_id__isnull=False)
    assert all(v.used_at is not None for v in settled_vouchers)
    assert await _settled_total() == 10 * len(settled_vouchers)
    issued_or_unsettled = await total(
        "SELECT COALESCE(SUM(points_spent), 0) FROM voucher WHERE status = 'ISSUED' "
        "OR (status = 'USED' AND settlement_id IS NULL)"
    )
    assert await merchant_balance(merchant) == issued_or_unsettled
    await assert_points_consistent()
