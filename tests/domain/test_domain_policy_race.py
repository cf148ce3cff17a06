"""The points policy's first creation raced by many admins at once: every call answers, one
row is left, and it holds what one of the calls asked for. The race is real on PostgreSQL
(a check-then-insert fails there with a unique violation); SQLite runs the calls one by one."""

from __future__ import annotations

import asyncio

from marketplace.lots import Policy
from marketplace.policy import get_policy, set_policy
from models.enums import ExpiryRule
from models.sql import fetch
from tests.domain.market_helpers import admin

CALLS = 40


def _asked(index: int) -> Policy:
    if index % 2:
        return Policy(ExpiryRule.MONTHS_AFTER_EARNING, index, 1000 + index)
    return Policy(ExpiryRule.END_OF_FOLLOWING_YEAR, None, None)


async def test_many_first_settings_at_once_all_answer_and_leave_one_policy() -> None:
    boss = await admin()
    asked = [_asked(index) for index in range(CALLS)]
    answers = await asyncio.gather(
        *(
            set_policy(
                actor=boss,
                expiry_rule=policy.rule,
                expiry_months=policy.months,
                monthly_issuance_cap=policy.monthly_cap,
            )
            for policy in asked
        )
    )
    assert answers == asked
    assert len(await fetch("SELECT id FROM points_policy")) == 1
    assert await get_policy(actor=boss) in asked


async def test_setting_again_replaces_the_first_policy() -> None:
    boss = await admin()
    for policy in (_asked(1), _asked(2)):
        await set_policy(
            actor=boss,
            expiry_rule=policy.rule,
            expiry_months=policy.months,
            monthly_issuance_cap=policy.monthly_cap,
        )
    assert len(await fetch("SELECT id FROM points_policy")) == 1
    assert await get_policy(actor=boss) == _asked(2)
