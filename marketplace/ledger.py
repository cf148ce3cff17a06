"""The double-entry, append-only points ledger.

Every movement is one Transfer that debits one account and credits another, plus one Entry
per side carrying the balance it left. Balances are cached on the account rows and updated
in the same statement that checks them, so a wallet can never go below zero, and the
database refuses it too (a CHECK constraint or trigger from the migrations).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from models import outbox
from models.enums import AccountKind, PointsReason
from models.errors import AlreadyExists, InsufficientPoints, InvalidInput
from models.ledger import Account, Entry, Transfer
from models.sql import fetch, fetch_one


@dataclass(frozen=True, slots=True)
class Posting:
    """A transfer to make: what moves, why, and what caused it."""

    debit_account_id: int
    credit_account_id: int
    amount: int
    reason: PointsReason
    memo: str | None = None
    actor_id: int | None = None
    source_type: str | None = None
    source_id: int | None = None
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        parts = (
            self.debit_account_id,
            self.credit_account_id,
            self.amount,
            self.reason,
            self.memo,
            self.source_type,
            self.source_id,
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Posted:
    transfer: Transfer
    entries: dict[int, Entry]
    replayed: bool = False

    def entry_for(self, account_id: int) -> Entry:
        return self.entries[account_id]


async def wallet_of(*, user_id: int, community_id: int) -> Account:
    """The user's wallet, opened on first use."""
    account = await Account.get_or_none(user_id=user_id)
    if account is not None:
        return account
    try:
        return await Account.create(
            community_id=community_id, kind=AccountKind.WALLET, user_id=user_id
        )
    except IntegrityError:
        return await Account.get(user_id=user_id)


async def merchant_account_of(*, merchant_id: int, community_id: int) -> Account:
    """The merchant's account, opened on first use."""
    account = await Account.get_or_none(merchant_id=merchant_id)
    if account is not None:
        return account
    try:
        return await Account.create(
            community_id=community_id, kind=AccountKind.MERCHANT, merchant_id=merchant_id
        )
    except IntegrityError:
        return await Account.get(merchant_id=merchant_id)


async def pool_of(*, community_id: int) -> Account:
    """The community's reward pool, which issues points and takes back expired ones."""
    account = await Account.filter(community_id=community_id, kind=AccountKind.POOL).first()
    if account is not None:
        return account
    return await Account.create(community_id=community_id, kind=AccountKind.POOL)


async def _move(account_id: int, delta: int) -> tuple[int, int | None] | None:
    """Apply delta to one balance: (new balance, wallet owner), or None where it would take a
    balance that must stay positive below zero."""
    row = await fetch_one(
        "UPDATE account SET balance = balance + ? "
        "WHERE id = ? AND (kind = 'POOL' OR balance + ? >= 0) RETURNING balance, user_id",
        delta,
        account_id,
        delta,
    )
    return None if row is None else (int(row["balance"]), row["user_id"])


async def replay(posting: Posting) -> Posted | None:
    """The transfer already made under this posting's idempotency key, if any."""
    if posting.idempotency_key is None:
        return None
    existing = await Transfer.get_or_none(idempotency_key=posting.idempotency_key)
    if existing is None:
        return None
    if existing.fingerprint != posting.fingerprint():
        raise AlreadyExists(
            "This idempotency key was already used for a different transfer.",
            field="idempotencyKey",
        )
    entries = await Entry.filter(transfer_id=existing.id)
    return Posted(existing, {e.account_id: e for e in entries}, replayed=True)


async def post(posting: Posting) -> Posted:
    """Make one transfer; call inside a transaction, which any error must roll back.

    Balances are updated in ascending account order, so two transfers between the same
    accounts never deadlock. A repeated idempotency key returns the first transfer.
    """
    if posting.amount <= 0:
        raise InvalidInput("The amount must be positive.", field="amount")
    if posting.debit_account_id == posting.credit_account_id:
        raise InvalidInput("A transfer needs two different accounts.")
    previous = await replay(posting)
    if previous is not None:
        return previous
    deltas = {posting.debit_account_id: -posting.amount, posting.credit_account_id: posting.amount}
    balances: dict[int, int] = {}
    owners: dict[int, int] = {}
    for account_id in sorted(deltas):
        moved = await _move(account_id, deltas[account_id])
        if moved is None:
            raise InsufficientPoints()
        balances[account_id], owner = moved
        if owner is not None:
            owners[account_id] = int(owner)
    transfer = await Transfer.create(
        debit_account_id=posting.debit_account_id,
        credit_account_id=posting.credit_account_id,
        amount=posting.amount,
        reason=posting.reason,
        memo=posting.memo,
        actor_id=posting.actor_id,
        source_type=posting.source_type,
        source_id=posting.source_id,
        idempotency_key=posting.idempotency_key,
        fingerprint=posting.fingerprint() if posting.idempotency_key else None,
    )
    entries = await _insert_entries(transfer, posting, deltas, balances)
    for entry in entries:
        if entry.account_id in owners:
            outbox.points_changed(user_id=owners[entry.account_id], entry_id=entry.id)
    return Posted(transfer, {e.account_id: e for e in entries})


async def _insert_entries(
    transfer: Transfer, posting: Posting, deltas: dict[int, int], balances: dict[int, int]
) -> list[Entry]:
    """Both sides in one statement, with their ids (the ORM's bulk insert returns none)."""
    entries = [
        Entry(
            account_id=account_id,
            transfer_id=transfer.id,
            amount=delta,
            balance_after=balances[account_id],
            reason=posting.reason,
            memo=posting.memo,
            created_at=transfer.created_at,
        )
        for account_id, delta in deltas.items()
    ]
    rows = await fetch(
        "INSERT INTO points_entry "
        "(account_id, transfer_id, amount, balance_after, reason, memo, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?) RETURNING id, account_id",
        *(
            value
            for e in entries
            for value in (
                e.account_id,
                e.transfer_id,
                e.amount,
                e.balance_after,
                e.reason.value,
                e.memo,
                e.created_at,
            )
        ),
    )
    ids = {int(row["account_id"]): int(row["id"]) for row in rows}
    for entry in entries:
        entry.id = ids[entry.account_id]
    return entries


async def balance_of(*, user_id: int) -> int:
    """The user's balance, read from the cached column: O(1)."""
    row = await Account.filter(user_id=user_id).values_list("balance", flat=True)
    return int(row[0]) if row else 0
