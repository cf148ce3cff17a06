"""Earning: versioned per-community rules with daily caps, and the functions that award.

Points for civic work come out of the community's pool, which holds only what admins funded,
and count against the community's monthly issuance cap: an award beyond either is refused
(PoolExhausted, IssuanceCapReached) and writes nothing. Work that is checked later (a report,
an event sign-up) is first held for its doer (marketplace.holds): `hold_award` reserves the
points, `settle_award` posts that hold (or awards directly when there is none), and
`void_award` voids it. Changing a rule adds a version; every award and hold records the
version that priced it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ParamSpec

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import holds, issuance, lots
from marketplace.ledger import AccountRef, Posting, lock_wallet, pool_of, post, wallet_of
from models import clock
from models.actor import Actor
from models.enums import HoldStatus, PointsReason
from models.errors import Forbidden, InvalidInput, IssuanceCapReached, PoolExhausted
from models.ledger import Account, EarningRule, Transfer
from models.points import EarningRuleVersion, PointsHold
from models.sql import fetch_one

P = ParamSpec("P")
COMMUNITY_TIMEZONE = clock.COMMUNITY_TIMEZONE
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
    version: int | None = field(default=None, compare=False)  # None: the default, never set


async def rules_for(*, actor: Actor) -> list[Rule]:
    """The actor's community's earning rules, defaults filled in for reasons never set (any
    member reads them)."""
    community_id = actor.community_id
    stored = {r.reason: r for r in await EarningRule.filter(community_id=community_id)}
    versions: dict[PointsReason, int] = {}
    for row in await EarningRuleVersion.filter(community_id=community_id).order_by("version"):
        versions[row.reason] = row.version
    return [
        Rule(reason, stored[reason].points, stored[reason].daily_cap, versions.get(reason))
        if reason in stored
        else Rule(reason, DEFAULT_POINTS[reason], None, versions.get(reason))
        for reason in EARNING_REASONS
    ]


async def current_version(*, community_id: int, reason: PointsReason) -> EarningRuleVersion:
    """The rule version in force; the first is written on first use from the rule (or the
    default), so every award names the version that priced it."""
    latest = await _latest_version(community_id, reason)
    if latest is not None:
        return latest
    rule = await rule_for(community_id=community_id, reason=reason)
    try:
        async with in_transaction():
            return await EarningRuleVersion.create(
                community_id=community_id,
                reason=reason,
                version=1,
                points=rule.points,
                daily_cap=rule.daily_cap,
            )
    except IntegrityError:
        again = await _latest_version(community_id, reason)
        assert again is not None  # a concurrent first use wrote it
        return again


async def versions_of(*, actor: Actor, reason: PointsReason) -> list[EarningRuleVersion]:
    """Every version of one rule of the actor's community, newest first."""
    return await EarningRuleVersion.filter(community_id=actor.community_id, reason=reason).order_by(
        "-version"
    )


async def _latest_version(community_id: int, reason: PointsReason) -> EarningRuleVersion | None:
    return (
        await EarningRuleVersion.filter(community_id=community_id, reason=reason)
        .order_by("-version")
        .first()
    )


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
    for attempt in range(3):
        try:
            async with in_transaction():
                version = await _new_version(actor, reason, points, daily_cap)
                await EarningRule.update_or_create(
                    community_id=actor.community_id,
                    reason=reason,
                    defaults={"points": points, "daily_cap": daily_cap},
                )
            return Rule(reason, points, daily_cap, version.version)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _new_version(
    actor: Actor, reason: PointsReason, points: int, daily_cap: int | None
) -> EarningRuleVersion:
    """The next version; two admins changing the rule at once collide on the unique
    (community, reason, version) and the loser retries with the number after."""
    latest = await _latest_version(actor.community_id, reason)
    if latest is None:
        # Awards may already have used the default: that is version 1 then.
        first = await current_version(community_id=actor.community_id, reason=reason)
        if (first.points, first.daily_cap) == (points, daily_cap):
            return first
        latest = first
    return await EarningRuleVersion.create(
        community_id=actor.community_id,
        reason=reason,
        version=latest.version + 1,
        points=points,
        daily_cap=daily_cap,
        created_by_id=actor.user_id,
    )


def start_of_community_day(now: datetime) -> datetime:
    """Midnight in the community's time zone, in UTC (see models/clock.py for why UTC)."""
    return clock.start_of_local_day(clock.local_date(now))


def award_key(reason: PointsReason, source_type: str, source_id: int) -> str:
    return f"award:{reason.value}:{source_type}:{source_id}"


