"""Pending holds, two-phase: place, then post or void, exactly once (TigerBeetle's model).

Placing a hold moves `amount` from the debit account into the community's escrow: the
points are reserved (a pool cannot award them twice, a wallet cannot spend them) but not yet
the credit account's. Posting moves up to the held amount on to the credit account and the
rest back; voiding moves it all back. A hold is resolved once: posting or voiding a hold that
is no longer PENDING is an InvalidTransition, and a post never exceeds the hold.

The API (plain async functions, keyword-only; each runs in the caller's transaction as a
savepoint, or in a transaction of its own):

    place_hold(*, community_id: int, debit: AccountRef, credit: AccountRef, amount: int,
               reason: PointsReason, source_type: str, source_id: int, idempotency_key: str,
               timeout_at: datetime | None = None, memo: str | None = None,
               actor_id: int | None = None, rule_version_id: int | None = None,
               issuance_month: str | None = None) -> PointsHold
        amount > 0. `reason` is what the credit entry will say when posted (a deposit
        DEPOSIT_FORFEITED, a report REPORT_VERIFIED). The same idempotency key
        returns the first hold; reused for a different hold it is AlreadyExists. A debit
        short of points raises InsufficientPoints (a wallet) or PoolExhausted (the pool).
        A hold with no timeout_at is voided by void_stale_holds once older than its
        `older_than`; with one, once timeout_at passes. `issuance_month` is for earning:
        the month whose issuance cap counted this hold (given back on void).
    post_hold(*, hold_id: int, amount: int | None = None, actor_id: int | None = None)
               -> PointsHold
        Posts `amount` (default: all of it), 0 < amount <= the held amount.
    void_hold(*, hold_id: int, actor_id: int | None = None) -> PointsHold
    void_stale_holds(*, older_than: timedelta, now: datetime | None = None,
               limit: int = 200) -> int                       the replica-safe job
    open_hold(*, source_type: str, source_id: int) -> PointsHold | None
    pending_points(*, user_id: int) -> int      PENDING holds crediting the user's wallet

A wallet debited by a hold gets its lots back on void (marketplace.lots): the points return
to the lots they came from, and what came from a lot that has expired meanwhile goes to the
pool. Lock order: the hold row (claimed by a conditional update), its wallets, the
issuance counter, then the accounts the ledger moves (escrow before pool).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import issuance, lots
from marketplace.ledger import AccountRef, Posting, community_account, lock_wallet, post
from models import clock
from models.enums import AccountKind, HoldStatus, PointsReason
from models.errors import AlreadyExists, InvalidInput, InvalidTransition, NotFound
from models.ledger import Account
from models.points import PointsHold
from models.sql import fetch, fetch_one

STALE_BATCH = 200


def _ref(account: Account) -> AccountRef:
    if account.kind is AccountKind.WALLET:
        assert account.user_id is not None
        return AccountRef.wallet(account.user_id)
    if account.kind is AccountKind.MERCHANT:
        assert account.merchant_id is not None
        return AccountRef.merchant(account.merchant_id)
    return AccountRef.of(account)


async def place_hold(
    *,
    community_id: int,
    debit: AccountRef,
    credit: AccountRef,
    amount: int,
    reason: PointsReason,
    source_type: str,
    source_id: int,
    idempotency_key: str,
    timeout_at: datetime | None = None,
    memo: str | None = None,
    actor_id: int | None = None,
    rule_version_id: int | None = None,
    issuance_month: str | None = None,
) -> PointsHold:
    """Reserve `amount` of the debit account for the credit account until posted or voided."""
    if amount <= 0:
        raise InvalidInput("A hold must be for a positive amount.", field="amount")
    if debit == credit:
        raise InvalidInput("A hold needs two different accounts.")
    first = await _replay(idempotency_key, debit, credit, amount)
    if first is not None:
        return first
    escrow = await community_account(community_id=community_id, kind=AccountKind.ESCROW)
    try:
        async with in_transaction():
            placed = await post(
                Posting(
                    debit=debit,
                    credit=AccountRef.of(escrow),
                    amount=amount,
                    reason=PointsReason.HOLD,
                    memo=memo,
                    actor_id=actor_id,
                    source_type=source_type,
                    source_id=source_id,
                    idempotency_key=f"{idempotency_key}:place"[:120],
                )
            )
            credit_id = await _account_id(credit)
            return await PointsHold.create(
                community_id=community_id,
                debit_account_id=placed.transfer.debit_account_id,
                credit_account_id=credit_id,
                amount=amount,
                reason=reason,
                source_type=source_type,
                source_id=source_id,
                rule_version_id=rule_version_id,
                memo=memo,
                idempotency_key=idempotency_key,
                issuance_month=issuance_month,
                timeout_at=None
                if timeout_at is None
                else clock.as_utc(timeout_at, field="timeoutAt"),
                placed_by_id=actor_id,
                place_transfer_id=placed.transfer.id,
            )
    except IntegrityError:
        # The same key placed at the same moment by another call: that hold is the one.
        again = await _replay(idempotency_key, debit, credit, amount)
        if again is None:
            raise
        return again


async def _account_id(ref: AccountRef) -> int:
    row = await fetch_one(
        f"SELECT id FROM account WHERE {ref.column} = ? AND kind = ?", ref.owner_id, ref.kind.value
    )
    if row is None:
        raise NotFound("No such account.")
    return int(row["id"])


async def _replay(
    key: str, debit: AccountRef, credit: AccountRef, amount: int
) -> PointsHold | None:
    first = await PointsHold.get_or_none(idempotency_key=key)
    if first is None:
        return None
    accounts = {
        a.id: a
        for a in await Account.filter(id__in=[first.debit_account_id, first.credit_account_id])
    }
    same = (
        first.amount == amount
        and _ref(accounts[first.debit_account_id]) == debit
        and _ref(accounts[first.credit_account_id]) == credit
    )
    if not same:
        raise AlreadyExists(
            "This idempotency key was already used for a different hold.", field="idempotencyKey"
        )
    return first


async def post_hold(
    *, hold_id: int, amount: int | None = None, actor_id: int | None = None
) -> PointsHold:
    """Move up to the held amount on to the credit account and the rest back, once."""
    hold = await _hold(hold_id)
    posted = hold.amount if amount is None else amount
    if not 0 < posted <= hold.amount:
        raise InvalidInput(
            f"A post must be between 1 and the held {hold.amount} points.", field="amount"
        )
    async with in_transaction():
        await _claim(hold, HoldStatus.POSTED, posted, actor_id)
        debit, credit, escrow = await _accounts(hold)
        await _lock_wallets(debit, credit)
        await _release_cap(hold, hold.amount - posted)
        await post(_out_of_escrow(hold, escrow, credit, posted, actor_id, step="post"))
        await _give_back(hold, debit, escrow, hold.amount - posted, actor_id)
    await hold.refresh_from_db()
    return hold


async def void_hold(*, hold_id: int, actor_id: int | None = None) -> PointsHold:
    """Move all of a pending hold back to its debit account, once."""
    hold = await _hold(hold_id)
    async with in_transaction():
        await _claim(hold, HoldStatus.VOIDED, None, actor_id)
        debit, credit, escrow = await _accounts(hold)
        await _lock_wallets(debit, credit)
        await _release_cap(hold, hold.amount)
        await _give_back(hold, debit, escrow, hold.amount, actor_id)
    await hold.refresh_from_db()
    return hold


async def _hold(hold_id: int) -> PointsHold:
    hold = await PointsHold.get_or_none(id=hold_id)
    if hold is None:
        raise NotFound("No such hold.", field="holdId")
    return hold


async def _claim(
    hold: PointsHold, status: HoldStatus, posted: int | None, actor_id: int | None
) -> None:
    """PENDING -> status by a conditional update: of two racing resolutions one wins."""
    row = await fetch_one(
        "UPDATE points_hold SET status = ?, posted_amount = ?, resolved_at = ?, "
        "resolved_by_id = ? WHERE id = ? AND status = 'PENDING' RETURNING id",
        status.value,
        posted,
        clock.now(),
        actor_id,
        hold.id,
    )
    if row is None:
        current = await PointsHold.get(id=hold.id)
        raise InvalidTransition(
            f"This hold was already {current.status.value.lower()}.", field="holdId"
        )


async def _accounts(hold: PointsHold) -> tuple[AccountRef, AccountRef, AccountRef]:
    ids = [hold.debit_account_id, hold.credit_account_id]
    accounts = {a.id: a for a in await Account.filter(id__in=ids)}
    escrow = await community_account(community_id=hold.community_id, kind=AccountKind.ESCROW)
    return (
        _ref(accounts[hold.debit_account_id]),
        _ref(accounts[hold.credit_account_id]),
        AccountRef.of(escrow),
    )


async def _release_cap(hold: PointsHold, amount: int) -> None:
    if hold.issuance_month is not None:
        await issuance.give_back(
            community_id=hold.community_id, month=hold.issuance_month, amount=amount
        )


async def _lock_wallets(*refs: AccountRef) -> None:
    """Wallets first, in the ledger's order, before the issuance counter and the escrow."""
    for ref in sorted(refs, key=AccountRef.lock_rank):
        if ref.kind is AccountKind.WALLET:
            await lock_wallet(user_id=ref.owner_id)


