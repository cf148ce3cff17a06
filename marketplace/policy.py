"""The community's points policy: when points expire, and how many it may issue a month.

A change applies to points earned from then on: lots already in wallets keep the expiry they
were given (a resident is never surprised by points expiring earlier than they were told).
"""

from __future__ import annotations

from marketplace.lots import Policy, policy_for
from models.actor import Actor
from models.enums import ExpiryRule
from models.errors import Forbidden, InvalidInput
from models.points import PointsPolicy

MAX_EXPIRY_MONTHS = 120
MAX_MONTHLY_CAP = 100_000_000


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
    if expiry_rule is ExpiryRule.MONTHS_AFTER_EARNING:
        if expiry_months is None or not 1 <= expiry_months <= MAX_EXPIRY_MONTHS:
            raise InvalidInput(
                f"Give the months points last, between 1 and {MAX_EXPIRY_MONTHS}.",
                field="expiryMonths",
            )
    elif expiry_months is not None:
        raise InvalidInput("Months apply only to MONTHS_AFTER_EARNING.", field="expiryMonths")
    if monthly_issuance_cap is not None and not 1 <= monthly_issuance_cap <= MAX_MONTHLY_CAP:
        raise InvalidInput(
            f"A monthly cap must be between 1 and {MAX_MONTHLY_CAP}.", field="monthlyIssuanceCap"
        )
    await PointsPolicy.update_or_create(
        community_id=actor.community_id,
        defaults={
            "expiry_rule": expiry_rule,
            "expiry_months": expiry_months,
            "monthly_issuance_cap": monthly_issuance_cap,
        },
    )
    return Policy(expiry_rule, expiry_months, monthly_issuance_cap)
