"""Earning: per-community rules with daily caps, and the one function that awards points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from tortoise.functions import Sum

from marketplace.ledger import Posting, pool_of, post, wallet_of
from models.actor import Actor
from models.enums import PointsReason
from models.errors import Forbidden, InvalidInput
from models.ledger import Account, EarningRule, Entry, Transfer

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
    local = now.astimezone(COMMUNITY_TIMEZONE)
    return datetime.combine(local.date(), time.min, COMMUNITY_TIMEZONE)


def award_key(reason: PointsReason, source_type: str, source_id: int) -> str:
    return f"award:{reason.value}:{source_type}:{source_id}"


async def _earned_today(account_id: int, reason: PointsReason, now: datetime) -> int:
    since = start_of_community_day(now)
    total = (
        await Entry.filter(account_id=account_id, reason=reason, created_at__gte=since)
        .annotate(total=Sum("amount"))
        .values_list("total", flat=True)
    )
    return int(total[0] or 0) if total else 0


async def _lock(account: Account) -> None:
    """Hold the wallet's row lock until commit, serialising awards to one user."""
    await Account.filter(id=account.id).select_for_update().only("id").first()


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
    """
    key = award_key(reason, source_type, source_id)
    if await Transfer.filter(idempotency_key=key).exists():
        return 0
    rule = await rule_for(community_id=community_id, reason=reason)
    amount = rule.points if points is None else points
    wallet = await wallet_of(user_id=user_id, community_id=community_id)
    await _lock(wallet)
    if rule.daily_cap is not None:
        earned = await _earned_today(wallet.id, reason, datetime.now(COMMUNITY_TIMEZONE))
        amount = min(amount, rule.daily_cap - earned)
    if amount <= 0:
        return 0
    pool = await pool_of(community_id=community_id)
    await post(
        Posting(
            debit_account_id=pool.id,
            credit_account_id=wallet.id,
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
