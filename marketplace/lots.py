"""Lots: every credit to a wallet is a lot with what is left of it and when that expires.

A wallet's balance is always the sum of its lots' remaining amounts. Debits take lots
earliest-expiry first (lots that never expire last): the points closest to expiring are the
ones a resident would lose first, so spending them first loses the fewest (see the README).
A refund puts points back into the lots they came from, with their original expiry; the
part whose lot has expired meanwhile is for the caller to send to the pool.

Everything here runs inside the ledger's transaction after the wallet's row is locked (the
balance UPDATE locks it), and every writer of a wallet's lots locks the wallet first, so
lots need no locks of their own and no two writers of one wallet's lots overlap. Each
function sends a fixed number of statements, however many lots a wallet has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import clock
from models.actor import Actor
from models.enums import ExpiryRule
from models.errors import InsufficientPoints, InvalidTransition
from models.sql import fetch, fetch_one

# Lots that never expire sort last; among the others the earliest expiry comes first.
SPENDING_ORDER = "CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id"
_ONE_DAY = timedelta(days=1)
_LIVE = (
    "account_id = ? AND remaining > 0 AND expired_at IS NULL "
    "AND (expires_at IS NULL OR expires_at > ?)"
)


@dataclass(frozen=True, slots=True)
class LotTaken:
    """An amount of one lot."""

    lot_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class Restore:
    """What a refund puts back: amounts of the lots it came from, and `fresh` points that no
    lot recorded (spent before lots existed), which become a new lot."""

    pieces: tuple[LotTaken, ...] = ()
    fresh: int = 0


@dataclass(frozen=True, slots=True)
class RefundPlan:
    """How a refund of one debit splits: back into live lots, or to the pool (expired)."""

    restore: Restore
    expired: int = 0

    @property
    def to_wallet(self) -> int:
        return sum(p.amount for p in self.restore.pieces) + self.restore.fresh


@dataclass(frozen=True, slots=True)
class Policy:
    rule: ExpiryRule = ExpiryRule.NEVER
    months: int | None = None
    monthly_cap: int | None = None


async def policy_for(*, community_id: int) -> Policy:
    """The community's points policy; a community that never set one keeps points forever."""
    row = await fetch_one(
        "SELECT expiry_rule, expiry_months, monthly_issuance_cap FROM points_policy "
        "WHERE community_id = ?",
        community_id,
    )
    if row is None:
        return Policy()
    cap = row["monthly_issuance_cap"]
    months = row["expiry_months"]
    return Policy(
        rule=ExpiryRule(row["expiry_rule"]),
        months=None if months is None else int(months),
        monthly_cap=None if cap is None else int(cap),
    )


def expiry_for(policy: Policy, earned_at: datetime) -> datetime | None:
    """When points earned at `earned_at` expire: the start of the day after their last
    valid day, in the community's time zone; None for never."""
    if policy.rule is ExpiryRule.NEVER:
        return None
    earned = clock.local_date(earned_at)
    if policy.rule is ExpiryRule.END_OF_FOLLOWING_YEAR:  # 有效期至次年12月31日
        return clock.start_of_local_day(earned.replace(year=earned.year + 2, month=1, day=1))
    months = policy.months or 12
    last_day = clock.add_months(earned, months)
    return clock.start_of_local_day(last_day) + _ONE_DAY


async def credit(
    *,
    account_id: int,
    community_id: int,
    amount: int,
    transfer_id: int,
    restore: Restore | None,
    now: datetime,
) -> None:
    """Add `amount` to the wallet's lots: a new lot, or the pieces a refund restores."""
    if restore is None:
        await _new_lot(account_id, community_id, amount, transfer_id, now)
        return
    if sum(p.amount for p in restore.pieces) + restore.fresh != amount:
        raise AssertionError("a restore must add up to the refund")
    await _put_back(account_id, restore.pieces)
    if restore.fresh:
        await _new_lot(account_id, community_id, restore.fresh, transfer_id, now)


async def _new_lot(
    account_id: int, community_id: int, amount: int, transfer_id: int, now: datetime
) -> None:
    expires_at = expiry_for(await policy_for(community_id=community_id), now)
    await fetch(
        "INSERT INTO points_lot (account_id, amount, remaining, earned_at, expires_at, "
        "transfer_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        account_id,
        amount,
        amount,
        now,
        expires_at,
        transfer_id,
    )


async def _put_back(account_id: int, pieces: Sequence[LotTaken]) -> None:
    if not pieces:
        return
    cases = " ".join("WHEN ? THEN ?" for _ in pieces)
    ids = ", ".join("?" for _ in pieces)
    rows = await fetch(
        f"UPDATE points_lot SET remaining = remaining + CASE id {cases} ELSE 0 END "
        f"WHERE account_id = ? AND expired_at IS NULL AND id IN ({ids}) RETURNING id",
        *(value for p in pieces for value in (p.lot_id, p.amount)),
        account_id,
        *(p.lot_id for p in pieces),
    )
    if len(rows) != len({p.lot_id for p in pieces}):
        raise InvalidTransition("A lot to restore has expired meanwhile.")


