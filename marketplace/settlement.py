"""What a merchant sees of its business: its vouchers, and a settlement for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.operators import merchant_in_community, require_overseer
from models import clock
from models.actor import Actor
from models.enums import VoucherStatus
from models.errors import InvalidInput
from models.market import Voucher
from models.paging import Page, keyset_page
from models.sql import fetch_one

_VOUCHER_COUNTS = (
    "SELECT "
    "COALESCE(SUM(CASE WHEN v.issued_at >= ? AND v.issued_at < ? THEN 1 ELSE 0 END), 0) "
    "AS issued, "
    "COALESCE(SUM(CASE WHEN v.status = 'USED' AND v.used_at >= ? AND v.used_at < ? "
    "THEN 1 ELSE 0 END), 0) AS used, "
    "COALESCE(SUM(CASE WHEN v.status = 'CANCELLED' AND v.closed_at >= ? AND v.closed_at < ? "
    "THEN 1 ELSE 0 END), 0) AS cancelled, "
    "COALESCE(SUM(CASE WHEN v.status = 'EXPIRED' AND v.closed_at >= ? AND v.closed_at < ? "
    "THEN 1 ELSE 0 END), 0) AS expired "
    "FROM voucher v JOIN offer o ON o.id = v.offer_id WHERE o.merchant_id = ?"
)
_POINTS = (
    "SELECT COALESCE(SUM(CASE WHEN e.amount > 0 THEN e.amount ELSE 0 END), 0) AS received, "
    "COALESCE(SUM(CASE WHEN e.amount < 0 THEN -e.amount ELSE 0 END), 0) AS returned "
    "FROM points_entry e JOIN account a ON a.id = e.account_id "
    "WHERE a.merchant_id = ? AND e.created_at >= ? AND e.created_at < ?"
)


@dataclass(frozen=True, slots=True)
class Settlement:
    """One merchant's vouchers and points in [period_start, period_end)."""

    merchant_id: int
    period_start: datetime
    period_end: datetime
    issued: int
    used: int
    cancelled: int
    expired: int
    points_received: int
    points_returned: int

    @property
    def points_net(self) -> int:
        return self.points_received - self.points_returned


async def merchant_redemptions(
    *,
    actor: Actor,
    merchant_id: int,
    status: VoucherStatus | None,
    first: int | None,
    after: int | None,
) -> Page[Voucher]:
    """Vouchers issued against the merchant's offers, newest first (operators and admins)."""
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    await require_overseer(actor=actor, merchant=merchant)
    query = Voucher.filter(offer__merchant_id=merchant.id)
    if status is not None:
        query = query.filter(status=status)
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def settlement(
    *, actor: Actor, merchant_id: int, period_start: datetime, period_end: datetime
) -> Settlement:
    """Counts of vouchers issued, used, cancelled and expired in the period, and the points
    received and returned (operators and admins)."""
    merchant = await merchant_in_community(merchant_id=merchant_id, community_id=actor.community_id)
    await require_overseer(actor=actor, merchant=merchant)
    start = clock.as_utc(period_start, field="periodStart")
    end = clock.as_utc(period_end, field="periodEnd")
    if end <= start:
        raise InvalidInput("The period must end after it starts.", field="periodEnd")
    counts = await fetch_one(_VOUCHER_COUNTS, *(start, end) * 4, merchant.id)
    points = await fetch_one(_POINTS, merchant.id, start, end)
    assert counts is not None and points is not None  # aggregates always return a row
    return Settlement(
        merchant_id=merchant.id,
        period_start=start,
        period_end=end,
        issued=int(counts["issued"]),
        used=int(counts["used"]),
        cancelled=int(counts["cancelled"]),
        expired=int(counts["expired"]),
        points_received=int(points["received"]),
        points_returned=int(points["returned"]),
    )
