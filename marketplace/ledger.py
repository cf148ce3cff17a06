"""The double-entry, append-only points ledger.

Every movement is one Transfer that debits one account and credits another, plus one Entry
per side carrying the balance it left. Balances are cached on the account rows and updated
in the same statement that checks them, so no account but the community's issuance account
ever goes below zero (the pool included: it holds only what was funded), and the database
refuses it too (a CHECK constraint or trigger from the migrations). Corrections are new
transfers; nothing here edits or deletes a transfer or an entry.

A wallet's balance is also the sum of its lots (marketplace.lots): a credit adds a lot (or
restores the lots a refund came from), a debit takes lots earliest-expiry first, in the same
transaction and under the wallet's row lock, which every writer of lots takes first.

Lock order, the same in every unit of work so none can deadlock another: the community row
(only while opening one of its accounts), a voucher, an offer, wallets (then their lots),
merchant accounts, the escrow, the pool, the settled account, the issuance account. `post`
moves balances in that order whichever side is debited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from tortoise.transactions import in_transaction

from marketplace import lots
from models import clock, outbox
from models.enums import AccountKind, PointsReason
from models.errors import (
    AlreadyExists,
    InsufficientPoints,
    InvalidInput,
    NotFound,
    PoolExhausted,
)
from models.ledger import Account, Entry, Transfer
from models.sql import fetch, fetch_one, is_postgres

_LOCK_RANK = {
    AccountKind.WALLET: 0,
    AccountKind.MERCHANT: 1,
    AccountKind.ESCROW: 2,
    AccountKind.POOL: 3,
    AccountKind.SETTLED: 4,
    AccountKind.ISSUANCE: 5,
}
_KEY_COLUMN = {AccountKind.WALLET: "user_id", AccountKind.MERCHANT: "merchant_id"}


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account named by what it belongs to, so it can be moved without reading it first."""

    kind: AccountKind
    owner_id: int

    @classmethod
    def wallet(cls, user_id: int) -> AccountRef:
        return cls(AccountKind.WALLET, user_id)

    @classmethod
    def merchant(cls, merchant_id: int) -> AccountRef:
        return cls(AccountKind.MERCHANT, merchant_id)

    @classmethod
    def pool(cls, account_id: int) -> AccountRef:
        return cls(AccountKind.POOL, account_id)

    @classmethod
    def of(cls, account: Account) -> AccountRef:
        """The reference of a community account (pool, escrow, settled, issuance) by its id."""
        return cls(account.kind, account.id)

    @property
    def column(self) -> str:
        return _KEY_COLUMN.get(self.kind, "id")

    def lock_rank(self) -> tuple[int, int]:
        return _LOCK_RANK[self.kind], self.owner_id


