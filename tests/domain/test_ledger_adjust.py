"""Admin adjustments: who may, what input is refused, and idempotency under concurrency."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.adjustments import MAX_ADJUSTMENT, adjust_points
from models import outbox
from models.enums import AccountKind, PointsReason, Role
from models.errors import AlreadyExists, Forbidden, InsufficientPoints, InvalidInput, NotFound
from models.ledger import Account, Entry, Transfer
from tests import factories
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    assert_ledger_consistent,
    balance,
    count_transfers,
    outsider,
    resident,
    snapshot,
)
from tests.factories import TEST_POOL_FUNDING


async def test_an_admin_adds_and_takes_points_with_a_memo() -> None:
    boss, user = await admin(), await resident()
    with outbox.collecting() as changes:
        added = await adjust_points(
            actor=boss, user_id=user.user_id, amount=50, memo="Flood volunteer", idempotency_key="1"
        )
    taken = await adjust_points(
        actor=boss, user_id=user.user_id, amount=-20, memo="Double award", idempotency_key="2"
    )

    assert (added.amount, added.balance_after, added.memo) == (50, 50, "Flood volunteer")
    assert (taken.amount, taken.balance_after, taken.reason) == (-20, 30, PointsReason.ADJUSTMENT)
    assert await balance(user) == 30
    pool = await Account.get(kind=AccountKind.POOL)
    assert pool.balance == TEST_POOL_FUNDING - 30
    transfer = await Transfer.get(id=taken.transfer_id)
    assert (transfer.actor_id, transfer.source_type, transfer.source_id) == (
        boss.user_id,
        "adjustment",
        user.user_id,
    )
    assert [(c.key, c.object_id) for c in changes] == [(user.user_id, added.id)]
    await assert_ledger_consistent()


async def test_only_admins_adjust() -> None:
    user = await resident()
    _, merchant_owner = await active_merchant()
    actors = (
        user,
        merchant_owner,
        await factories.user(Role.GRID_WORKER),
        await factories.user(Role.PROPERTY_MANAGER),
    )
    before = await snapshot()
    for actor in actors:
        with pytest.raises(Forbidden):
            await adjust_points(
                actor=actor, user_id=user.user_id, amount=5, memo="please", idempotency_key="k"
            )
    assert await snapshot() == before


BAD_ADJUSTMENTS = [
    ("amount", 0, "memo", "k"),
    ("amount", MAX_ADJUSTMENT + 1, "memo", "k"),
    ("amount", -MAX_ADJUSTMENT - 1, "memo", "k"),
    ("memo", 5, "", "k"),
    ("memo", 5, "   ", "k"),
    ("memo", 5, "m" * 201, "k"),
    ("idempotencyKey", 5, "memo", ""),
    ("idempotencyKey", 5, "memo", "k" * 101),
]


async def test_bad_input_is_refused_and_writes_nothing() -> None:
    boss, user = await admin(), await resident()
    before = await snapshot()
    for field, amount, memo, key in BAD_ADJUSTMENTS:
        with pytest.raises(InvalidInput) as refused:
            await adjust_points(
                actor=boss, user_id=user.user_id, amount=amount, memo=memo, idempotency_key=key
            )
        assert refused.value.field == field, (amount, memo, key)
        assert await snapshot() == before


async def test_the_largest_adjustment_is_allowed() -> None:
    boss, user = await admin(), await resident()
    await adjust_points(
        actor=boss, user_id=user.user_id, amount=MAX_ADJUSTMENT, memo="max", idempotency_key="k"
    )
    assert await balance(user) == MAX_ADJUSTMENT


async def test_unknown_users_and_other_communities_users_are_not_found() -> None:
    boss, stranger = await admin(), await outsider()
    before = await snapshot()
    for user_id in (stranger.user_id, stranger.user_id + 100):
        with pytest.raises(NotFound) as missing:
            await adjust_points(
                actor=boss, user_id=user_id, amount=5, memo="x", idempotency_key="k"
            )
        assert missing.value.field == "userId"
    assert await snapshot() == before


async def test_taking_more_than_the_wallet_holds_is_refused() -> None:
    boss, user = await admin(), await resident()
    await adjust_points(actor=boss, user_id=user.user_id, amount=10, memo="x", idempotency_key="1")
    before = await snapshot()
    with pytest.raises(InsufficientPoints):
        await adjust_points(
            actor=boss, user_id=user.user_id, amount=-11, memo="x", idempotency_key="2"
        )
    assert await snapshot() == before


async def test_a_repeated_key_returns_the_first_entry_and_moves_nothing() -> None:
    boss, user = await admin(), await resident()
    first = await adjust_points(
        actor=boss, user_id=user.user_id, amount=10, memo="x", idempotency_key="same"
    )
    before = await snapshot()
    again = await adjust_points(
        actor=boss, user_id=user.user_id, amount=10, memo="x", idempotency_key="same"
    )
    assert again.id == first.id
    assert await snapshot() == before
    with pytest.raises(AlreadyExists) as refused:
        await adjust_points(
            actor=boss, user_id=user.user_id, amount=11, memo="x", idempotency_key="same"
        )
    assert refused.value.field == "idempotencyKey"
    assert await snapshot() == before


async def test_two_admins_may_use_the_same_key() -> None:
    one, two, user = await admin(), await admin(), await resident()
    for boss in (one, two):
        await adjust_points(
            actor=boss, user_id=user.user_id, amount=5, memo="x", idempotency_key="k"
        )
    assert await balance(user) == 10


async def test_the_same_key_at_the_same_moment_moves_points_once() -> None:
    boss, user = await admin(), await resident()
    entries = await asyncio.gather(
        *(
            adjust_points(
                actor=boss, user_id=user.user_id, amount=25, memo="x", idempotency_key="twin"
            )
            for _ in range(6)
        )
    )
    assert len({e.id for e in entries}) == 1
    assert await count_transfers() == 1
    assert await balance(user) == 25


async def test_a_concurrent_repeated_debit_replays_instead_of_failing() -> None:
    boss, user = await admin(), await resident()
    await adjust_points(actor=boss, user_id=user.user_id, amount=30, memo="x", idempotency_key="in")
    entries = await asyncio.gather(
        *(
            adjust_points(
                actor=boss, user_id=user.user_id, amount=-30, memo="y", idempotency_key="out"
            )
            for _ in range(4)
        )
    )
    assert len({e.id for e in entries}) == 1
    assert await balance(user) == 0
    assert await Entry.filter(amount=-30, account__kind=AccountKind.WALLET).count() == 1
    assert await count_transfers() == 2
    await assert_ledger_consistent()
