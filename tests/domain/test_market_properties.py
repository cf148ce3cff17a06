"""Random sequences of marketplace operations never break the ledger, the lots or the stock.

The operations: awards, redemptions, cancellations, uses, voucher expiry, adjustments,
restocking, and for points that behave like money: funding the pool, holds placed, posted
(in full or in part), voided and timed out, an expiry rule set, the lot expiry job, and
merchant settlement.

After every step: no lot, wallet, pool, escrow, merchant or settled account is below zero;
all balances sum to zero; every cached balance equals the sum of its entries (each entry's
balance_after the running sum) and, for a wallet, the sum of its lots' remaining amounts;
each hold is resolved at most once and never posts more than it holds; the escrow holds the
pending holds; pool + wallets + holds + merchants + settled = everything ever funded; lots
closed by the expiry job hold nothing; remaining + ISSUED + USED vouchers = stock ever added;
each wallet holds exactly, and has pending exactly, what a plain Python model says.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from marketplace.adjustments import adjust_points
from marketplace.earning import award, hold_award
from marketplace.expiry import expire_lots
from marketplace.funding import fund_pool
from marketplace.holds import post_hold, void_hold, void_stale_holds
from marketplace.offers import update_offer
from marketplace.payouts import settle_merchant
from marketplace.policy import set_policy
from marketplace.redemption import redeem_offer
from marketplace.vouchers import cancel_voucher, expire_vouchers, use_voucher
from models import clock
from models.actor import Actor
from models.enums import ExpiryRule, HoldStatus, PointsReason, VoucherStatus
from models.errors import (
    AlreadyExists,
    InsufficientPoints,
    InvalidInput,
    InvalidTransition,
    IssuanceCapReached,
    LimitReached,
    OutOfStock,
    PoolExhausted,
    VoucherNotUsable,
)
from models.market import Merchant, Offer, Voucher
from models.points import PointsHold
from models.sql import fetch
from tests.dbsetup import truncate_all
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    assert_ledger_consistent,
    assert_stock_consistent,
    balance,
    offer_of,
    resident,
)
from tests.domain.points_helpers import assert_points_consistent, pending

RESIDENTS = 3
PRICES = (7, 12)
EXPECTED_REFUSALS = (
    AlreadyExists,
    InsufficientPoints,
    InvalidTransition,
    LimitReached,
    OutOfStock,
    VoucherNotUsable,
    PoolExhausted,
    IssuanceCapReached,
)

users = st.integers(0, RESIDENTS - 1)
keys = st.sampled_from(["k1", "k2", "k3"])  # few keys, so repeats and clashes happen
operations = st.one_of(
    st.tuples(st.just("award"), users, st.integers(1, 40)),
    st.tuples(st.just("redeem"), users, st.integers(0, 1), keys, st.integers(1, 20)),
    st.tuples(st.just("redeem"), users, st.integers(0, 1), keys, st.integers(1, 20)),
    st.tuples(st.just("cancel"), users, st.integers(0, 9)),
    st.tuples(st.just("use"), st.integers(0, 9)),
    st.tuples(st.just("expire"), st.integers(0, 25)),
    st.tuples(st.just("adjust"), users, st.integers(1, 30) | st.integers(-30, -1), keys),
    st.tuples(st.just("restock"), st.integers(0, 1), st.integers(-3, 3)),
    st.tuples(st.just("fund"), st.integers(1, 60), keys),
    st.tuples(st.just("hold"), users, st.integers(1, 40)),
    st.tuples(st.just("hold"), users, st.integers(1, 40)),
    st.tuples(st.just("post"), st.integers(0, 9), st.none() | st.integers(1, 40)),
    st.tuples(st.just("void"), st.integers(0, 9)),
    st.tuples(st.just("time_out"), st.integers(0, 40)),
    st.tuples(st.just("expiry_rule"), st.sampled_from(list(ExpiryRule)), st.integers(1, 3)),
    st.tuples(st.just("expire_lots"), st.integers(0, 900)),
    st.tuples(st.just("settle"), st.text("ABC", min_size=1, max_size=3)),
)


@dataclass
class World:
    admin: Actor
    owner: Actor
    residents: list[Actor]
    offers: list[Offer]
    sources: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    expected: dict[int, int] = field(default_factory=dict)
    pending: dict[int, int] = field(default_factory=dict)
    seen_entries: set[int] = field(default_factory=set)
    vouchers: list[Voucher] = field(default_factory=list)
    holds: list[PointsHold] = field(default_factory=list)
    merchant: Merchant | None = None
    wallets: dict[int, int] = field(default_factory=dict)  # user id -> wallet account id


async def _world() -> World:
    await truncate_all()
    merchant, owner = await active_merchant()
    offers = [
        await offer_of(merchant, owner, price=PRICES[0], stock=3, per_user_limit=2),
        await offer_of(merchant, owner, price=PRICES[1], stock=2, title="Oil"),
    ]
    people = [await resident(f"R{i}") for i in range(RESIDENTS)]
    world = World(await admin(), owner, people, offers, merchant=merchant)
    world.expected = {p.user_id: 0 for p in people}
    world.pending = {p.user_id: 0 for p in people}
    for index in range(RESIDENTS):
        await _apply(world, ("award", index, 15))
    world.wallets = {
        int(row["user_id"]): int(row["id"])
        for row in await fetch("SELECT id, user_id FROM account WHERE kind = 'WALLET'")
    }
    for index in range(RESIDENTS):
        await _apply(world, ("hold", index, 5 + index))
    return world


def _pick(world: World, index: int) -> Voucher | None:
    return world.vouchers[index % len(world.vouchers)] if world.vouchers else None


async def _apply(world: World, operation: tuple[Any, ...]) -> str:
    """Run one operation; return how it went ("done" or "skipped"), or raise its refusal."""
    kind, *args = operation
    if kind == "award":
        who, points = world.residents[args[0]], args[1]
        given_points = await award(
            community_id=who.community_id,
            user_id=who.user_id,
            reason=PointsReason.EVENT_ATTENDED,
            source_type="event_signup",
            source_id=next(world.sources),
            points=points,
        )
        world.expected[who.user_id] += given_points
    elif kind == "redeem":
        await _redeem(world, *args)
    elif kind == "cancel":
        voucher = _pick(world, args[1])
        who = world.residents[args[0]]
        if voucher is None or who.user_id != voucher.holder_id:
            return "skipped"
        async with _wallet_refunds(world, voucher):
            await cancel_voucher(actor=who, voucher_id=voucher.id)
    elif kind == "use":
        voucher = _pick(world, args[0])
        if voucher is None:
            return "skipped"
        await use_voucher(actor=world.owner, code=voucher.code)
    elif kind == "expire":
        await _expire(world, days=args[0])
    elif kind == "adjust":
        who, amount, key = world.residents[args[0]], args[1], args[2]
        entry = await adjust_points(
            actor=world.admin, user_id=who.user_id, amount=amount, memo="fix", idempotency_key=key
        )
        if entry.id not in world.seen_entries:
            world.seen_entries.add(entry.id)
            world.expected[who.user_id] += amount
    elif kind == "restock":
        try:
            await update_offer(
                actor=world.owner, offer_id=world.offers[args[0]].id, stock_delta=args[1]
            )
        except InvalidInput as refused:
            assert refused.field == "stockDelta"
            return "InvalidInput"
    else:
        return await _apply_points(world, kind, args)
    return "done"


async def _apply_points(world: World, kind: str, args: list[Any]) -> str:
    """The operations of points that behave like money."""
    if kind == "fund":
        await fund_pool(actor=world.admin, amount=args[0], memo="top-up", idempotency_key=args[1])
    elif kind == "hold":
        who = world.residents[args[0]]
        source = next(world.sources)
        hold = await hold_award(
            community_id=who.community_id,
            user_id=who.user_id,
            reason=PointsReason.REPORT_VERIFIED,
            source_type="report",
            source_id=source,
            idempotency_key=f"hold:report:{source}",
            points=args[1],
        )
        assert hold is not None
        world.holds.append(hold)
        world.pending[who.user_id] += int(hold.amount)
    elif kind in ("post", "void"):
        if not world.holds:
            return "skipped"
        hold = world.holds[args[0] % len(world.holds)]
        if kind == "post" and args[1] is not None and args[1] > hold.amount:
            with pytest.raises(InvalidInput) as refused:
                await post_hold(hold_id=hold.id, amount=args[1])
            assert refused.value.field == "amount"
            return "InvalidInput"
        if kind == "post":
            done = await post_hold(hold_id=hold.id, amount=args[1])
            world.expected[_holder(world, done)] += int(done.posted_amount or 0)
        else:
            done = await void_hold(hold_id=hold.id)
        world.pending[_holder(world, done)] -= int(done.amount)
    elif kind == "time_out":
        await _time_out(world, days=args[0])
    elif kind == "expiry_rule":
        rule, months = args
        await set_policy(
            actor=world.admin,
            expiry_rule=rule,
            expiry_months=months if rule is ExpiryRule.MONTHS_AFTER_EARNING else None,
            monthly_issuance_cap=None,
        )
    elif kind == "expire_lots":
        due = clock.now() + timedelta(days=args[0])
        async with _wallet_losses(world, due):
            await expire_lots(now=due, limit=1000)
    elif kind == "settle":
        assert world.merchant is not None
        await settle_merchant(
            actor=world.admin,
            merchant_id=world.merchant.id,
            period_end=clock.now(),
            reference=args[0],
        )
    return "done"


def _holder(world: World, hold: PointsHold) -> int:
    return next(uid for uid, wallet in world.wallets.items() if wallet == hold.credit_account_id)


async def _time_out(world: World, *, days: int) -> None:
    before = {h.id for h in await PointsHold.filter(status=HoldStatus.VOIDED)}
    await void_stale_holds(older_than=timedelta(days=30), now=clock.now() + timedelta(days=days))
    for hold in await PointsHold.filter(status=HoldStatus.VOIDED).exclude(id__in=before):
        world.pending[_holder(world, hold)] -= int(hold.amount)
    if days > 30:
        assert not await PointsHold.filter(status=HoldStatus.PENDING).exists()


async def _live_share(voucher_id: int) -> int:
    """What a refund of the voucher gives its holder: the points that came from lots the
    expiry job has not closed (the rest goes to the pool)."""
    rows = await fetch(
        "SELECT COALESCE(SUM(CASE WHEN l.expired_at IS NULL THEN s.amount ELSE 0 END), 0) "
        "AS live FROM points_lot_spend s JOIN points_lot l ON l.id = s.lot_id "
        "JOIN points_transfer t ON t.id = s.transfer_id "
        "WHERE t.source_type = 'voucher' AND t.source_id = ? AND t.reason = 'REDEMPTION'",
        voucher_id,
    )
    return int(rows[0]["live"])


@asynccontextmanager
async def _wallet_refunds(world: World, voucher: Voucher) -> AsyncIterator[None]:
    share = await _live_share(voucher.id)
    yield
    world.expected[voucher.holder_id] += share


@asynccontextmanager
async def _wallet_losses(world: World, due: datetime) -> AsyncIterator[None]:
    """The expiry job takes exactly what is left of each lot due by then, once."""
    lots_due = await fetch(
        "SELECT l.id, l.remaining, a.user_id FROM points_lot l JOIN account a "
        "ON a.id = l.account_id WHERE l.expired_at IS NULL AND l.expires_at <= ?",
        due,
    )
    yield
    for lot in lots_due:
        world.expected[int(lot["user_id"])] -= int(lot["remaining"])
    assert not await fetch(
        "SELECT id FROM points_lot WHERE expired_at IS NULL AND expires_at <= ?", due
    ), "the job leaves no lot due"


async def _redeem(world: World, who_index: int, offer_index: int, key: str, days: int) -> None:
    who, offer = world.residents[who_index], world.offers[offer_index]
    result = await redeem_offer(
        actor=who, offer_id=offer.id, idempotency_key=key, voucher_days=days
    )
    if result.voucher.id not in {v.id for v in world.vouchers}:
        world.vouchers.append(result.voucher)
        world.expected[who.user_id] -= result.voucher.points_spent
    assert result.points_balance == world.expected[who.user_id]


async def _expire(world: World, *, days: int) -> None:
    due = clock.now() + timedelta(days=days)
    before = {v.id for v in await Voucher.filter(status=VoucherStatus.EXPIRED)}
    shares = {
        v.id: await _live_share(v.id)
        for v in await Voucher.filter(status=VoucherStatus.ISSUED, expires_at__lte=due)
    }
    await expire_vouchers(now=due)
    newly = await Voucher.filter(status=VoucherStatus.EXPIRED).exclude(id__in=before)
    for voucher in newly:
        assert voucher.expires_at is not None and voucher.expires_at <= due
        world.expected[voucher.holder_id] += shares[voucher.id]
    assert not await Voucher.filter(status=VoucherStatus.ISSUED, expires_at__lte=due).exists()


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=20))
async def test_random_operations_keep_the_ledger_and_the_stock_whole(
    steps: list[tuple[Any, ...]],
) -> None:
    world = await _world()
    for step in steps:
        try:
            event(f"{step[0]}: {await _apply(world, step)}")
        except EXPECTED_REFUSALS as refused:
            event(f"{step[0]}: {type(refused).__name__}")
        await assert_ledger_consistent()
        await assert_points_consistent()
        await assert_stock_consistent()
        for who in world.residents:
            assert await balance(who) == world.expected[who.user_id], step
            assert await pending(who) == world.pending[who.user_id], step