async def debit(
    *,
    account_id: int,
    amount: int,
    transfer_id: int,
    exact: LotTaken | None,
    now: datetime,
) -> list[LotTaken]:
    """Take `amount` from the wallet's live lots, earliest expiry first (or exactly the lot
    `exact` names, which the expiry job closes); record what came from which lot."""
    if exact is None:
        return await _take(account_id, amount, transfer_id, now)
    taken = [await _close(account_id, exact, now)]
    await _record_spends(transfer_id, taken)
    return taken


async def _take(account_id: int, amount: int, transfer_id: int, now: datetime) -> list[LotTaken]:
    """Two statements whatever the number of lots: record the pieces of the lots needed
    (those whose running total before them is short of the amount), then take them."""
    rows = await fetch(
        "WITH live AS (SELECT id, remaining, "
        f"SUM(remaining) OVER (ORDER BY {SPENDING_ORDER}) AS running "
        f"FROM points_lot WHERE {_LIVE}) "
        "INSERT INTO points_lot_spend (lot_id, transfer_id, amount) "
        "SELECT id, ?, CASE WHEN running <= ? THEN remaining ELSE remaining - (running - ?) END "
        "FROM live WHERE running - remaining < ? RETURNING lot_id, amount",
        account_id,
        now,
        transfer_id,
        amount,
        amount,
        amount,
    )
    taken = [LotTaken(int(row["lot_id"]), int(row["amount"])) for row in rows]
    if sum(t.amount for t in taken) < amount:
        # The balance covers it but part of it is due to expire: it cannot be spent. The
        # caller's transaction rolls the spends back with everything else.
        raise InsufficientPoints()
    await fetch(
        "UPDATE points_lot SET remaining = remaining - (SELECT SUM(s.amount) FROM "
        "points_lot_spend s WHERE s.transfer_id = ? AND s.lot_id = points_lot.id) "
        "WHERE id IN (SELECT lot_id FROM points_lot_spend WHERE transfer_id = ?) RETURNING id",
        transfer_id,
        transfer_id,
    )
    return taken


async def _close(account_id: int, lot: LotTaken, now: datetime) -> LotTaken:
    row = await fetch_one(
        "UPDATE points_lot SET remaining = 0, expired_at = ? WHERE id = ? AND account_id = ? "
        "AND expired_at IS NULL AND remaining = ? RETURNING id",
        now,
        lot.lot_id,
        account_id,
        lot.amount,
    )
    if row is None:
        raise InvalidTransition("This lot changed or expired meanwhile.")
    return lot


async def _record_spends(transfer_id: int, taken: Sequence[LotTaken]) -> None:
    pieces = [t for t in taken if t.amount > 0]
    if not pieces:
        return
    values = ", ".join("(?, ?, ?)" for _ in pieces)
    await fetch(
        f"INSERT INTO points_lot_spend (lot_id, transfer_id, amount) VALUES {values} RETURNING id",
        *(value for t in pieces for value in (t.lot_id, transfer_id, t.amount)),
    )


async def refund_plan(*, debit_transfer_id: int, amount: int, now: datetime) -> RefundPlan:
    """Where a refund of (part of) one wallet debit goes: the lots it took that are still
    live get their points back, the rest goes to the pool. Call under the wallet lock."""
    rows = await fetch(
        "SELECT s.lot_id, s.amount, l.expires_at, l.expired_at FROM points_lot_spend s "
        "JOIN points_lot l ON l.id = s.lot_id WHERE s.transfer_id = ? ORDER BY s.id",
        debit_transfer_id,
    )
    pieces: list[LotTaken] = []
    expired = 0
    left = amount
    for row in rows:
        piece = min(left, int(row["amount"]))
        left -= piece
        expires_at = clock.from_row(row["expires_at"])
        if row["expired_at"] is not None or (expires_at is not None and expires_at <= now):
            expired += piece
        elif piece:
            pieces.append(LotTaken(int(row["lot_id"]), piece))
    return RefundPlan(Restore(tuple(pieces), fresh=left), expired=expired)


@dataclass(frozen=True, slots=True)
class Expiring:
    """Points of one wallet that expire at one moment."""

    points: int
    expires_at: datetime

    @property
    def last_day(self) -> str:
        return clock.last_valid_day(self.expires_at).isoformat()

    @property
    def message(self) -> str:
        return f"{self.points} points expire on {self.last_day}"


async def own_expiring(*, actor: Actor) -> list[Expiring]:
    """The actor's own points that will expire (what pointsExpiring sends)."""
    return await expiring(user_id=actor.user_id, now=clock.now())


async def expiring(*, user_id: int, now: datetime, limit: int = 12) -> list[Expiring]:
    """The wallet's points that will expire, soonest first, grouped by when: one statement."""
    rows = await fetch(
        "SELECT l.expires_at, SUM(l.remaining) AS points FROM points_lot l "
        "JOIN account a ON a.id = l.account_id WHERE a.user_id = ? AND l.remaining > 0 "
        "AND l.expired_at IS NULL AND l.expires_at IS NOT NULL AND l.expires_at > ? "
        "GROUP BY l.expires_at ORDER BY l.expires_at LIMIT ?",
        user_id,
        now,
        limit,
    )
    found = []
    for row in rows:
        moment = clock.from_row(row["expires_at"])
        assert moment is not None
        found.append(Expiring(int(row["points"]), moment))
    return found
