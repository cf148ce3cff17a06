"""Vouchers: codes, use at the merchant, cancellation by the holder, expiry by the job."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

import pytest

from marketplace import codes
from marketplace.redemption import Redemption, redeem_offer
from marketplace.vouchers import (
    cancel_voucher,
    expire_vouchers,
    get_voucher,
    list_vouchers,
    use_voucher,
    visible_code,
    voucher_qr_payload,
)
from models import clock, outbox
from models.actor import Actor
from models.enums import PointsReason, VoucherStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, VoucherNotUsable
from models.ledger import Entry
from models.market import Merchant, Offer, Voucher
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
    resident,
    snapshot,
)


async def _bought(
    *, price: int = 10, stock: int = 5, days: int = 30
) -> tuple[Merchant, Actor, Actor, Redemption]:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=price, stock=stock)
    buyer = await resident("Buyer")
    await fund(buyer, 100)
    bought = await redeem_offer(
        actor=buyer, offer_id=offer.id, idempotency_key=new_key(), voucher_days=days
    )
    return merchant, owner, buyer, bought


# ---------------------------------------------------------------- codes


def test_codes_are_grouped_readable_and_distinct() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in itertools.islice(made, 50):
        assert len(code) == 15 and code[4] == "-" and code[9] == "-"
        assert not set(code) & set("01OI")
    assert len(codes.ALPHABET) == 32 and codes.LENGTH * 5 >= 60


def test_typed_or_scanned_codes_are_normalised() -> None:
    code = "ABCD-EFGH-JKLMN"
    for typed in ("abcd efgh jklmn", "ABCDEFGHJKLMN", f"gridpoints:voucher:{code}", f" {code} "):
        assert codes.normalize(typed) == code
    for wrong in ("", "ABCD-EFGH-JKLM", "ABCD-EFGH-JKLM0", "ABCD-EFGH-JKLMNP"):
        assert codes.normalize(wrong) is None


async def test_the_qr_payload_carries_the_code() -> None:
    *_, bought = await _bought()
    assert voucher_qr_payload(bought.voucher) == f"gridpoints:voucher:{bought.voucher.code}"


async def test_a_colliding_code_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner)
    buyer = await resident()
    await fund(buyer, 100)
    draws = iter(["A"] * codes.LENGTH * 2 + ["B"] * codes.LENGTH)

    class _Draws:
        @staticmethod
        def choice(_alphabet: str) -> str:
            return next(draws)

    monkeypatch.setattr(codes, "secrets", _Draws)
    first = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="1")
    second = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key="2")

    assert (first.voucher.code, second.voucher.code) == ("AAAA-AAAA-AAAAA", "BBBB-BBBB-BBBBB")
    assert await balance(buyer) == 80
    await assert_ledger_consistent()


# ---------------------------------------------------------------- use


async def test_an_operator_uses_an_issued_voucher_once() -> None:
    _, owner, _, bought = await _bought()
    used = await use_voucher(actor=owner, code=bought.voucher.code.lower().replace("-", " "))
    assert used.id == bought.voucher.id
    assert used.status is VoucherStatus.USED and used.used_at is not None
    before = await snapshot()
    with pytest.raises(VoucherNotUsable):
        await use_voucher(actor=owner, code=bought.voucher.code)
    assert await snapshot() == before


async def test_the_qr_payload_can_be_used_as_the_code() -> None:
    _, owner, _, bought = await _bought()
    used = await use_voucher(actor=owner, code=voucher_qr_payload(bought.voucher))
    assert used.status is VoucherStatus.USED


async def test_non_operators_are_forbidden_whatever_the_code() -> None:
    _, _, buyer, bought = await _bought()
    actors = (buyer, await admin(), await resident("Passer-by"))
    before = await snapshot()
    for actor in actors:
        for code in (bought.voucher.code, "ZZZZ-ZZZZ-ZZZZZ", "nonsense"):
            with pytest.raises(Forbidden):
                await use_voucher(actor=actor, code=code)
    assert await snapshot() == before


async def test_another_merchants_operator_cannot_tell_a_real_code_from_a_made_up_one() -> None:
    *_, bought = await _bought()
    _, rival = await active_merchant(await resident("Rival"))
    before = await snapshot()
    for code in (bought.voucher.code, "ZZZZ-ZZZZ-ZZZZZ", "nonsense"):
        with pytest.raises(VoucherNotUsable):
            await use_voucher(actor=rival, code=code)
    assert await snapshot() == before


async def test_cancelled_expired_and_lapsed_vouchers_cannot_be_used() -> None:
    _, owner, buyer, cancelled = await _bought()
    await cancel_voucher(actor=buyer, voucher_id=cancelled.voucher.id)
    offer_id = cancelled.voucher.offer_id
    lapsed = await redeem_offer(actor=buyer, offer_id=offer_id, idempotency_key="lapsed")
    await Voucher.filter(id=lapsed.voucher.id).update(expires_at=clock.now() - timedelta(hours=1))
    expired = await redeem_offer(actor=buyer, offer_id=offer_id, idempotency_key="expired")
    await Voucher.filter(id=expired.voucher.id).update(expires_at=clock.now() - timedelta(days=2))
    # The job last ran a day ago: it expired one, the other lapsed since and awaits the next run.
    await expire_vouchers(now=clock.now() - timedelta(days=1))
    assert (await Voucher.get(id=expired.voucher.id)).status is VoucherStatus.EXPIRED
    assert (await Voucher.get(id=lapsed.voucher.id)).status is VoucherStatus.ISSUED
    before = await snapshot()

    for voucher in (cancelled.voucher, lapsed.voucher, expired.voucher):
        with pytest.raises(VoucherNotUsable):
            await use_voucher(actor=owner, code=voucher.code)

    assert await snapshot() == before


async def test_a_voucher_used_twice_at_the_same_moment_is_used_once() -> None:
    _, owner, _, bought = await _bought()
    results = await asyncio.gather(
        *(use_voucher(actor=owner, code=bought.voucher.code) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Voucher) for r in results) == 1
    assert sum(isinstance(r, VoucherNotUsable) for r in results) == 4


# ---------------------------------------------------------------- cancel


async def test_the_holder_cancels_and_gets_points_and_stock_back() -> None:
    merchant, _, buyer, bought = await _bought(price=10)
    assert (await balance(buyer), await merchant_balance(merchant)) == (90, 10)

    with outbox.collecting() as changes:
        cancelled = await cancel_voucher(actor=buyer, voucher_id=bought.voucher.id)

    assert cancelled.status is VoucherStatus.CANCELLED and cancelled.closed_at is not None
    assert (await balance(buyer), await merchant_balance(merchant)) == (100, 0)
    assert (await Offer.get(id=bought.voucher.offer_id)).remaining == 5
    refund = await Entry.get(reason=PointsReason.REFUND, amount=10)
    assert refund.balance_after == 100
    assert [(c.key, c.object_id) for c in changes] == [(buyer.user_id, refund.id)]
    await assert_ledger_consistent()
    await assert_stock_consistent()


async def test_only_the_holder_may_cancel() -> None:
    _, owner, _, bought = await _bought()
    actors = (owner, await admin(), await resident("Other"))
    before = await snapshot()
    for actor in actors:
        with pytest.raises(Forbidden):
            await cancel_voucher(actor=actor, voucher_id=bought.voucher.id)
    assert await snapshot() == before


async def test_only_an_issued_voucher_can_be_cancelled() -> None:
    _, owner, buyer, bought = await _bought()
    await use_voucher(actor=owner, code=bought.voucher.code)
    before = await snapshot()
    with pytest.raises(InvalidTransition):
        await cancel_voucher(actor=buyer, voucher_id=bought.voucher.id)
    with pytest.raises(NotFound) as missing:
        await cancel_voucher(actor=buyer, voucher_id=bought.voucher.id + 99)
    assert missing.value.field == "voucherId"
    assert await snapshot() == before


async def test_cancelling_twice_at_the_same_moment_refunds_once() -> None:
    merchant, _, buyer, bought = await _bought(price=10)
    results = await asyncio.gather(
        *(cancel_voucher(actor=buyer, voucher_id=bought.voucher.id) for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Voucher) for r in results) == 1
    assert sum(isinstance(r, InvalidTransition) for r in results) == 3
    assert (await balance(buyer), await merchant_balance(merchant)) == (100, 0)
    await assert_ledger_consistent()
    await assert_stock_consistent()


# ---------------------------------------------------------------- expire


async def test_expiry_refunds_the_holder_and_returns_the_unit() -> None:
    merchant, owner, buyer, short = await _bought(price=10, days=1)
    offer_id = short.voucher.offer_id
    long = await redeem_offer(actor=buyer, offer_id=offer_id, idempotency_key="long")
    used = await redeem_offer(
        actor=buyer, offer_id=offer_id, idempotency_key="used", voucher_days=1
    )
    await use_voucher(actor=owner, code=used.voucher.code)

    assert await expire_vouchers(now=clock.now() + timedelta(days=2)) == 1

    statuses = {v.id: v.status for v in await Voucher.all()}
    assert statuses == {
        short.voucher.id: VoucherStatus.EXPIRED,
        long.voucher.id: VoucherStatus.ISSUED,
        used.voucher.id: VoucherStatus.USED,
    }
    assert await balance(buyer) == 80
    assert await merchant_balance(merchant) == 20
    assert (await Offer.get(id=offer_id)).remaining == 3
    assert await Entry.filter(reason=PointsReason.EXPIRY, amount=10).count() == 1
    assert await expire_vouchers(now=clock.now() + timedelta(days=2)) == 0
    await assert_ledger_consistent()
    await assert_stock_consistent()


async def test_expiry_handles_at_most_limit_vouchers_per_run() -> None:
    _, _, buyer, first = await _bought(days=1)
    for i in range(3):
        await redeem_offer(
            actor=buyer, offer_id=first.voucher.offer_id, idempotency_key=f"{i}", voucher_days=1
        )
    later = clock.now() + timedelta(days=2)
    assert await expire_vouchers(now=later, limit=3) == 3
    assert await expire_vouchers(now=later, limit=3) == 1


async def test_replicas_expiring_at_once_refund_each_voucher_once() -> None:
    merchant, _, buyer, first = await _bought(price=5, stock=10, days=1)
    for i in range(7):
        await redeem_offer(
            actor=buyer, offer_id=first.voucher.offer_id, idempotency_key=f"{i}", voucher_days=1
        )
    later = clock.now() + timedelta(days=2)

    runs = await asyncio.gather(*(expire_vouchers(now=later) for _ in range(4)))

    assert sum(runs) == 8
    assert await Voucher.filter(status=VoucherStatus.EXPIRED).count() == 8
    assert await Entry.filter(reason=PointsReason.EXPIRY).count() == 16
    assert (await balance(buyer), await merchant_balance(merchant)) == (100, 0)
    await assert_ledger_consistent()
    await assert_stock_consistent()


async def test_expiry_wants_an_aware_time() -> None:
    with pytest.raises(InvalidInput) as refused:
        await expire_vouchers(now=datetime(2030, 1, 1))
    assert refused.value.field == "now"


# ---------------------------------------------------------------- reads


async def test_holders_list_their_vouchers_newest_first_by_status() -> None:
    _, owner, buyer, first = await _bought()
    second = await redeem_offer(actor=buyer, offer_id=first.voucher.offer_id, idempotency_key="2")
    third = await redeem_offer(actor=buyer, offer_id=first.voucher.offer_id, idempotency_key="3")
    await use_voucher(actor=owner, code=second.voucher.code)

    page = await list_vouchers(holder_id=buyer.user_id, status=None, first=2, after=None)
    assert [v.id for v in page.items] == [third.voucher.id, second.voucher.id] and page.has_next
    rest = await list_vouchers(
        holder_id=buyer.user_id, status=None, first=2, after=second.voucher.id
    )
    assert [v.id for v in rest.items] == [first.voucher.id] and not rest.has_next
    issued = await list_vouchers(
        holder_id=buyer.user_id, status=VoucherStatus.ISSUED, first=None, after=None
    )
    assert [v.id for v in issued.items] == [third.voucher.id, first.voucher.id]


async def test_a_voucher_and_its_code_are_shown_to_the_right_people() -> None:
    merchant, owner, buyer, bought = await _bought()
    voucher = bought.voucher
    stranger = await resident("Stranger")
    assert (await get_voucher(actor=buyer, voucher_id=voucher.id)).id == voucher.id
    assert (await get_voucher(actor=owner, voucher_id=voucher.id)).id == voucher.id
    assert (await get_voucher(actor=await admin(), voucher_id=voucher.id)).id == voucher.id
    with pytest.raises(NotFound):
        await get_voucher(actor=stranger, voucher_id=voucher.id)

    assert await visible_code(actor=buyer, voucher=voucher, merchant_id=merchant.id) == voucher.code
    assert await visible_code(actor=owner, voucher=voucher, merchant_id=merchant.id) is None
    used = await use_voucher(actor=owner, code=voucher.code)
    assert await visible_code(actor=owner, voucher=used, merchant_id=merchant.id) == voucher.code
    assert await visible_code(actor=stranger, voucher=used, merchant_id=merchant.id) is None
    assert await count("voucher") == 1