@dataclass(frozen=True, slots=True)
class Posting:
    """A transfer to make: what moves, why, and what caused it."""

    debit: AccountRef
    credit: AccountRef
    amount: int
    reason: PointsReason
    memo: str | None = None
    actor_id: int | None = None
    source_type: str | None = None
    source_id: int | None = None
    idempotency_key: str | None = None
    rule_version_id: int | None = None

    def fingerprint(self) -> str:
        """A digest of the content, stored with the transfer; built from plain values so it
        stays the same across Python versions."""
        parts = (
            self.debit.kind.value,
            self.debit.owner_id,
            self.credit.kind.value,
            self.credit.owner_id,
            self.amount,
            self.reason.value,
            self.memo,
            self.source_type,
            self.source_id,
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Posted:
    transfer: Transfer
    entries: list[Entry]
    replayed: bool = False

    def entry_for(self, account_id: int) -> Entry:
        return next(e for e in self.entries if e.account_id == account_id)

    def debit_entry(self) -> Entry:
        return next(e for e in self.entries if e.amount < 0)


@dataclass(frozen=True, slots=True)
class _Moved:
    ref: AccountRef
    account_id: int
    community_id: int
    delta: int
    balance: int


async def wallet_of(*, user_id: int, community_id: int) -> Account:
    """The user's wallet, opened on first use."""
    return await _opened(AccountKind.WALLET, "user_id", user_id, community_id)


async def merchant_account_of(*, merchant_id: int, community_id: int) -> Account:
    """The merchant's account, opened on first use."""
    return await _opened(AccountKind.MERCHANT, "merchant_id", merchant_id, community_id)


async def _opened(
    kind: AccountKind, owner: Literal["user_id", "merchant_id"], owner_id: int, community_id: int
) -> Account:
    """The owner's account; two requests opening it at once both get the one row."""
    where: dict[str, Any] = {owner: owner_id}
    account = await Account.get_or_none(**where)
    if account is not None:
        return account
    await fetch(
        f"INSERT INTO account (community_id, kind, {owner}, balance) VALUES (?, ?, ?, 0) "
        f"ON CONFLICT ({owner}) DO NOTHING",
        community_id,
        kind.value,
        owner_id,
    )
    return await Account.get(**where)


async def pool_of(*, community_id: int) -> Account:
    """The community's reward pool, which awards points; opened on first use.

    Call it before locking any wallet: opening locks the community row, which comes first
    in the lock order.
    """
    return await community_account(community_id=community_id, kind=AccountKind.POOL)


async def community_account(*, community_id: int, kind: AccountKind) -> Account:
    """One of the community's own accounts (pool, escrow, settled, issuance), opened on
    first use; call it before locking any wallet, as for pool_of."""
    account = await _find_community_account(community_id, kind)
    if account is not None:
        return account
    async with in_transaction():
        # No unique index can say "one pool per community": the community row lock does.
        if is_postgres():
            await fetch("SELECT id FROM community WHERE id = ? FOR UPDATE", community_id)
        account = await _find_community_account(community_id, kind)
        if account is None:
            account = await Account.create(community_id=community_id, kind=kind)
        return account


async def _find_community_account(community_id: int, kind: AccountKind) -> Account | None:
    return await Account.filter(community_id=community_id, kind=kind).order_by("id").first()


async def lock_wallet(*, user_id: int) -> None:
    """Hold the wallet row until commit, serialising this user's transfers.

    SQLite needs nothing: Tortoise runs its transactions one at a time.
    """
    if is_postgres():
        await fetch("SELECT id FROM account WHERE user_id = ? FOR UPDATE", user_id)


async def _move(ref: AccountRef, delta: int) -> _Moved | None:
    """Apply delta to one balance, or None where that would take any account but the
    issuance account below zero (or the account does not exist)."""
    row = await fetch_one(
        f"UPDATE account SET balance = balance + ? WHERE {ref.column} = ? AND kind = ? "
        "AND (kind = 'ISSUANCE' OR balance + ? >= 0) RETURNING id, community_id, balance",
        delta,
        ref.owner_id,
        ref.kind.value,
        delta,
    )
    if row is None:
        return None
    return _Moved(ref, int(row["id"]), int(row["community_id"]), delta, int(row["balance"]))


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
    entries = await Entry.filter(transfer_id=existing.id).order_by("id")
    return Posted(existing, list(entries), replayed=True)


async def post(
    posting: Posting,
    *,
    restore: lots.Restore | None = None,
    expire_lot: lots.LotTaken | None = None,
) -> Posted:
    """Make one transfer; call inside a transaction, which any error must roll back.

    A repeated idempotency key returns the first transfer; two calls with one key at the
    same moment make one of them fail on the unique key, and its caller replays. A credit
    to a wallet adds a lot, or puts back the lots named by `restore`; a debit of a wallet
    takes its lots earliest-expiry first, or exactly `expire_lot` (the expiry job).
    """
    if posting.amount <= 0:
        raise InvalidInput("The amount must be positive.", field="amount")
    if posting.debit == posting.credit:
        raise InvalidInput("A transfer needs two different accounts.")
    previous = await replay(posting)
    if previous is not None:
        return previous
    moved = await _move_both(posting)
    transfer = await Transfer.create(
        debit_account_id=next(m.account_id for m in moved if m.ref == posting.debit),
        credit_account_id=next(m.account_id for m in moved if m.ref == posting.credit),
        amount=posting.amount,
        reason=posting.reason,
        memo=posting.memo,
        actor_id=posting.actor_id,
        source_type=posting.source_type,
        source_id=posting.source_id,
        idempotency_key=posting.idempotency_key,
        fingerprint=posting.fingerprint() if posting.idempotency_key else None,
        rule_version_id=posting.rule_version_id,
    )
    await _move_lots(transfer, moved, restore, expire_lot)
    entries = await _insert_entries(transfer, posting, moved)
    for entry, side in zip(entries, moved, strict=True):
        if side.ref.kind is AccountKind.WALLET:
            outbox.points_changed(user_id=side.ref.owner_id, entry_id=entry.id)
    return Posted(transfer, entries)


async def _move_both(posting: Posting) -> list[_Moved]:
    deltas = {posting.debit: -posting.amount, posting.credit: posting.amount}
    moved: list[_Moved] = []
    for ref in sorted(deltas, key=AccountRef.lock_rank):
        side = await _move(ref, deltas[ref])
        if side is None and deltas[ref] < 0 and ref.kind is AccountKind.POOL:
            raise PoolExhausted()
        if side is None and deltas[ref] < 0:
            raise InsufficientPoints()
        if side is None:
            raise NotFound("No such account.")
        moved.append(side)
    return moved


async def _move_lots(
    transfer: Transfer,
    moved: list[_Moved],
    restore: lots.Restore | None,
    expire_lot: lots.LotTaken | None,
) -> None:
    """The wallet side's lots follow its balance (the wallet row is locked by now)."""
    now = clock.now()
    for side in moved:
        if side.ref.kind is not AccountKind.WALLET:
            continue
        if side.delta > 0:
            await lots.credit(
                account_id=side.account_id,
                community_id=side.community_id,
                amount=side.delta,
                transfer_id=transfer.id,
                restore=restore,
                now=now,
            )
        else:
            await lots.debit(
                account_id=side.account_id,
                amount=-side.delta,
                transfer_id=transfer.id,
                exact=expire_lot,
                now=now,
            )


async def _insert_entries(transfer: Transfer, posting: Posting, moved: list[_Moved]) -> list[Entry]:
    """Both sides in one statement, with their ids (the ORM's bulk insert returns none)."""
    entries = [
        Entry(
            account_id=side.account_id,
            transfer_id=transfer.id,
            amount=side.delta,
            balance_after=side.balance,
            reason=posting.reason,
            memo=posting.memo,
            created_at=transfer.created_at,
        )
        for side in moved
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
    row = await fetch_one("SELECT balance FROM account WHERE user_id = ?", user_id)
    return 0 if row is None else int(row["balance"])