def _out_of_escrow(
    hold: PointsHold,
    escrow: AccountRef,
    to: AccountRef,
    amount: int,
    actor_id: int | None,
    *,
    step: Literal["post", "release"],
) -> Posting:
    """Held points leaving escrow: posted as what they were held for (with the rule version
    that priced them), or released back; each step of a hold is idempotent by its key."""
    posting = step == "post"
    return Posting(
        debit=escrow,
        credit=to,
        amount=amount,
        reason=hold.reason if posting else PointsReason.HOLD_RELEASED,
        memo=hold.memo,
        actor_id=actor_id,
        source_type=hold.source_type,
        source_id=hold.source_id,
        idempotency_key=f"hold:{hold.id}:{step}",
        rule_version_id=hold.rule_version_id if posting else None,
    )


async def _give_back(
    hold: PointsHold, debit: AccountRef, escrow: AccountRef, amount: int, actor_id: int | None
) -> None:
    """Return `amount` from escrow to the debit account: a wallet gets its lots back, and what
    came from a lot that expired meanwhile goes to the pool instead."""
    if amount <= 0:
        return
    posting = _out_of_escrow(hold, escrow, debit, amount, actor_id, step="release")
    if debit.kind is not AccountKind.WALLET:
        await post(posting)
        return
    plan = await lots.refund_plan(
        debit_transfer_id=hold.place_transfer_id, amount=amount, now=clock.now()
    )
    if plan.to_wallet:
        await post(replace(posting, amount=plan.to_wallet), restore=plan.restore)
    if plan.expired:
        pool = await community_account(community_id=hold.community_id, kind=AccountKind.POOL)
        await post(
            replace(
                posting,
                credit=AccountRef.of(pool),
                amount=plan.expired,
                reason=PointsReason.EXPIRY,
                idempotency_key=f"hold:{hold.id}:expired",
            )
        )


