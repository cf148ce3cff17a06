"""The community's points policy: when points expire, and how many it may issue a month.

A change applies to points earned from then on: lots already in wallets keep the expiry they
were given (a resident is never surprised by points expiring earlier than they were told).
"""

from __future__ import annotations

from marketplace.lots import Policy, policy_for
from models import clock
from models.actor import Actor
from models.enums import ExpiryRule
from models.errors import Forbidden, InvalidInput
from models.sql import fetch

MAX_EXPIRY_MONTHS = 120
MAX_MONTHLY_CAP = 100_000_000
# One statement: admins setting a community's first policy at once all answer, and one row
# stays (a read-then-insert would let the loser meet the unique constraint).
_UPSERT = (
    "INSERT INTO points_policy "
    "(community_id, expiry_rule, expiry_months, monthly_issuance_cap, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id) DO UPDATE SET "
    "expiry_rule = excluded.expiry_rule, expiry_months = excluded.expiry_months, "
    "monthly_issuance_cap = excluded.monthly_issuance_cap, updated_at = excluded.updated_at"
)


async def get_policy(*, actor: Actor) -> Policy:
    """The policy of the actor's community (any member may read it: it decides their points)."""
    return await policy_for(community_id=actor.community_id)


async def set_policy(
    *,
    actor: Actor,
    expiry_rule: ExpiryRule,
    expiry_months: int | None,
    monthly_issuance_cap: int | None,
) -> Policy:
    """Set the expiry rule (and its months) and the monthly cap, or none (admins only)."""
    if not actor.is_admin:
        raise Forbidden()
    policy = Policy(expiry_rule, expiry_months, monthly_issuance_cap)
    _check(policy)
    await fetch(
        _UPSERT,
        actor.community_id,
        policy.rule.value,
        policy.months,
        policy.monthly_cap,
        clock.now(),
    )
    return policy


def _check(policy: Policy) -> None:
    if policy.rule is ExpiryRule.MONTHS_AFTER_EARNING:
        if policy.months is None or not 1 <= policy.months <= MAX_EXPIRY_MONTHS:
            raise InvalidInput(
                f"Give the months points last, between 1 and {MAX_EXPIRY_MONTHS}.",
                field="expiryMonths",
            )
    elif policy.months is not None:
        raise InvalidInput("Months apply only to MONTHS_AFTER_EARNING.", field="expiryMonths")
    cap = policy.monthly_cap
    if cap is not None and not 1 <= cap <= MAX_MONTHLY_CAP:
        raise InvalidInput(
            f"A monthly cap must be between 1 and {MAX_MONTHLY_CAP}.", field="monthlyIssuanceCap"
        )
