"""The database guards of offers and events (migration 0002): stock and seats that bypass the
code are refused by the database itself, on SQLite (triggers) and PostgreSQL (CHECKs)."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from models.civic import Event
from models.enums import Role
from models.market import Offer
from models.sql import fetch
from tests import factories
from tests.domain.market_helpers import active_merchant, offer_of
from tests.harness.events import an_event


async def _offer() -> Offer:
    merchant, owner = await active_merchant()
    return await offer_of(merchant, owner, stock=5)


async def _event() -> Event:
    organizer = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    return await an_event(organizer, capacity=2)


@pytest.mark.parametrize(
    "assignment",
    ["remaining = -1", "remaining = stock_added + 1", "points_price = 0", "points_price = -5"],
)
async def test_the_database_refuses_bad_stock_or_price_even_bypassing_the_code(
    assignment: str,
) -> None:
    offer = await _offer()
    before = await fetch("SELECT * FROM offer WHERE id = ?", offer.id)
    with pytest.raises(IntegrityError):
        await fetch(f"UPDATE offer SET {assignment} WHERE id = ?", offer.id)
    assert await fetch("SELECT * FROM offer WHERE id = ?", offer.id) == before


async def test_the_database_accepts_the_edges_of_good_stock() -> None:
    offer = await _offer()
    await fetch("UPDATE offer SET remaining = 0 WHERE id = ?", offer.id)
    await fetch("UPDATE offer SET remaining = stock_added WHERE id = ?", offer.id)
    assert (await Offer.get(id=offer.id)).remaining == 5


@pytest.mark.parametrize("assignment", ["confirmed_count = -1", "confirmed_count = capacity + 1"])
async def test_the_database_refuses_overbooked_or_negative_seats_even_bypassing_the_code(
    assignment: str,
) -> None:
    event = await _event()
    before = await fetch("SELECT * FROM community_event WHERE id = ?", event.id)
    with pytest.raises(IntegrityError):
        await fetch(f"UPDATE community_event SET {assignment} WHERE id = ?", event.id)
    assert await fetch("SELECT * FROM community_event WHERE id = ?", event.id) == before


async def test_the_database_accepts_a_full_event() -> None:
    event = await _event()
    await fetch("UPDATE community_event SET confirmed_count = capacity WHERE id = ?", event.id)
    assert (await Event.get(id=event.id)).confirmed_count == 2