async def _earned_today(wallet_id: int, reason: PointsReason) -> int:
    """Points earned today for the reason, held ones included: a hold counts against the cap."""
    since = start_of_community_day(clock.now())
    row = await fetch_one(
        "SELECT (SELECT COALESCE(SUM(amount), 0) FROM points_entry "
        "WHERE account_id = ? AND reason = ? AND created_at >= ?) + "
        "(SELECT COALESCE(SUM(amount), 0) FROM points_hold WHERE credit_account_id = ? "
        "AND reason = ? AND status = 'PENDING' AND created_at >= ?) AS total",
        wallet_id,
        reason.value,
        since,
        wallet_id,
        reason.value,
        since,
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
    its daily cap clips it. A source is awarded at most once, however often this is called
    (a posted hold counts). Points come from the funded pool and count against the month's
    issuance cap: beyond either, PoolExhausted or IssuanceCapReached, and nothing written.
    Runs in a savepoint of the caller's transaction, or in its own when there is none.
    """
    async with in_transaction():
        pool = await pool_of(community_id=community_id)
        wallet = await _locked_wallet(community_id, user_id)
        priced = await _price(community_id, wallet, reason, source_type, source_id, points)
        if priced is None:
            return 0
        await post(
            Posting(
                debit=AccountRef.pool(pool.id),
                credit=AccountRef.wallet(user_id),
                amount=priced.amount,
                reason=reason,
                memo=memo,
                actor_id=actor_id,
                source_type=source_type,
                source_id=source_id,
                idempotency_key=award_key(reason, source_type, source_id),
                rule_version_id=priced.version.id,
            )
        )
        return priced.amount


async def hold_award(
    *,
    community_id: int,
    user_id: int,
    reason: PointsReason,
    source_type: str,
    source_id: int,
    idempotency_key: str,
    points: int | None = None,
    actor_id: int | None = None,
    memo: str | None = None,
    timeout_at: datetime | None = None,
) -> PointsHold | None:
    """Hold the points a source will earn once checked: priced and capped now, counted
    against today's cap and the month's issuance, not yet spendable. None when the source
    earns nothing (already awarded, or capped to zero); the source's open hold when it has
    one. PoolExhausted or IssuanceCapReached when the pool or the cap cannot cover it."""
    async with in_transaction():
        pool = await pool_of(community_id=community_id)
        wallet = await _locked_wallet(community_id, user_id)
        existing = await holds.open_hold(source_type=source_type, source_id=source_id)
        if existing is not None:
            return existing
        priced = await _price(community_id, wallet, reason, source_type, source_id, points)
        if priced is None:
            return None
        return await holds.place_hold(
            community_id=community_id,
            debit=AccountRef.pool(pool.id),
            credit=AccountRef.wallet(user_id),
            amount=priced.amount,
            reason=reason,
            source_type=source_type,
            source_id=source_id,
            idempotency_key=idempotency_key,
            timeout_at=timeout_at,
            memo=memo,
            actor_id=actor_id,
            rule_version_id=priced.version.id,
            issuance_month=priced.month,
        )


def _none_when_uncovered(
    hold: Callable[P, Awaitable[PointsHold | None]],
) -> Callable[P, Awaitable[PointsHold | None]]:
    async def covered(*args: P.args, **kwargs: P.kwargs) -> PointsHold | None:
        try:
            return await hold(*args, **kwargs)
        except (PoolExhausted, IssuanceCapReached):
            return None

    return covered


# For civic work, never refused for points: while the pool or the month's cap cannot cover the
# hold there is none (None), and checking the work later awards directly.
hold_award_if_covered = _none_when_uncovered(hold_award)


async def settle_award(
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
    """The source is checked: post its hold in full, or award directly if it has none
    (held before holds existed, or filed while the pool was empty); return the points."""
    hold = await holds.open_hold(source_type=source_type, source_id=source_id)
    if hold is None:
        return await award(
            community_id=community_id,
            user_id=user_id,
            reason=reason,
            source_type=source_type,
            source_id=source_id,
            points=points,
            actor_id=actor_id,
            memo=memo,
        )
    posted = await holds.post_hold(hold_id=hold.id, actor_id=actor_id)
    return int(posted.posted_amount or 0)


async def void_award(*, source_type: str, source_id: int, actor_id: int | None = None) -> int:
    """The source earns nothing after all: void its open hold, if any; return the points."""
    hold = await holds.open_hold(source_type=source_type, source_id=source_id)
    if hold is None:
        return 0
    await holds.void_hold(hold_id=hold.id, actor_id=actor_id)
    return int(hold.amount)


async def _locked_wallet(community_id: int, user_id: int) -> Account:
    wallet = await wallet_of(user_id=user_id, community_id=community_id)
    # Checked under the wallet lock: a racing award for the same source or the same
    # cap waits here and then sees what the first one committed.
    await lock_wallet(user_id=user_id)
    return wallet


async def _already_awarded(key: str, source_type: str, source_id: int) -> bool:
    if await Transfer.filter(idempotency_key=key).exists():
        return True
    return await PointsHold.filter(
        source_type=source_type, source_id=source_id, status=HoldStatus.POSTED
    ).exists()


@dataclass(frozen=True, slots=True)
class _Priced:
    version: EarningRuleVersion
    amount: int
    month: str  # the issuance month it was counted in


async def _price(
    community_id: int,
    wallet: Account,
    reason: PointsReason,
    source_type: str,
    source_id: int,
    points: int | None,
) -> _Priced | None:
    """Under the wallet lock: what the source earns, by the rule in force and its daily cap,
    counted against the month's issuance; None when it earns nothing (already awarded, or
    capped to zero)."""
    key = award_key(reason, source_type, source_id)
    if await _already_awarded(key, source_type, source_id):
        return None
    version = await current_version(community_id=community_id, reason=reason)
    amount = await _amount_to_give(version, points, wallet.id)
    if amount <= 0:
        return None
    month = await _count_issuance(community_id, amount)
    return _Priced(version, amount, month)


async def _count_issuance(community_id: int, amount: int) -> str:
    policy = await lots.policy_for(community_id=community_id)
    return await issuance.count(
        community_id=community_id, amount=amount, cap=policy.monthly_cap, now=clock.now()
    )


async def _amount_to_give(version: EarningRuleVersion, points: int | None, wallet_id: int) -> int:
    amount = version.points if points is None else points
    if version.daily_cap is None:
        return amount
    return min(amount, version.daily_cap - await _earned_today(wallet_id, version.reason))
