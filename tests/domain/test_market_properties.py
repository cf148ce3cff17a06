"""Random sequences of marketplace operations never break the ledger or the stock.

After every step: wallets and merchant accounts are never negative, all balances sum to
zero, every cached balance equals the sum of its entries (and each entry's balance_after is
the running sum), remaining + ISSUED + USED vouchers = stock ever added, and each wallet
holds exactly what a plain Python model of the operations says it should.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from marketplace import clock
from marketplace.adjustments import adjust_points
from marketplace.earning import award
from marketplace.offers import update_offer
from marketplace.redemption import redeem_offer
from marketplace.vouchers import cancel_voucher, expire_vouchers, use_voucher
from models.actor import Actor
from models.enums import PointsReason, VoucherStatus
from models.errors import (
    AlreadyExists,
    InsufficientPoints,
    InvalidInput,
    InvalidTransition,
    LimitReached,
    OutOfStock,
    VoucherNotUsable,
)
from models.market import Offer, Voucher
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

RESIDENTS = 3
PRICES = (7, 12)
EXPECTED_REFUSALS = (
    AlreadyExists,
    InsufficientPoints,
    InvalidTransition,
    LimitReached,
    OutOfStock,
    VoucherNotUsable,
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
)


@dataclass
class World:
    admin: Actor
    owner: Actor
    residents: list[Actor]
    offers: list[Offer]
    sources: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    expected: dict[int, int] = field(default_factory=dict)
    seen_entries: set[int] = field(default_factory=set)
    vouchers: list[Voucher] = field(default_factory=list)


async def _world() -> World:
    await truncate_all()
    merchant, owner = await active_merchant()
    offers = [
        await offer_of(merchant, owner, price=PRICES[0], stock=3, per_user_limit=2),
        await offer_of(merchant, owner, price=PRICES[1], stock=2, title="Oil"),
    ]
    people = [await resident(f"R{i}") for i in range(RESIDENTS)]
    world = World(await admin(), owner, people, offers)
    world.expected = {p.user_id: 0 for p in people}
    for index in range(RESIDENTS):
        await _apply(world, ("award", index, 15))
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
        await cancel_voucher(actor=who, voucher_id=voucher.id)
        world.expected[who.user_id] += voucher.points_spent
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
    return "done"


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
    await expire_vouchers(now=due)
    for voucher in await Voucher.filter(status=VoucherStatus.EXPIRED).exclude(id__in=before):
        assert voucher.expires_at is not None and voucher.expires_at <= due
        world.expected[voucher.holder_id] += voucher.points_spent
    assert not await Voucher.filter(status=VoucherStatus.ISSUED, expires_at__lte=due).exists()


@settings(
    max_examples=35,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=15))
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
        await assert_stock_consistent()
        for who in world.residents:
            assert await balance(who) == world.expected[who.user_id], step
