"""The funded pool: points enter it only by an admin's funding (memo, idempotency key), awards
beyond its balance or the monthly issuance cap are refused with nothing written (50 awards
racing a nearly empty pool never overdraw it), and the treasury adds up."""

from __future__ import annotations

import asyncio

import pytest

from marketplace import issuance
from marketplace.earning import award, hold_award
from marketplace.funding import MAX_FUNDING, fund_pool
from marketplace.holds import void_hold
from marketplace.ledger import wallet_of
from marketplace.policy import set_policy
from marketplace.redemption import redeem_offer
from marketplace.treasury import treasury
from marketplace.vouchers import use_voucher
from models.actor import Actor
from models.enums import ExpiryRule, PointsReason
from models.errors import (
    AlreadyExists,
    Forbidden,
    InvalidInput,
    IssuanceCapReached,
    PoolExhausted,
)
from models.points import PointsHold
from tests.domain.market_helpers import active_merchant, admin, balance, fund, offer_of, resident
from tests.domain.points_helpers import (
    assert_points_consistent,
    drain_pool,
    points_snapshot,
    pool_balance,
)


async def _award(user: Actor, source_id: int, points: int) -> int:
    return await award(
        community_id=user.community_id,
        user_id=user.user_id,
        reason=PointsReason.EVENT_ATTENDED,
        source_type="event_signup",
        source_id=source_id,
        points=points,
    )


async def test_an_admin_funds_the_pool_once_per_key_with_a_memo() -> None:
    boss = await admin()
    before = await pool_balance(boss.community_id)
    first = await fund_pool(
        actor=boss, amount=500, memo="Street office grant", idempotency_key="g1"
    )
    again = await fund_pool(
        actor=boss, amount=500, memo="Street office grant", idempotency_key="g1"
    )
    assert again.transfer.id == first.transfer.id
    assert first.pool_balance == before + 500
    assert await pool_balance(boss.community_id) == before + 500
    assert (first.transfer.reason, first.transfer.memo, first.transfer.actor_id) == (
        PointsReason.FUNDING,
        "Street office grant",
        boss.user_id,
    )
    with pytest.raises(AlreadyExists) as reused:
        await fund_pool(actor=boss, amount=600, memo="Street office grant", idempotency_key="g1")
    assert reused.value.field == "idempotencyKey"
    await assert_points_consistent()


async def test_only_admins_fund_and_bad_input_writes_nothing() -> None:
    boss, someone = await admin(), await resident()
    before = await points_snapshot()
    with pytest.raises(Forbidden):
        await fund_pool(actor=someone, amount=10, memo="mine", idempotency_key="k")
    for amount, memo, key, field in (
        (0, "m", "k", "amount"),
        (MAX_FUNDING + 1, "m", "k", "amount"),
        (10, "  ", "k", "memo"),
        (10, "m", "", "idempotencyKey"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await fund_pool(actor=boss, amount=amount, memo=memo, idempotency_key=key)
        assert refused.value.field == field
    assert await points_snapshot() == before


async def test_the_same_funding_key_at_the_same_moment_funds_once() -> None:
    boss = await admin()
    before = await pool_balance(boss.community_id)
    done = await asyncio.gather(
        *(fund_pool(actor=boss, amount=70, memo="m", idempotency_key="race") for _ in range(8))
    )
    assert len({d.transfer.id for d in done}) == 1
    assert await pool_balance(boss.community_id) == before + 70


async def test_an_award_beyond_the_pool_is_refused_and_writes_nothing() -> None:
    user = await resident()
    await drain_pool(user.community_id, 5)
    await wallet_of(user_id=user.user_id, community_id=user.community_id)
    before = await points_snapshot()
    with pytest.raises(PoolExhausted):
        await _award(user, 1, 6)
    assert await points_snapshot() == before
    assert await _award(user, 1, 5) == 5
    await assert_points_consistent()


async def test_fifty_awards_racing_a_nearly_empty_pool_never_overdraw_it() -> None:
    people = [await resident(f"R{n}") for n in range(10)]
    await drain_pool(people[0].community_id, 23)
    calls = [_award(people[n % 10], n, 2) for n in range(50)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    given = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if not isinstance(r, int)]
    assert all(isinstance(r, PoolExhausted) for r in refused), refused
    assert sum(given) == 22 and len(given) == 11
    assert await pool_balance(people[0].community_id) == 1
    await assert_points_consistent()


async def test_the_monthly_cap_refuses_what_goes_beyond_and_a_voided_hold_gives_it_back() -> None:
    boss, user = await admin(), await resident()
    await set_policy(
        actor=boss, expiry_rule=ExpiryRule.NEVER, expiry_months=None, monthly_issuance_cap=30
    )
    assert await _award(user, 1, 20) == 20
    before = await points_snapshot()
    with pytest.raises(IssuanceCapReached):
        await _award(user, 2, 11)
    assert await points_snapshot() == before
    hold = await hold_award(
        community_id=user.community_id,
        user_id=user.user_id,
        reason=PointsReason.EVENT_ATTENDED,
        source_type="event_signup",
        source_id=3,
        idempotency_key="h",
        points=10,
    )
    assert hold is not None
    with pytest.raises(IssuanceCapReached):
        await _award(user, 4, 1)
    await void_hold(hold_id=hold.id)
    assert await _award(user, 4, 10) == 10
    assert await balance(user) == 30
    month = (await PointsHold.get(id=hold.id)).issuance_month
    assert month is not None
    assert await issuance.issued_in(community_id=user.community_id, month=month) == 30


async def test_racing_awards_never_pass_the_monthly_cap_together() -> None:
    boss = await admin()
    await set_policy(
        actor=boss, expiry_rule=ExpiryRule.NEVER, expiry_months=None, monthly_issuance_cap=25
    )
    people = [await resident(f"R{n}") for n in range(5)]
    results = await asyncio.gather(
        *(_award(people[n % 5], n, 3) for n in range(30)), return_exceptions=True
    )
    given = [r for r in results if isinstance(r, int)]
    assert all(isinstance(r, IssuanceCapReached) for r in results if not isinstance(r, int))
    assert sum(given) == 24
    await assert_points_consistent()


async def test_the_treasury_adds_up_for_admins_only() -> None:
    boss, user = await admin(), await resident()
    with pytest.raises(Forbidden):
        await treasury(actor=user)
    start = await treasury(actor=boss)
    await fund_pool(actor=boss, amount=1000, memo="Grant", idempotency_key="t")
    await fund(user, 50, by=boss)
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=20)
    bought = await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    await use_voucher(actor=owner, code=bought.voucher.code)

    now = await treasury(actor=boss)
    assert now.total.funded == start.total.funded + 1000
    assert now.total.issued - start.total.issued == 50
    assert now.total.redeemed - start.total.redeemed == 20
    assert now.this_month.issued >= 50 and now.this_month.redeemed >= 20
    assert now.total.outstanding == now.wallets
    assert now.total.outstanding == now.total.issued - now.total.redeemed - now.total.expired
    assert now.liability == now.wallets + now.holds
    assert [(m.merchant.id, m.unsettled) for m in now.merchants] == [(merchant.id, 20)]
    assert now.pool_balance == await pool_balance(boss.community_id)
