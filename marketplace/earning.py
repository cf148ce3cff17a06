"""Earning: per-community rules with daily caps, and the one function that awards points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from marketplace import clock
from marketplace.ledger import AccountRef, Posting, lock_wallet, pool_of, post, wallet_of
from models.actor import Actor
from models.enums import PointsReason
from models.errors import Forbidden, InvalidInput
from models.ledger import EarningRule, Transfer
from models.sql import fetch_one

COMMUNITY_TIMEZONE = ZoneInfo("Asia/Shanghai")
EARNING_REASONS = (
    PointsReason.REPORT_VERIFIED,
    PointsReason.EVENT_ATTENDED,
    PointsReason.SUGGESTION_ADOPTED,
)
DEFAULT_POINTS = {
    PointsReason.REPORT_VERIFIED: 10,
    PointsReason.EVENT_ATTENDED: 0,  # the event's own pointsReward is used
    PointsReason.SUGGESTION_ADOPTED: 20,
}
MAX_RULE_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class Rule:
    reason: PointsReason
    points: int
    daily_cap: int | None


async def rules_for(*, community_id: int) -> list[Rule]:
    """The community's earning rules, defaults filled in for reasons never set."""
    stored = {r.reason: r for r in await EarningRule.filter(community_id=community_id)}
    return [
        Rule(reason, stored[reason].points, stored[reason].daily_cap)
        if reason in stored
        else Rule(reason, DEFAULT_POINTS[reason], None)
        for reason in EARNING_REASONS
    ]


async def rule_for(*, community_id: int, reason: PointsReason) -> Rule:
    stored = await EarningRule.get_or_none(community_id=community_id, reason=reason)
    if stored is None:
        return Rule(reason, DEFAULT_POINTS[reason], None)
    return Rule(reason, stored.points, stored.daily_cap)


async def set_rule(
    *, actor: Actor, reason: PointsReason, points: int, daily_cap: int | None
) -> Rule:
    """Set the points and optional daily cap for one earning reason (admins only)."""
    if not actor.is_admin:
        raise Forbidden()
    if reason not in EARNING_REASONS:
        raise InvalidInput(
            "Points can only be earned for reports, events and suggestions.", field="reason"
        )
    if not 0 <= points <= MAX_RULE_POINTS:
        raise InvalidInput(f"Points must be between 0 and {MAX_RULE_POINTS}.", field="points")
    if daily_cap is not None and daily_cap < 1:
        raise InvalidInput("A daily cap must be at least 1.", field="dailyCap")
    await EarningRule.update_or_create(
        community_id=actor.community_id,
        reason=reason,
        defaults={"points": points, "daily_cap": daily_cap},
    )
    return Rule(reason, points, daily_cap)


def start_of_community_day(now: datetime) -> datetime:
    """Midnight in the community's time zone, in UTC (see marketplace.clock for why UTC)."""
    local = now.astimezone(COMMUNITY_TIMEZONE)
    return datetime.combine(local.date(), time.min, COMMUNITY_TIMEZONE).astimezone(UTC)


def award_key(reason: PointsReason, source_type: str, source_id: int) -> str:
    return f"award:{reason.value}:{source_type}:{source_id}"


async def _earned_today(wallet_id: int, reason: PointsReason) -> int:
    row = await fetch_one(
        "SELECT COALESCE(SUM(amount), 0) AS total FROM points_entry "
        "WHERE account_id = ? AND reason = ? AND created_at >= ?",
        wallet_id,
        reason.value,
        start_of_community_day(clock.now()),
    )
    return 0 if row is None else int(row["total"])


async def award(
    *,
    community_id: int,
    user_id: int,
    reason: PointsReason,
    source_type: str,
    source_id: int,
    points: int | None = None,
    actor_id: int | None = None,
    memo: str | None = None,
) -> int:
    """Award points for one source, inside the caller's transaction; return what was given.

    The community's rule decides the amount (unless points is given, as for events) and
    its daily cap clips it. A source is awarded at most once, however often this is called.
    Runs in a savepoint of the caller's transaction, or in its own when there is none.
    """
    key = award_key(reason, source_type, source_id)
    async with in_transaction():
        pool = await pool_of(community_id=community_id)
        wallet = await wallet_of(user_id=user_id, community_id=community_id)
        # Checked under the wallet lock: a racing award for the same source or the same
        # cap waits here and then sees what the first one committed.
        await lock_wallet(user_id=user_id)
        if await Transfer.filter(idempotency_key=key).exists():
            return 0
        amount = await _amount_to_give(community_id, reason, points, wallet.id)
        if amount <= 0:
            return 0
        await post(
            Posting(
                debit=AccountRef.pool(pool.id),
                credit=AccountRef.wallet(user_id),
                amount=amount,
                reason=reason,
                memo=memo,
                actor_id=actor_id,
                source_type=source_type,
                source_id=source_id,
                idempotency_key=key,
            )
        )
        return amount


async def _amount_to_give(
    community_id: int, reason: PointsReason, points: int | None, wallet_id: int
) -> int:
    rule = await rule_for(community_id=community_id, reason=reason)
    amount = rule.points if points is None else points
    if rule.daily_cap is None:
        return amount
    return min(amount, rule.daily_cap - await _earned_today(wallet_id, reason))
