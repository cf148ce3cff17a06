"""The expiry jobs: what is left of a lot goes back to the pool when it expires, once, and
residents are told 30 days before. Both are safe to run in every replica at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from marketplace import lots
from marketplace.ledger import AccountRef, Posting, lock_wallet, pool_of, post
from models import clock, outbox
from models.enums import PointsReason
from models.errors import InvalidTransition
from models.sql import fetch, fetch_one

EXPIRY_BATCH = 200
WARNING_DAYS = 30
EXPIRY_TOPIC = "points-expiry"


async def expire_lots(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """Send what is left of each lot past its expiry to the pool (reason EXPIRY); return how
    many lots this run closed. A lot is closed once: the wallet is locked before the lot is
    read again, and the close is a conditional update, so a replica (or a spender) that got
    there first leaves nothing to do; the transfer's idempotency key is per lot, too."""
    moment = clock.now_or(now)
    due = await fetch(
        "SELECT l.id, a.user_id, a.community_id FROM points_lot l "
        "JOIN account a ON a.id = l.account_id "
        "WHERE l.expired_at IS NULL AND l.expires_at <= ? ORDER BY l.expires_at, l.id LIMIT ?",
        moment,
        limit,
    )
    closed = 0
    for row in due:
        closed += await _expire_one(int(row["id"]), int(row["user_id"]), int(row["community_id"]))
    return closed


async def _expire_one(lot_id: int, user_id: int, community_id: int) -> int:
    pool = await pool_of(community_id=community_id)
    async with in_transaction():
        # The wallet first, as every writer of its lots does: then the lot cannot change.
        await lock_wallet(user_id=user_id)
        lot = await fetch_one(
            "SELECT remaining FROM points_lot WHERE id = ? AND expired_at IS NULL", lot_id
        )
        if lot is None:
            return 0
        left = int(lot["remaining"])
        if left == 0:  # all spent: nothing to move, only to mark
            await fetch(
                "UPDATE points_lot SET expired_at = ? WHERE id = ? AND expired_at IS NULL "
                "RETURNING id",
                clock.now(),
                lot_id,
            )
            return 1
        try:
            await post(
                Posting(
                    debit=AccountRef.wallet(user_id),
                    credit=AccountRef.pool(pool.id),
                    amount=left,
                    reason=PointsReason.EXPIRY,
                    memo="Points expired",
                    source_type="lot",
                    source_id=lot_id,
                    idempotency_key=f"expire-lot:{lot_id}",
                ),
                expire_lot=lots.LotTaken(lot_id, left),
            )
        except InvalidTransition:
            return 0
    return 1


async def warn_expiring(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """Tell residents about points expiring within 30 days, once per lot: each lot is marked
    warned by a conditional update, and the wallet's owner gets a pointsExpiring event."""
    moment = clock.now_or(now)
    rows = await fetch(
        "UPDATE points_lot SET warned_at = ? WHERE id IN (SELECT id FROM points_lot "
        "WHERE warned_at IS NULL AND expired_at IS NULL AND remaining > 0 "
        "AND expires_at > ? AND expires_at <= ? ORDER BY expires_at, id LIMIT ?) "
        "AND warned_at IS NULL RETURNING id, account_id",
        moment,
        moment,
        moment + timedelta(days=WARNING_DAYS),
        limit,
    )
    if not rows:
        return 0
    account_ids = sorted({int(row["account_id"]) for row in rows})
    owners = await fetch(
        f"SELECT id, user_id FROM account WHERE id IN ({', '.join('?' for _ in account_ids)})",
        *account_ids,
    )
    for owner in owners:
        outbox.record(EXPIRY_TOPIC, key=int(owner["user_id"]), object_id=int(owner["id"]))
    return len(rows)
