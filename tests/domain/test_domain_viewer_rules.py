"""Rules about the viewer's own things, without GraphQL: oneself in the directory, the booker's
own booking, the actor's community's rules and levels, who sees a wallet's entries, one's own
entries and expiring points, and when a merchant's period counts as settled. Each both ways."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import pytest

from community import bookings, directory, service_levels, venues
from marketplace import earning, history, lots, payouts
from marketplace.policy import set_policy
from models import clock
from models.actor import Actor
from models.enums import ExpiryRule, PointsReason, ReportCategory, Role
from models.errors import NotFound
from models.people import GridAssignment, User
from tests import factories
from tests.domain.market_helpers import active_merchant, admin, fund, outsider, resident
from tests.domain.venue_helpers import at, book, new_venue, people, snapshot


class AssignedGrids:
    """The real lookup of a user's staff grids, recording whom the rule asked about."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def __call__(self, user_id: int) -> Collection[int]:
        self.asked.append(user_id)
        rows = await GridAssignment.filter(user_id=user_id).values_list("micro_grid_id")
        return {int(row[0]) for row in rows}


async def _may_see(viewer: Actor | None, person: Actor) -> tuple[bool, list[int]]:
    grids = AssignedGrids()
    row = await User.get(id=person.user_id)
    seen = await directory.may_see_person(viewer=viewer, person=row, assigned_grid_ids=grids)
    return seen, grids.asked


# ---------------------------------------------------------------- the directory


async def test_one_may_always_look_oneself_up_without_a_grid_lookup() -> None:
    grid = await factories.grid()
    for me in (await factories.user(), await factories.user(Role.GRID_WORKER, grids=(grid,))):
        assert await _may_see(me, me) == (True, [])


async def test_a_resident_may_not_look_up_another_resident_nor_may_nobody() -> None:
    me, neighbour = await factories.user(name="Me"), await factories.user(name="Neighbour")
    seen, asked = await _may_see(me, neighbour)
    assert not seen and asked == []  # neither has a grid the rule could ask about
    assert await _may_see(None, me) == (False, [])


async def test_an_admin_sees_anyone_of_the_community_and_nobody_of_another() -> None:
    boss, someone = await factories.user(Role.COMMUNITY_ADMIN), await factories.user()
    assert await _may_see(boss, someone) == (True, [])
    elsewhere = await factories.community("Elsewhere")
    await User.filter(id=someone.user_id).update(community_id=elsewhere.id)
    assert await _may_see(boss, someone) == (False, [])


async def test_grid_staff_see_their_grids_residents_and_no_others() -> None:
    mine, theirs = await factories.grid("Mine"), await factories.grid("Theirs")
    worker = await factories.user(Role.GRID_WORKER, grids=(mine,))
    assert (await _may_see(worker, await factories.user(home_grid=mine)))[0]
    assert not (await _may_see(worker, await factories.user(home_grid=theirs)))[0]


# ---------------------------------------------------------------- the booker's own booking


async def test_the_booker_gets_their_own_booking_and_staff_who_may_see_it_do_not() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 11))
    before = await snapshot()
    own = await bookings.own_booking(actor=cast.resident, booking_id=booking.id)
    assert own is not None and own.id == booking.id
    assert await bookings.get_booking(actor=cast.worker, booking_id=booking.id) is not None
    for other in (cast.worker, cast.admin, cast.neighbour):
        assert await bookings.own_booking(actor=other, booking_id=booking.id) is None
    assert await bookings.own_booking(actor=cast.resident, booking_id=booking.id + 99) is None
    assert await snapshot() == before


async def test_venue_staff_see_the_check_in_code_and_nobody_else() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    for staff in (cast.admin, cast.worker):
        assert venues.check_in_code(staff, hall) == hall.check_in_code
    for other in (cast.resident, cast.merchant, None):
        assert venues.check_in_code(other, hall) is None


# ---------------------------------------------------------------- the actor's community


async def test_rules_versions_and_levels_are_the_actors_communitys() -> None:
    boss = await admin()
    await earning.set_rule(actor=boss, reason=PointsReason.REPORT_VERIFIED, points=15, daily_cap=30)
    await service_levels.set_service_level(actor=boss, category=ReportCategory.NOISE, hours=4)
    member = await resident()
    assert (await earning.rules_for(actor=member))[0].points == 15
    versions = await earning.versions_of(actor=member, reason=PointsReason.REPORT_VERIFIED)
    assert versions[0].points == 15
    assert (await service_levels.service_levels(actor=member))[ReportCategory.NOISE] == 4

    stranger = await outsider()  # of another community: its defaults, no versions
    assert (await earning.rules_for(actor=stranger))[0].points == 10
    theirs = await earning.versions_of(actor=stranger, reason=PointsReason.REPORT_VERIFIED)
    assert 15 not in [v.points for v in theirs]
    assert (await service_levels.service_levels(actor=stranger))[ReportCategory.NOISE] == 24


# ---------------------------------------------------------------- one's own wallet


async def test_own_entries_and_expiring_points_are_the_actors_alone() -> None:
    boss, owner, other = await admin(), await resident("Owner"), await resident("Other")
    await set_policy(
        actor=boss,
        expiry_rule=ExpiryRule.MONTHS_AFTER_EARNING,
        expiry_months=1,
        monthly_issuance_cap=None,
    )
    await fund(owner, 10, by=boss)
    (entry,) = (await history.points_history(user_id=owner.user_id, first=1, after=None)).items
    assert await history.own_entry(actor=owner, entry_id=entry.id) == entry
    assert await history.own_entry(actor=other, entry_id=entry.id) is None
    assert [row.points for row in await lots.own_expiring(actor=owner)] == [10]
    assert await lots.own_expiring(actor=other) == []


async def test_an_entry_is_seen_by_its_owner_and_their_communitys_admins_alone() -> None:
    boss, owner, other = await admin(), await resident("Owner"), await resident("Other")
    await fund(owner, 10, by=boss)
    (entry,) = (await history.points_history(user_id=owner.user_id, first=1, after=None)).items
    for viewer in (owner, boss):
        assert (await history.get_entry(actor=viewer, entry_id=entry.id)).id == entry.id
    for stranger in (other, await outsider()):
        with pytest.raises(NotFound):
            await history.get_entry(actor=stranger, entry_id=entry.id)


# ---------------------------------------------------------------- a settled period


async def test_a_period_is_settled_up_to_the_last_settlement_and_not_after() -> None:
    merchant, _ = await active_merchant()
    end = clock.now()
    assert not await payouts.period_settled(merchant_id=merchant.id, period_end=end)
    await payouts.settle_merchant(
        actor=await admin(), merchant_id=merchant.id, period_end=end, reference="R1"
    )
    assert await payouts.period_settled(merchant_id=merchant.id, period_end=end)
    earlier, later = end - timedelta(days=1), end + timedelta(seconds=1)
    assert await payouts.period_settled(merchant_id=merchant.id, period_end=earlier)
    assert not await payouts.period_settled(merchant_id=merchant.id, period_end=later)
