"""Earning: rules and their defaults, awards once per source, and the daily cap under races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from marketplace.earning import (
    MAX_RULE_POINTS,
    Rule,
    award,
    rules_for,
    set_rule,
    start_of_community_day,
)
from models import clock, outbox
from models.actor import Actor
from models.enums import PointsReason, Role
from models.errors import Forbidden, InvalidInput
from models.ledger import Entry, Transfer
from models.sql import fetch
from tests import factories
from tests.domain.market_helpers import (
    admin,
    assert_ledger_consistent,
    balance,
    count,
    count_transfers,
    resident,
    snapshot,
)

REPORT = PointsReason.REPORT_VERIFIED


async def _award(user: Actor, source_id: int, **extra: object) -> int:
    return await award(
        community_id=user.community_id,
        user_id=user.user_id,
        reason=extra.pop("reason", REPORT),  # type: ignore[arg-type]
        source_type=str(extra.pop("source_type", "report")),
        source_id=source_id,
        **extra,  # type: ignore[arg-type]
    )


async def test_defaults_apply_until_an_admin_sets_a_rule() -> None:
    boss = await admin()
    assert await rules_for(actor=boss) == [
        Rule(PointsReason.REPORT_VERIFIED, 10, None),
        Rule(PointsReason.EVENT_ATTENDED, 0, None),
        Rule(PointsReason.SUGGESTION_ADOPTED, 20, None),
    ]
    await set_rule(actor=boss, reason=REPORT, points=15, daily_cap=30)
    await set_rule(actor=boss, reason=REPORT, points=12, daily_cap=None)
    rules = await rules_for(actor=boss)
    assert rules[0] == Rule(REPORT, 12, None)
    assert await count("earning_rule") == 1


async def test_only_admins_set_rules() -> None:
    actors = (await resident(), await factories.user(Role.GRID_WORKER, Role.MERCHANT))
    before = await snapshot()
    for actor in actors:
        with pytest.raises(Forbidden):
            await set_rule(actor=actor, reason=REPORT, points=1, daily_cap=None)
    assert await snapshot() == before


BAD_RULES = [
    ("reason", PointsReason.REDEMPTION, 5, None),
    ("reason", PointsReason.ADJUSTMENT, 5, None),
    ("points", REPORT, -1, None),
    ("points", REPORT, MAX_RULE_POINTS + 1, None),
    ("dailyCap", REPORT, 5, 0),
]


async def test_bad_rules_are_refused() -> None:
    boss = await admin()
    before = await snapshot()
    for field, reason, points, cap in BAD_RULES:
        with pytest.raises(InvalidInput) as refused:
            await set_rule(actor=boss, reason=reason, points=points, daily_cap=cap)
        assert refused.value.field == field
        assert await snapshot() == before


async def test_awards_follow_the_rules_and_record_their_source() -> None:
    user, grid_worker = await resident(), await factories.user(Role.GRID_WORKER)
    with outbox.collecting() as changes:
        given = await _award(user, 1, actor_id=grid_worker.user_id, memo="Blocked exit")
    assert given == 10
    assert await _award(user, 2, reason=PointsReason.SUGGESTION_ADOPTED) == 20
    assert await _award(user, 3, reason=PointsReason.EVENT_ATTENDED, points=8) == 8
    assert await balance(user) == 38
    transfer = await Transfer.get(source_type="report", source_id=1)
    assert (transfer.reason, transfer.actor_id, transfer.memo) == (
        REPORT,
        grid_worker.user_id,
        "Blocked exit",
    )
    entry = await Entry.get(transfer_id=transfer.id, amount=10)
    assert [(c.key, c.object_id) for c in changes] == [(user.user_id, entry.id)]
    await assert_ledger_consistent()


async def test_a_source_is_awarded_once() -> None:
    user = await resident()
    assert await _award(user, 1) == 10
    assert await _award(user, 1) == 0
    assert await _award(user, 1, reason=PointsReason.SUGGESTION_ADOPTED) == 20
    assert await balance(user) == 30


async def test_the_same_source_awarded_at_the_same_moment_is_awarded_once() -> None:
    user = await resident()
    given = await asyncio.gather(*(_award(user, 7) for _ in range(6)))
    assert sorted(given) == [0] * 5 + [10]
    assert await count_transfers() == 1


async def test_nothing_is_given_for_a_zero_rule_or_a_negative_amount() -> None:
    boss, user = await admin(), await resident()
    await set_rule(actor=boss, reason=REPORT, points=0, daily_cap=None)
    assert await _award(user, 1) == 0
    assert await _award(user, 2, reason=PointsReason.EVENT_ATTENDED, points=-5) == 0
    assert await count_transfers() == 0


async def test_the_daily_cap_clips_the_award_that_reaches_it() -> None:
    boss, user, other = await admin(), await resident(), await resident("Other")
    await set_rule(actor=boss, reason=REPORT, points=10, daily_cap=25)
    assert [await _award(user, i) for i in range(4)] == [10, 10, 5, 0]
    assert await _award(user, 10, reason=PointsReason.SUGGESTION_ADOPTED) == 20
    assert await _award(other, 20) == 10


async def test_earlier_days_do_not_count_towards_todays_cap() -> None:
    boss, user = await admin(), await resident()
    await set_rule(actor=boss, reason=REPORT, points=10, daily_cap=10)
    assert await _award(user, 1) == 10
    yesterday = start_of_community_day(clock.now()) - timedelta(seconds=1)
    await fetch("UPDATE points_entry SET created_at = ?", yesterday)
    assert await _award(user, 2) == 10


async def test_two_awards_racing_at_the_cap_give_one() -> None:
    boss, user = await admin(), await resident()
    await set_rule(actor=boss, reason=REPORT, points=10, daily_cap=10)
    given = await asyncio.gather(_award(user, 1), _award(user, 2))
    assert sorted(given) == [0, 10]
    assert await balance(user) == 10


async def test_many_awards_racing_never_pass_the_cap() -> None:
    boss, user = await admin(), await resident()
    await set_rule(actor=boss, reason=REPORT, points=7, daily_cap=30)
    given = await asyncio.gather(*(_award(user, i) for i in range(10)))
    assert sum(given) == 30 and sorted(given)[-5:] == [2, 7, 7, 7, 7]
    assert await balance(user) == 30


async def test_an_award_rolls_back_with_the_callers_transaction() -> None:
    user = await resident()

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed):
        async with in_transaction():
            assert await _award(user, 1) == 10
            raise CallerFailed
    assert await balance(user) == 0
    assert await count_transfers() == 0
    assert await _award(user, 1) == 10


def test_the_community_day_starts_at_midnight_in_chengdu() -> None:
    late_evening_utc = datetime(2025, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Chengdu
    assert start_of_community_day(late_evening_utc) == datetime(2025, 3, 1, 16, 0, tzinfo=UTC)
    morning_utc = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)  # 11:00 on 1 March in Chengdu
    assert start_of_community_day(morning_utc) == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
