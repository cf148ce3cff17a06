"""Lots: every credit is a lot with an expiry by the community's rule, spending takes the
earliest expiry first (and the other order is shown to lose residents more), refunds restore
the lots they came from, and the expiry job sends what is left to the pool, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.exceptions import IntegrityError

from marketplace import lots
from marketplace.expiry import EXPIRY_TOPIC, expire_lots, warn_expiring
from marketplace.lots import Policy, expiring, expiry_for
from marketplace.policy import set_policy
from marketplace.redemption import redeem_offer
from marketplace.vouchers import cancel_voucher
from models import clock, outbox
from models.actor import Actor
from models.enums import ExpiryRule, PointsReason
from models.errors import Forbidden, InsufficientPoints, InvalidInput
from models.ledger import Transfer
from models.sql import fetch
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    balance,
    fund,
    offer_of,
    resident,
)
from tests.domain.points_helpers import (
    assert_points_consistent,
    lots_of,
    points_snapshot,
    pool_balance,
)
from tests.statements import counting_statements

SHANGHAI = clock.COMMUNITY_TIMEZONE


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# ---------------------------------------------------------------- the community's rule


def test_points_earned_late_on_new_years_eve_utc_belong_to_the_next_local_year() -> None:
    rule = Policy(ExpiryRule.END_OF_FOLLOWING_YEAR)
    # 20:00 UTC on 31 Dec 2026 is already 1 Jan 2027 in Chengdu: valid to 31 Dec 2028.
    expires = expiry_for(rule, _at("2026-12-31T20:00:00+00:00"))
    assert expires == datetime(2029, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)
    assert clock.last_valid_day(expires).isoformat() == "2028-12-31"
    earlier = expiry_for(rule, _at("2026-12-31T15:00:00+00:00"))  # 23:00 local, still 2026
    assert earlier == datetime(2028, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)


def test_months_after_earning_last_to_the_same_day_clipped_to_the_month() -> None:
    six = Policy(ExpiryRule.MONTHS_AFTER_EARNING, months=6)
    expires = expiry_for(six, _at("2026-08-31T10:00:00+08:00"))
    assert expires is not None
    assert clock.last_valid_day(expires).isoformat() == "2027-02-28"
    assert expiry_for(Policy(ExpiryRule.NEVER), clock.now()) is None


async def test_only_admins_set_the_rule_and_bad_months_are_refused() -> None:
    boss, someone = await admin(), await resident()
    with pytest.raises(Forbidden):
        await set_policy(
            actor=someone,
            expiry_rule=ExpiryRule.NEVER,
            expiry_months=None,
            monthly_issuance_cap=None,
        )
    for rule, months in ((ExpiryRule.MONTHS_AFTER_EARNING, None), (ExpiryRule.NEVER, 3)):
        with pytest.raises(InvalidInput) as refused:
            await set_policy(
                actor=boss, expiry_rule=rule, expiry_months=months, monthly_issuance_cap=None
            )
        assert refused.value.field == "expiryMonths"
    assert await fetch("SELECT * FROM points_policy") == []


async def test_every_credit_is_a_lot_expiring_by_the_rule_in_force_when_earned() -> None:
    boss, user = await admin(), await resident()
    await fund(user, 10, by=boss)
    await set_policy(
        actor=boss,
        expiry_rule=ExpiryRule.END_OF_FOLLOWING_YEAR,
        expiry_months=None,
        monthly_issuance_cap=None,
    )
    await fund(user, 5, by=boss)
    found = await lots_of(user)
    assert [(lot["amount"], lot["remaining"]) for lot in found] == [(10, 10), (5, 5)]
    assert found[0]["expires_at"] is None  # earned under NEVER, kept
    expected = expiry_for(Policy(ExpiryRule.END_OF_FOLLOWING_YEAR), clock.now())
    assert clock.from_row(found[1]["expires_at"]) == expected
    await assert_points_consistent()


# ---------------------------------------------------------------- spending order


async def _wallet_with_lots(user: Actor, boss: Actor, days: list[int | None]) -> list[int]:
    """One lot of 10 per entry, expiring in that many days (None: never); their ids."""
    for _ in days:
        await fund(user, 10, by=boss)
    ids = [int(lot["id"]) for lot in await lots_of(user)]
    base = clock.now()
    for lot_id, day in zip(ids, days, strict=True):
        moment = None if day is None else base + timedelta(days=day)
        await fetch(
            "UPDATE points_lot SET expires_at = ? WHERE id = ? RETURNING id", moment, lot_id
        )
    return ids


async def _spend(user: Actor, price: int) -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=price)
    await redeem_offer(actor=user, offer_id=offer.id, idempotency_key=f"spend-{price}")


async def test_spending_takes_the_earliest_expiry_first_and_never_expiring_points_last() -> None:
    boss, user = await admin(), await resident()
    soon, never, sooner = await _wallet_with_lots(user, boss, [10, None, 5])
    await _spend(user, 15)
    remaining = {int(lot["id"]): int(lot["remaining"]) for lot in await lots_of(user)}
    assert remaining == {sooner: 0, soon: 5, never: 10}
    await assert_points_consistent()


async def _kept_after_expiry(order: str, monkeypatch: pytest.MonkeyPatch) -> int:
    boss, user = await admin(), await resident()
    await _wallet_with_lots(user, boss, [5, None])
    monkeypatch.setattr(lots, "SPENDING_ORDER", order)
    await _spend(user, 10)
    await expire_lots(now=clock.now() + timedelta(days=6))
    return await balance(user)


async def test_the_other_order_loses_the_resident_points_that_ours_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """10 points expiring in 5 days and 10 never; the resident spends 10, then 6 days pass."""
    ours = await _kept_after_expiry(lots.SPENDING_ORDER, monkeypatch)
    latest_first = "CASE WHEN expires_at IS NULL THEN 0 ELSE 1 END, expires_at DESC, id"
    assert ours == 10
    assert await _kept_after_expiry(latest_first, monkeypatch) == 0  # the 10 expiring were lost


async def test_points_past_their_expiry_cannot_be_spent_even_before_the_job_runs() -> None:
    boss, user = await admin(), await resident()
    await _wallet_with_lots(user, boss, [None, -1])
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=15)
    before = await points_snapshot()
    with pytest.raises(InsufficientPoints):
        await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    assert await points_snapshot() == before


# ---------------------------------------------------------------- refunds


async def test_a_cancelled_voucher_puts_the_points_back_into_the_lots_they_came_from() -> None:
    boss, user = await admin(), await resident()
    await _wallet_with_lots(user, boss, [30, None])
    before = [(lot["id"], lot["remaining"], lot["expires_at"]) for lot in await lots_of(user)]
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=15)
    bought = await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    await cancel_voucher(actor=user, voucher_id=bought.voucher.id)
    after = [(lot["id"], lot["remaining"], lot["expires_at"]) for lot in await lots_of(user)]
    assert after == before  # the same lots, with their original expiry; no new lot
    await assert_points_consistent()


async def test_the_part_of_a_refund_whose_lot_expired_meanwhile_goes_to_the_pool() -> None:
    boss, user = await admin(), await resident()
    soon, never = await _wallet_with_lots(user, boss, [3, None])
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=15)  # 10 from `soon`, 5 from `never`
    bought = await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    await fetch(
        "UPDATE points_lot SET expires_at = ? WHERE id = ? RETURNING id",
        clock.now() - timedelta(seconds=1),
        soon,
    )
    pool_before = await pool_balance(user.community_id)
    await cancel_voucher(actor=user, voucher_id=bought.voucher.id)

    assert await balance(user) == 10  # `never` is whole again; `soon` got nothing back
    remaining = {int(lot["id"]): int(lot["remaining"]) for lot in await lots_of(user)}
    assert remaining == {soon: 0, never: 10}
    assert await pool_balance(user.community_id) == pool_before + 10
    to_pool = await Transfer.get(source_type="voucher", reason=PointsReason.EXPIRY)
    assert to_pool.amount == 10
    await expire_lots()
    await assert_points_consistent()


# ---------------------------------------------------------------- the expiry job


async def test_the_job_sends_what_is_left_to_the_pool_once_even_in_many_replicas() -> None:
    boss, user = await admin(), await resident()
    await _wallet_with_lots(user, boss, [2, 2, None])
    await _spend(user, 5)
    pool_before = await pool_balance(user.community_id)
    later = clock.now() + timedelta(days=3)
    runs = await asyncio.gather(*(expire_lots(now=later) for _ in range(4)))
    assert sum(runs) == 2
    assert await balance(user) == 10
    assert await pool_balance(user.community_id) == pool_before + 15
    expired = await Transfer.filter(reason=PointsReason.EXPIRY, source_type="lot")
    assert sorted(t.amount for t in expired) == [5, 10]
    assert await expire_lots(now=later) == 0
    await assert_points_consistent()


async def test_the_expiry_job_racing_residents_spending_the_same_lots_keeps_every_invariant() -> (
    None
):
    boss = await admin()
    people = [await resident(f"R{n}") for n in range(6)]
    for person in people:
        await _wallet_with_lots(person, boss, [1, None])
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=3, stock=1000)
    later = clock.now() + timedelta(days=2)
    spends = [
        redeem_offer(actor=person, offer_id=offer.id, idempotency_key=f"k{person.user_id}-{n}")
        for person in people
        for n in range(4)
    ]
    jobs = [expire_lots(now=later) for _ in range(4)]
    results = await asyncio.gather(*spends, *jobs, return_exceptions=True)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, InsufficientPoints) for r in refused), refused
    for person in people:
        bought = await fetch(
            "SELECT COUNT(*) AS n FROM voucher WHERE holder_id = ?", person.user_id
        )
        lost = await fetch(
            "SELECT COALESCE(SUM(t.amount), 0) AS n FROM points_transfer t "
            "JOIN account a ON a.id = t.debit_account_id "
            "WHERE a.user_id = ? AND t.reason = 'EXPIRY'",
            person.user_id,
        )
        assert int(lost[0]["n"]) <= 10
        assert await balance(person) == 20 - 3 * int(bought[0]["n"]) - int(lost[0]["n"])
    assert (
        await fetch("SELECT id FROM points_lot WHERE expires_at <= ? AND expired_at IS NULL", later)
        == []
    )
    await assert_points_consistent()


# ---------------------------------------------------------------- telling residents


async def test_residents_see_what_expires_when_and_are_told_once_30_days_before() -> None:
    boss, user = await admin(), await resident()
    await _wallet_with_lots(user, boss, [20, 20, 90, None])
    soon = await expiring(user_id=user.user_id, now=clock.now())
    assert [e.points for e in soon] == [20, 10]
    first = soon[0]
    assert first.message == f"{first.points} points expire on {first.last_day}"

    with outbox.collecting() as told:
        assert await warn_expiring() == 2
    assert [(c.topic, c.key) for c in told] == [(EXPIRY_TOPIC, user.user_id)]
    with outbox.collecting() as again:
        assert await warn_expiring() == 0
    assert again == []


# ---------------------------------------------------------------- guards and cost


async def test_the_database_refuses_a_lot_below_zero_or_above_its_amount() -> None:
    boss, user = await admin(), await resident()
    await fund(user, 10, by=boss)
    lot_id = (await lots_of(user))[0]["id"]
    for remaining in (-1, 11):
        with pytest.raises(IntegrityError):
            await fetch(
                "UPDATE points_lot SET remaining = ? WHERE id = ? RETURNING id", remaining, lot_id
            )


async def test_spending_costs_the_same_statements_however_many_lots_it_takes() -> None:
    boss = await admin()
    counts = []
    for lots_count in (1, 40):
        user = await resident(f"{lots_count} lots")
        await _wallet_with_lots(user, boss, [30] * lots_count)
        merchant, owner = await active_merchant()
        offer = await offer_of(merchant, owner, price=10 * lots_count)
        with counting_statements() as sent:
            await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
        counts.append(len(sent))
        assert await balance(user) == 0
    assert counts[0] == counts[1], counts
    await assert_points_consistent()
