"""Deliberately naive variants of two rules, and the proof that the suite's own tests catch
them: run with the naive rule in place, the same test fails.

1. A refund that puts every point back into the lots it came from, expired or not (the rule:
   what came from an expired lot goes to the pool). Caught on both databases by the lots test
   of refunds from expired lots, and by the invariant that closed lots hold nothing.
2. Resolving a hold by check-then-act: read that it is PENDING, then update it without the
   condition (the rule: one conditional update claims it). Sequentially it is right; with
   posts and voids of one hold at once on PostgreSQL two of them pass the check, and the race
   test catches it (SQLite runs one transaction at a time, so no race can show there).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from marketplace import holds, lots
from marketplace.expiry import expire_lots
from marketplace.lots import LotTaken, RefundPlan, Restore
from marketplace.redemption import redeem_offer
from marketplace.vouchers import cancel_voucher
from models import clock
from models.enums import HoldStatus
from models.errors import InvalidTransition
from models.points import PointsHold
from models.sql import fetch
from tests.dbsetup import ON_POSTGRES, truncate_all
from tests.domain import test_points_holds, test_points_lots
from tests.domain.market_helpers import active_merchant, admin, offer_of, resident
from tests.domain.points_helpers import assert_points_consistent


async def naive_refund_plan(*, debit_transfer_id: int, amount: int, now: datetime) -> RefundPlan:
    rows = await fetch(
        "SELECT lot_id, amount FROM points_lot_spend WHERE transfer_id = ? ORDER BY id",
        debit_transfer_id,
    )
    pieces = tuple(LotTaken(int(r["lot_id"]), int(r["amount"])) for r in rows)
    return RefundPlan(Restore(pieces, fresh=amount - sum(p.amount for p in pieces)))


async def naive_put_back(account_id: int, pieces: tuple[LotTaken, ...]) -> None:
    for piece in pieces:
        await fetch(
            "UPDATE points_lot SET remaining = remaining + ? WHERE id = ? RETURNING id",
            piece.amount,
            piece.lot_id,
        )


async def naive_claim(
    hold: PointsHold, status: HoldStatus, posted: int | None, actor_id: int | None
) -> None:
    current = await PointsHold.get(id=hold.id)
    if current.status is not HoldStatus.PENDING:
        raise InvalidTransition("This hold was already resolved.", field="holdId")
    await PointsHold.filter(id=hold.id).update(
        status=status, posted_amount=posted, resolved_at=clock.now(), resolved_by_id=actor_id
    )


async def test_the_refund_tests_catch_a_refund_into_expired_lots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lots, "refund_plan", naive_refund_plan)
    monkeypatch.setattr(lots, "_put_back", naive_put_back)
    with pytest.raises(AssertionError):
        await test_points_lots.test_the_part_of_a_refund_whose_lot_expired_meanwhile_goes_to_the_pool()  # noqa: E501
    await truncate_all()
    with pytest.raises(AssertionError, match="expired lots hold nothing"):
        await _refund_after_the_job_closed_the_lot()


async def _refund_after_the_job_closed_the_lot() -> None:
    """A lot closed by the expiry job, then a refund of points spent from it."""
    boss, user = await admin(), await resident()
    await test_points_lots._wallet_with_lots(user, boss, [2])
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=4)
    bought = await redeem_offer(actor=user, offer_id=offer.id, idempotency_key="k")
    await expire_lots(now=clock.now() + timedelta(days=3))
    await cancel_voucher(actor=user, voucher_id=bought.voucher.id)
    await assert_points_consistent()


async def test_our_refund_passes_the_same_check() -> None:
    await _refund_after_the_job_closed_the_lot()


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite runs one transaction at a time: no race")
async def test_the_race_test_catches_a_check_then_act_hold_resolution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(holds, "_claim", naive_claim)
    with pytest.raises(AssertionError):
        for _ in range(5):
            await truncate_all()
            await test_points_holds.test_posts_and_voids_of_one_hold_at_once_resolve_it_once()