async def void_stale_holds(
    *, older_than: timedelta, now: datetime | None = None, limit: int = STALE_BATCH
) -> int:
    """Void pending holds past their timeout, or without one and older than `older_than`;
    return how many this run voided. Each hold is claimed by a conditional update, so
    replicas running this at once never void one twice."""
    moment = clock.now_or(now)
    rows = await fetch(
        "SELECT id FROM points_hold WHERE status = 'PENDING' AND (timeout_at <= ? "
        "OR (timeout_at IS NULL AND created_at <= ?)) ORDER BY id LIMIT ?",
        moment,
        moment - older_than,
        limit,
    )
    voided = 0
    for row in rows:
        try:
            await void_hold(hold_id=int(row["id"]))
        except InvalidTransition:
            continue  # posted, voided or timed out by someone else meanwhile
        voided += 1
    return voided


async def open_hold(*, source_type: str, source_id: int) -> PointsHold | None:
    """The pending hold of a source, if it has one."""
    return (
        await PointsHold.filter(
            source_type=source_type, source_id=source_id, status=HoldStatus.PENDING
        )
        .order_by("-id")
        .first()
    )


async def pending_points(*, user_id: int) -> int:
    """Points held for the user's wallet, not yet theirs to spend: one statement."""
    row = await fetch_one(
        "SELECT COALESCE(SUM(h.amount), 0) AS held FROM points_hold h "
        "JOIN account a ON a.id = h.credit_account_id "
        "WHERE a.user_id = ? AND h.status = 'PENDING'",
        user_id,
    )
    return 0 if row is None else int(row["held"])
