"""The ledger itself: transfers, entries, cached balances, idempotency and the DB guard."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.adjustments import adjust_points
from marketplace.earning import award
from marketplace.history import own_entry, points_history
from marketplace.ledger import (
    AccountRef,
    Posting,
    balance_of,
    merchant_account_of,
    pool_of,
    post,
    wallet_of,
)
from marketplace.redemption import redeem_offer
from marketplace.vouchers import cancel_voucher
from models import outbox
from models.enums import AccountKind, PointsReason
from models.errors import AlreadyExists, InsufficientPoints, InvalidInput
from models.ledger import Account, Entry, Transfer
from models.sql import fetch
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    assert_ledger_consistent,
    balance,
    count,
    fund,
    offer_of,
    resident,
    snapshot,
)
from tests.factories import TEST_POOL_FUNDING
from tests.statements import counting_statements


async def _pool_and_wallet() -> tuple[int, int, int]:
    """(community id, pool account id, user id) with the user's wallet opened."""
    user = await resident()
    pool = await pool_of(community_id=user.community_id)
    await wallet_of(user_id=user.user_id, community_id=user.community_id)
    return user.community_id, pool.id, user.user_id


def _grant(pool_id: int, user_id: int, amount: int, **extra: object) -> Posting:
    return Posting(
        debit=AccountRef.pool(pool_id),
        credit=AccountRef.wallet(user_id),
        amount=amount,
        reason=PointsReason.ADJUSTMENT,
        memo="grant",
        **extra,  # type: ignore[arg-type]
    )


async def test_a_transfer_writes_both_sides_and_the_balances_they_leave() -> None:
    _, pool_id, user_id = await _pool_and_wallet()
    async with in_transaction():
        await post(_grant(pool_id, user_id, 30))
        with outbox.collecting() as changes:
            posted = await post(
                Posting(
                    debit=AccountRef.wallet(user_id),
                    credit=AccountRef.pool(pool_id),
                    amount=12,
                    reason=PointsReason.ADJUSTMENT,
                    memo="fix",
                    actor_id=user_id,
                    source_type="adjustment",
                    source_id=7,
                )
            )

    wallet = await Account.get(user_id=user_id)
    pool = await Account.get(id=pool_id)
    assert (wallet.balance, pool.balance) == (18, TEST_POOL_FUNDING - 18)
    transfer = await Transfer.get(id=posted.transfer.id)
    assert (transfer.debit_account_id, transfer.credit_account_id) == (wallet.id, pool.id)
    assert (transfer.amount, transfer.memo, transfer.actor_id) == (12, "fix", user_id)
    assert (transfer.source_type, transfer.source_id) == ("adjustment", 7)
    sides = {
        e.account_id: (e.amount, e.balance_after) for e in await Entry.filter(transfer=transfer)
    }
    assert sides == {wallet.id: (-12, 18), pool.id: (12, TEST_POOL_FUNDING - 18)}
    assert [(c.key, c.object_id) for c in changes] == [(user_id, posted.entry_for(wallet.id).id)]
    await assert_ledger_consistent()


async def test_a_transfer_must_move_something_between_two_accounts() -> None:
    _, pool_id, user_id = await _pool_and_wallet()
    before = await snapshot()
    for posting in (
        _grant(pool_id, user_id, 0),
        _grant(pool_id, user_id, -5),
        Posting(
            debit=AccountRef.wallet(user_id),
            credit=AccountRef.wallet(user_id),
            amount=1,
            reason=PointsReason.ADJUSTMENT,
        ),
    ):
        with pytest.raises(InvalidInput):
            async with in_transaction():
                await post(posting)
    assert await snapshot() == before


async def test_a_wallet_cannot_be_overdrawn_and_the_failed_transfer_leaves_nothing() -> None:
    _, pool_id, user_id = await _pool_and_wallet()
    async with in_transaction():
        await post(_grant(pool_id, user_id, 5))
    before = await snapshot()
    with pytest.raises(InsufficientPoints):
        async with in_transaction():
            await post(
                Posting(
                    debit=AccountRef.wallet(user_id),
                    credit=AccountRef.pool(pool_id),
                    amount=6,
                    reason=PointsReason.ADJUSTMENT,
                )
            )
    assert await snapshot() == before


async def test_a_repeated_key_replays_and_a_changed_one_is_refused() -> None:
    _, pool_id, user_id = await _pool_and_wallet()
    async with in_transaction():
        first = await post(_grant(pool_id, user_id, 5, idempotency_key="grant-1"))
    async with in_transaction():
        again = await post(_grant(pool_id, user_id, 5, idempotency_key="grant-1"))
    assert again.replayed and again.transfer.id == first.transfer.id
    assert {e.id for e in again.entries} == {e.id for e in first.entries}
    before = await snapshot()
    with pytest.raises(AlreadyExists) as refused:
        async with in_transaction():
            await post(_grant(pool_id, user_id, 6, idempotency_key="grant-1"))
    assert refused.value.field == "idempotencyKey"
    assert await snapshot() == before
    assert await balance_of(user_id=user_id) == 5


