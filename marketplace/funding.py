"""Funding the reward pool: points enter the pool only from the community's issuance account.

The issuance account is the one account allowed below zero: minus what was ever funded. So
pool + wallets + escrow (open holds) + merchants + settled = everything ever funded.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.ledger import AccountRef, Posted, Posting, community_account, post, replay
from models import inputs
from models.actor import Actor
from models.enums import AccountKind, PointsReason
from models.errors import Forbidden, InvalidInput
from models.ledger import Transfer

MAX_FUNDING = 10_000_000


@dataclass(frozen=True, slots=True)
class Funding:
    transfer: Transfer
    pool_balance: int  # right after this funding


async def fund_pool(*, actor: Actor, amount: int, memo: str, idempotency_key: str) -> Funding:
    """Top the community's pool up by `amount` (admins only), with a memo saying where the
    points' value comes from. A repeated key returns the first funding and moves nothing;
    keys are the acting admin's own."""
    if not actor.is_admin:
        raise Forbidden()
    if not 1 <= amount <= MAX_FUNDING:
        raise InvalidInput(f"The amount must be between 1 and {MAX_FUNDING}.", field="amount")
    text = inputs.required_text(memo, field="memo", max_length=200)
    key = inputs.idempotency_key(idempotency_key)
    posted = await fund(
        community_id=actor.community_id,
        amount=amount,
        memo=text,
        actor_id=actor.user_id,
        idempotency_key=f"fund:{actor.user_id}:{key}",
    )
    pool_side = posted.entry_for(posted.transfer.credit_account_id)
    return Funding(posted.transfer, int(pool_side.balance_after))


async def fund(
    *, community_id: int, amount: int, memo: str, actor_id: int | None, idempotency_key: str
) -> Posted:
    """Move `amount` from the issuance account into the pool, once per key (no permission
    check: for fund_pool, and for the demo and test builders that set a community up)."""
    issuance = await community_account(community_id=community_id, kind=AccountKind.ISSUANCE)
    pool = await community_account(community_id=community_id, kind=AccountKind.POOL)
    posting = Posting(
        debit=AccountRef.of(issuance),
        credit=AccountRef.of(pool),
        amount=amount,
        reason=PointsReason.FUNDING,
        memo=memo,
        actor_id=actor_id,
        source_type="funding",
        source_id=community_id,
        idempotency_key=idempotency_key,
    )
    try:
        async with in_transaction():
            return await post(posting)
    except IntegrityError:
        # The same key at the same moment: the loser replays the winner's transfer.
        replayed = await replay(posting)
        if replayed is None:
            raise
        return replayed
