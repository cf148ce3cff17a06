"""The demo community's points budget: its pool is funded once, as an admin would fund it,
so the demo's reports, events and suggestions can hold and award points from the start."""

from __future__ import annotations

from marketplace.funding import fund

DEMO_POOL_FUNDING = 100_000
DEMO_FUNDING_MEMO = "Demo: the community's points budget for the year"


async def fund_demo_pool(community_id: int) -> None:
    """Fund the demo pool; a second call (the same key) moves nothing."""
    await fund(
        community_id=community_id,
        amount=DEMO_POOL_FUNDING,
        memo=DEMO_FUNDING_MEMO,
        actor_id=None,
        idempotency_key=f"demo-funding:{community_id}",
    )