async def test_the_database_refuses_a_negative_wallet_or_merchant_even_bypassing_the_code() -> None:
    community_id, pool_id, user_id = await _pool_and_wallet()
    merchant, _ = await active_merchant()
    await merchant_account_of(merchant_id=merchant.id, community_id=community_id)
    for table_filter in (f"user_id = {user_id}", f"merchant_id = {merchant.id}"):
        with pytest.raises(IntegrityError):
            await fetch(f"UPDATE account SET balance = -1 WHERE {table_filter}")
    with pytest.raises(IntegrityError):
        await fetch(
            "INSERT INTO points_transfer (debit_account_id, credit_account_id, amount, reason, "
            "created_at) VALUES (?, ?, 0, 'ADJUSTMENT', CURRENT_TIMESTAMP)",
            pool_id,
            pool_id,
        )
    with pytest.raises(IntegrityError):  # the pool holds only what was funded
        await fetch("UPDATE account SET balance = -1 WHERE id = ?", pool_id)
    issuance = await Account.get(community_id=community_id, kind=AccountKind.ISSUANCE)
    await fetch("UPDATE account SET balance = -1 WHERE id = ?", issuance.id)  # funds the pool
    assert (await Account.get(id=issuance.id)).balance == -1


async def test_the_balance_is_one_read_of_the_cached_column() -> None:
    user = await resident()
    assert await balance_of(user_id=user.user_id) == 0
    await fund(user, 40)
    with counting_statements() as statements:
        assert await balance_of(user_id=user.user_id) == 40
    assert len(statements) == 1


async def test_history_lists_the_wallets_entries_newest_first() -> None:
    user, other = await resident(), await resident("Other")
    assert (await points_history(user_id=user.user_id, first=5, after=None)).items == []
    granter = await admin()
    for amount in (5, 6, 7):
        await fund(user, amount, by=granter)
    await fund(other, 100, by=granter)

    page = await points_history(user_id=user.user_id, first=2, after=None)
    assert [(e.amount, e.balance_after) for e in page.items] == [(7, 18), (6, 11)]
    assert page.has_next
    rest = await points_history(user_id=user.user_id, first=2, after=page.items[-1].id)
    assert [(e.amount, e.balance_after) for e in rest.items] == [(5, 5)] and not rest.has_next
    assert all(e.reason is PointsReason.ADJUSTMENT for e in page.items)


async def test_accounts_opened_at_the_same_moment_are_opened_once() -> None:
    user = await resident()
    merchant, _ = await active_merchant()
    await Entry.filter(account__kind__in=[AccountKind.POOL, AccountKind.ISSUANCE]).delete()
    await Transfer.filter(reason=PointsReason.FUNDING).delete()
    await Account.filter(kind=AccountKind.POOL).delete()
    await asyncio.gather(
        *(wallet_of(user_id=user.user_id, community_id=user.community_id) for _ in range(5)),
        *(pool_of(community_id=user.community_id) for _ in range(5)),
        *(
            merchant_account_of(merchant_id=merchant.id, community_id=user.community_id)
            for _ in range(5)
        ),
    )
    assert await Account.filter(user_id=user.user_id).count() == 1
    assert await Account.filter(kind=AccountKind.POOL).count() == 1
    assert await Account.filter(merchant_id=merchant.id).count() == 1


async def test_awards_adjustments_and_redemptions_racing_on_one_wallet_never_deadlock() -> None:
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=3, stock=100)
    user, boss = await resident(), await admin()
    await fund(user, 20, by=boss)

    async def adjust(i: int) -> object:
        amount = 4 if i % 2 else -4
        return await adjust_points(
            actor=boss, user_id=user.user_id, amount=amount, memo="race", idempotency_key=f"a{i}"
        )

    results = await asyncio.gather(
        *(adjust(i) for i in range(8)),
        *(
            award(
                community_id=user.community_id,
                user_id=user.user_id,
                reason=PointsReason.REPORT_VERIFIED,
                source_type="report",
                source_id=i,
            )
            for i in range(8)
        ),
        *(redeem_offer(actor=user, offer_id=offer.id, idempotency_key=f"r{i}") for i in range(8)),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(f, InsufficientPoints) for f in failures), failures
    assert await balance(user) >= 0
    assert await count("points_entry") == 2 * await count("points_transfer")
    await assert_ledger_consistent()


async def test_transfers_and_entries_are_only_ever_appended() -> None:
    user = await resident()
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=4)
    await fund(user, 10)
    before = await snapshot()
    bought = await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    await cancel_voucher(actor=user, voucher_id=bought.voucher.id)
    await fund(user, -3)
    after = await snapshot()
    for table in ("points_transfer", "points_entry"):
        assert after[table][: len(before[table])] == before[table]
        assert len(after[table]) == len(before[table]) + (3 if table == "points_transfer" else 6)


async def test_one_entry_is_found_only_in_its_owners_wallet() -> None:
    user, other = await resident(), await resident("Other")
    await fund(user, 10)
    entry = (await points_history(user_id=user.user_id, first=1, after=None)).items[0]
    assert (await own_entry(actor=user, entry_id=entry.id)) == entry
    assert await own_entry(actor=other, entry_id=entry.id) is None
