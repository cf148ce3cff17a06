"""Manual corrections by admins: a new transfer between the pool and a wallet, never an edit."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.ledger import AccountRef, Posting, pool_of, post, replay, wallet_of
from models import inputs
from models.actor import Actor
from models.enums import PointsReason
from models.errors import Forbidden, InsufficientPoints, InvalidInput, NotFound
from models.ledger import Entry
from models.people import User

MAX_ADJUSTMENT = 100_000


async def adjust_points(
    *, actor: Actor, user_id: int, amount: int, memo: str, idempotency_key: str
) -> Entry:
    """Add points to (positive) or take them from (negative) a wallet; admins only, and
    never their own.

    Returns the wallet's entry. A repeated key returns the first entry and moves nothing;
    keys are the acting admin's own, so two admins never collide.
    """
    if not actor.is_admin:
        raise Forbidden()
    if user_id == actor.user_id:
        raise Forbidden("Another admin must adjust your own points.")
    if amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise InvalidInput(
            f"The amount must be between 1 and {MAX_ADJUSTMENT} either way.", field="amount"
        )
    memo = inputs.required_text(memo, field="memo", max_length=200)
    key = inputs.idempotency_key(idempotency_key)
    if not await User.filter(id=user_id, community_id=actor.community_id).exists():
        raise NotFound("No such user.", field="userId")
    pool = await pool_of(community_id=actor.community_id)
    wallet = await wallet_of(user_id=user_id, community_id=actor.community_id)
    posting = _posting(actor, user_id, pool.id, amount, memo, key)
    try:
        async with in_transaction():
            posted = await post(posting)
    except (IntegrityError, InsufficientPoints):
        # The same key at the same moment: the loser replays the winner's transfer.
        replayed = await replay(posting)
        if replayed is None:
            raise
        posted = replayed
    return posted.entry_for(wallet.id)


def _posting(actor: Actor, user_id: int, pool_id: int, amount: int, memo: str, key: str) -> Posting:
    wallet, pool = AccountRef.wallet(user_id), AccountRef.pool(pool_id)
    return Posting(
        debit=pool if amount > 0 else wallet,
        credit=wallet if amount > 0 else pool,
        amount=abs(amount),
        reason=PointsReason.ADJUSTMENT,
        memo=memo,
        actor_id=actor.user_id,
        source_type="adjustment",
        source_id=user_id,
        idempotency_key=f"adjust:{actor.user_id}:{key}",
    )
