"""Pending holds: reports and event sign-ups hold their reward, verification and check-in post
it, rejection, cancellation and no-shows void it, the stale-hold job voids what is left, and a
hold is resolved exactly once, never posting more than it holds."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError

from community.events import cancel_signup, check_in, sign_up
from community.report_workflow import reject_report, verify_report, withdraw_report
from marketplace.earning import set_rule
from marketplace.funding import fund_pool
from marketplace.holds import place_hold, post_hold, void_hold, void_stale_holds
from marketplace.ledger import (
    AccountRef,
    community_account,
    merchant_account_of,
    pool_of,
    wallet_of,
)
from models import clock
from models.actor import Actor
from models.enums import (
    AccountKind,
    HoldStatus,
    PointsReason,
    ReportCategory,
    ReportStatus,
    Role,
    SignupStatus,
)
from models.errors import (
    AlreadyExists,
    Forbidden,
    InsufficientPoints,
    InvalidInput,
    InvalidTransition,
    PoolExhausted,
)
from models.ledger import Entry, Transfer
from models.points import PointsHold
from models.sql import fetch
from tests import factories
from tests.domain.civic_helpers import at_status, cast, submitted
from tests.domain.market_helpers import active_merchant, balance, fund, resident
from tests.domain.points_helpers import (
    assert_points_consistent,
    drain_pool,
    lots_of,
    pending,
    points_snapshot,
    pool_balance,
)
from tests.harness.events import an_event

REPORT_POINTS = 10  # the default rule


async def _hold_of(source_type: str, source_id: int) -> PointsHold:
    return await PointsHold.get(source_type=source_type, source_id=source_id)


async def test_filing_a_report_holds_its_points_and_verification_posts_them(
    tmp_path: Path,
) -> None:
    people = await cast()
    pool_before = await pool_balance(people.reporter.community_id)
    report = await at_status(people, tmp_path, ReportStatus.RESOLVED)

    hold = await _hold_of("report", report.id)
    assert (hold.amount, hold.status, hold.reason) == (
        REPORT_POINTS,
        HoldStatus.PENDING,
        PointsReason.REPORT_VERIFIED,
    )
    assert await pending(people.reporter) == REPORT_POINTS
    assert await balance(people.reporter) == 0  # held, not spendable
    assert await pool_balance(people.reporter.community_id) == pool_before - REPORT_POINTS
    await assert_points_consistent()

    verified = await verify_report(actor=people.worker, report_id=report.id)

    assert verified.points_awarded == REPORT_POINTS
    assert await pending(people.reporter) == 0
    assert await balance(people.reporter) == REPORT_POINTS
    await hold.refresh_from_db()
    assert (hold.status, hold.posted_amount, hold.resolved_by_id) == (
        HoldStatus.POSTED,
        REPORT_POINTS,
        people.worker.user_id,
    )
    credit = await Transfer.get(idempotency_key=f"hold:{hold.id}:post")
    assert (
        credit.reason is PointsReason.REPORT_VERIFIED and credit.actor_id == people.worker.user_id
    )
    assert credit.rule_version_id == hold.rule_version_id is not None
    assert await pool_balance(people.reporter.community_id) == pool_before - REPORT_POINTS
    await assert_points_consistent()


async def test_rejection_voids_the_hold_and_the_points_go_back_to_the_pool(
    tmp_path: Path,
) -> None:
    people = await cast()
    pool_before = await pool_balance(people.reporter.community_id)
    report = await submitted(people, tmp_path)
    await reject_report(actor=people.worker, report_id=report.id, note="Not ours")

    hold = await _hold_of("report", report.id)
    assert hold.status is HoldStatus.VOIDED and hold.posted_amount is None
    assert await pending(people.reporter) == 0 and await balance(people.reporter) == 0
    assert await pool_balance(people.reporter.community_id) == pool_before
    await assert_points_consistent()


async def test_the_reporter_withdraws_before_dispatch_and_the_hold_is_voided(
    tmp_path: Path,
) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    with pytest.raises(Forbidden):
        await withdraw_report(actor=people.worker, report_id=report.id)
    withdrawn = await withdraw_report(actor=people.reporter, report_id=report.id, note="Fixed it")
    assert withdrawn.status is ReportStatus.WITHDRAWN
    assert (await _hold_of("report", report.id)).status is HoldStatus.VOIDED
    assert await pending(people.reporter) == 0
    dispatched = await at_status(people, tmp_path, ReportStatus.DISPATCHED)
    before = await points_snapshot()
    with pytest.raises(InvalidTransition):
        await withdraw_report(actor=people.reporter, report_id=dispatched.id)
    assert await points_snapshot() == before
    await assert_points_consistent()


async def test_a_likely_duplicate_holds_nothing(tmp_path: Path) -> None:
    people = await cast()
    first = await submitted(people, tmp_path)
    second = await submitted(people, tmp_path, reporter=people.resident)
    assert second.duplicate_of_id == first.id
    assert not await PointsHold.filter(source_type="report", source_id=second.id).exists()
    assert await pending(people.resident) == 0


async def test_a_hold_is_resolved_once_and_a_failed_resolution_changes_nothing() -> None:
    user = await resident()
    hold = await _pool_hold(user, 10)
    await void_hold(hold_id=hold.id)
    before = await points_snapshot()
    with pytest.raises(InvalidTransition):
        await post_hold(hold_id=hold.id)
    with pytest.raises(InvalidTransition):
        await void_hold(hold_id=hold.id)
    assert await points_snapshot() == before

    other = await _pool_hold(user, 10, key="other")
    await post_hold(hold_id=other.id)
    before = await points_snapshot()
    with pytest.raises(InvalidTransition):
        await void_hold(hold_id=other.id)
    with pytest.raises(InvalidTransition):
        await post_hold(hold_id=other.id)
    assert await points_snapshot() == before
    await assert_points_consistent()


async def test_a_post_never_exceeds_the_hold_and_a_partial_post_returns_the_rest() -> None:
    user = await resident()
    pool_before = await pool_balance(user.community_id)
    hold = await _pool_hold(user, 10)
    before = await points_snapshot()
    for wrong in (11, 0, -1):
        with pytest.raises(InvalidInput) as refused:
            await post_hold(hold_id=hold.id, amount=wrong)
        assert refused.value.field == "amount"
    assert await points_snapshot() == before

    posted = await post_hold(hold_id=hold.id, amount=4)
    assert (posted.status, posted.posted_amount) == (HoldStatus.POSTED, 4)
    assert await balance(user) == 4
    assert await pool_balance(user.community_id) == pool_before - 4
    await assert_points_consistent()


async def test_placing_twice_with_one_key_holds_once_and_a_reused_key_is_refused() -> None:
    user = await resident()
    first = await _pool_hold(user, 10, key="same")
    again = await _pool_hold(user, 10, key="same")
    assert again.id == first.id
    assert await PointsHold.all().count() == 1
    with pytest.raises(AlreadyExists) as refused:
        await _pool_hold(user, 11, key="same")
    assert refused.value.field == "idempotencyKey"
    assert await pending(user) == 10


async def test_a_hold_beyond_the_pool_is_refused_and_writes_nothing() -> None:
    user = await resident()
    pool = await pool_balance(user.community_id)
    await wallet_of(user_id=user.user_id, community_id=user.community_id)
    await community_account(community_id=user.community_id, kind=AccountKind.ESCROW)
    before = await points_snapshot()
    with pytest.raises(PoolExhausted):
        await _pool_hold(user, pool + 1)
    assert await points_snapshot() == before


async def test_the_daily_cap_counts_held_points(tmp_path: Path) -> None:
    people = await cast()
    await set_rule(actor=people.admin, reason=PointsReason.REPORT_VERIFIED, points=10, daily_cap=15)
    first = await submitted(people, tmp_path, description="Lamp out at gate 1")
    second = await submitted(
        people, tmp_path, ReportCategory.SANITATION, description="Bins overflowing"
    )
    assert (await _hold_of("report", first.id)).amount == 10
    assert (await _hold_of("report", second.id)).amount == 5
    assert await pending(people.reporter) == 15


async def test_a_report_filed_while_the_pool_is_empty_holds_nothing_and_verifying_it_is_refused(
    tmp_path: Path,
) -> None:
    people = await cast()
    await drain_pool(people.reporter.community_id)
    report = await at_status(people, tmp_path, ReportStatus.RESOLVED)
    assert report.status is ReportStatus.RESOLVED
    assert not await PointsHold.filter(source_type="report", source_id=report.id).exists()
    before = await points_snapshot()
    with pytest.raises(PoolExhausted):
        await verify_report(actor=people.worker, report_id=report.id)
    assert await points_snapshot() == before
    await fund_pool(actor=people.admin, amount=100, memo="Top-up", idempotency_key="top-up")
    verified = await verify_report(actor=people.worker, report_id=report.id)
    assert verified.points_awarded == REPORT_POINTS
    assert await balance(people.reporter) == REPORT_POINTS
    await assert_points_consistent()


# ---------------------------------------------------------------- events


async def _event(reward: int = 15, capacity: int = 10) -> tuple[int, Actor]:
    organiser = await factories.user(Role.COMMUNITY_ADMIN, name="Organiser")
    event = await an_event(organiser, capacity=capacity, points_reward=reward)
    return event.id, organiser


async def test_a_sign_up_holds_the_reward_check_in_posts_it_and_cancelling_voids_it() -> None:
    event_id, organiser = await _event()
    comer, leaver = await resident("Comer"), await resident("Leaver")
    for person in (comer, leaver):
        await sign_up(actor=person, event_id=event_id)
    assert await pending(comer) == 15 and await pending(leaver) == 15

    await check_in(actor=organiser, event_id=event_id, user_id=comer.user_id)
    await cancel_signup(actor=leaver, event_id=event_id)

    assert (await pending(comer), await balance(comer)) == (0, 15)
    assert (await pending(leaver), await balance(leaver)) == (0, 0)
    holds = await PointsHold.filter(source_type="event_signup").order_by("id")
    assert [h.status for h in holds] == [HoldStatus.POSTED, HoldStatus.VOIDED]
    await assert_points_consistent()


async def test_a_seat_handed_on_from_the_waitlist_holds_the_reward_for_its_new_holder() -> None:
    event_id, _ = await _event(capacity=1)
    first, waiting = await resident("First"), await resident("Waiting")
    await sign_up(actor=first, event_id=event_id)
    signup = await sign_up(actor=waiting, event_id=event_id)
    assert signup.status is SignupStatus.WAITLISTED and await pending(waiting) == 0
    await cancel_signup(actor=first, event_id=event_id)
    assert await pending(waiting) == 15 and await pending(first) == 0
    await assert_points_consistent()


async def test_signing_up_again_after_cancelling_holds_again() -> None:
    event_id, organiser = await _event()
    person = await resident()
    await sign_up(actor=person, event_id=event_id)
    await cancel_signup(actor=person, event_id=event_id)
    await sign_up(actor=person, event_id=event_id)
    assert await pending(person) == 15
    await check_in(actor=organiser, event_id=event_id, user_id=person.user_id)
    assert await balance(person) == 15 and await pending(person) == 0
    await assert_points_consistent()


async def test_a_no_show_is_voided_once_the_event_is_over_and_a_day_has_passed() -> None:
    event_id, _ = await _event()
    person = await resident()
    await sign_up(actor=person, event_id=event_id)
    hold = await PointsHold.get(source_type="event_signup")
    assert hold.timeout_at is not None
    long_ago = timedelta(days=365)
    assert (
        await void_stale_holds(older_than=long_ago, now=hold.timeout_at - timedelta(minutes=1)) == 0
    )
    assert await void_stale_holds(older_than=long_ago, now=hold.timeout_at) == 1
    await hold.refresh_from_db()
    assert hold.status is HoldStatus.VOIDED and await pending(person) == 0
    await assert_points_consistent()


# ---------------------------------------------------------------- the stale-hold job


async def test_the_job_voids_holds_older_than_the_setting_once_even_in_many_replicas(
    tmp_path: Path,
) -> None:
    people = await cast()
    old = await submitted(people, tmp_path, description="Old lamp")
    await PointsHold.filter(source_id=old.id).update(created_at=clock.now() - timedelta(days=31))
    young = await submitted(
        people,
        tmp_path,
        ReportCategory.NOISE,
        description="Drums at night",
        reporter=people.resident,
    )
    runs = await asyncio.gather(
        *(void_stale_holds(older_than=timedelta(days=30)) for _ in range(4))
    )
    assert sum(runs) == 1
    assert (await _hold_of("report", old.id)).status is HoldStatus.VOIDED
    assert (await _hold_of("report", young.id)).status is HoldStatus.PENDING
    await assert_points_consistent()


# ---------------------------------------------------------------- holds on a wallet (deposits)


async def test_a_hold_on_a_wallet_takes_its_lots_and_voiding_puts_them_back() -> None:
    user = await resident()
    await fund(user, 30)
    merchant, _ = await active_merchant()
    await merchant_account_of(merchant_id=merchant.id, community_id=user.community_id)
    lots_before = await lots_of(user)
    hold = await place_hold(
        community_id=user.community_id,
        debit=AccountRef.wallet(user.user_id),
        credit=AccountRef.merchant(merchant.id),
        amount=20,
        reason=PointsReason.REDEMPTION,
        source_type="booking",
        source_id=1,
        idempotency_key="deposit-1",
    )
    assert await balance(user) == 10
    with pytest.raises(InsufficientPoints):
        await place_hold(
            community_id=user.community_id,
            debit=AccountRef.wallet(user.user_id),
            credit=AccountRef.merchant(merchant.id),
            amount=11,
            reason=PointsReason.REDEMPTION,
            source_type="booking",
            source_id=2,
            idempotency_key="deposit-2",
        )
    await void_hold(hold_id=hold.id)
    assert await balance(user) == 30
    assert [(lot["remaining"], lot["expires_at"]) for lot in await lots_of(user)] == [
        (lot["remaining"], lot["expires_at"]) for lot in lots_before
    ]
    await assert_points_consistent()


# ---------------------------------------------------------------- races


async def test_posts_and_voids_of_one_hold_at_once_resolve_it_once() -> None:
    user = await resident()
    for round_ in range(3):
        hold = await _pool_hold(user, 10, key=f"race-{round_}")
        calls = [post_hold(hold_id=hold.id) for _ in range(6)]
        calls += [void_hold(hold_id=hold.id) for _ in range(6)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        winners = [r for r in results if isinstance(r, PointsHold)]
        assert len(winners) == 1, results
        assert all(isinstance(r, InvalidTransition) for r in results if r not in winners)
    await assert_points_consistent()
    rows = await fetch("SELECT COUNT(*) AS n FROM points_hold WHERE status = 'PENDING'")
    assert int(rows[0]["n"]) == 0
    assert (
        await Entry.filter(account__user_id=user.user_id).count()
        == await Transfer.filter(
            idempotency_key__startswith="hold:", idempotency_key__endswith=":post"
        ).count()
    )


async def _pool_hold(user: Actor, amount: int, *, key: str = "k") -> PointsHold:
    pool = await pool_of(community_id=user.community_id)
    await wallet_of(user_id=user.user_id, community_id=user.community_id)
    return await place_hold(
        community_id=user.community_id,
        debit=AccountRef.pool(pool.id),
        credit=AccountRef.wallet(user.user_id),
        amount=amount,
        reason=PointsReason.ADJUSTMENT,
        source_type="test",
        source_id=1,
        idempotency_key=key,
    )


async def test_the_database_refuses_a_post_above_the_hold_or_an_empty_hold() -> None:
    user = await resident()
    hold = await _pool_hold(user, 10)
    for sql, value in (
        ("UPDATE points_hold SET posted_amount = ? WHERE id = ? RETURNING id", 11),
        ("UPDATE points_hold SET amount = ? WHERE id = ? RETURNING id", 0),
    ):
        with pytest.raises(IntegrityError):
            await fetch(sql, value, hold.id)
    assert (await PointsHold.get(id=hold.id)).amount == 10
