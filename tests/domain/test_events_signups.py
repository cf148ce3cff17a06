"""Events: who organises, seats and the waitlist under concurrency, cancelling, check-in."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from community.events import (
    SignupCounts,
    cancel_signup,
    check_in,
    counts_for,
    create_event,
    list_events,
    sign_up,
    viewer_signups,
)
from marketplace.ledger import balance_of
from models.actor import Actor
from models.civic import Event, EventSignup
from models.enums import MerchantStatus, Role, SignupStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from models.market import Merchant, MerchantOperator
from tests import factories
from tests.domain.civic_helpers import admin_elsewhere
from tests.statements import counting_statements as statements

START = datetime.now(UTC) + timedelta(days=3)


async def organiser() -> Actor:
    return await factories.user(Role.COMMUNITY_ADMIN, name="Organiser")


async def new_event(actor: Actor | None = None, **changes: Any) -> Event:
    fields: dict[str, Any] = {
        "title": "Riverside clean-up",
        "description": "Bring gloves.",
        "location": "North gate",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "capacity": 10,
        "points_reward": 15,
    }
    return await create_event(actor=actor or await organiser(), **{**fields, **changes})


async def residents(count: int) -> list[Actor]:
    return [await factories.user(name=f"Resident {n}") for n in range(count)]


async def merchant_people(status: MerchantStatus) -> tuple[Actor, Actor]:
    """(owner, operator) of a merchant with the given status."""
    owner = await factories.user(Role.MERCHANT, name=f"Owner {status}")
    operator = await factories.user(Role.MERCHANT, name=f"Operator {status}")
    shop = await Merchant.create(
        community_id=owner.community_id,
        owner_id=owner.user_id,
        name=f"Tea house {status}",
        category="food",
        address="Lane 5",
        status=status,
    )
    await MerchantOperator.create(merchant=shop, user_id=operator.user_id)
    return owner, operator


async def test_who_may_organise() -> None:
    grid = await factories.grid()
    active_owner, active_operator = await merchant_people(MerchantStatus.ACTIVE)
    pending_owner, pending_operator = await merchant_people(MerchantStatus.PENDING)
    suspended_owner, suspended_operator = await merchant_people(MerchantStatus.SUSPENDED)
    allowed = [
        await factories.user(Role.COMMUNITY_ADMIN),
        await factories.user(Role.GRID_WORKER, grids=(grid,)),
        active_owner,
        active_operator,
    ]
    refused = [
        await factories.user(),
        await factories.user(Role.GRID_MEMBER, grids=(grid,)),
        await factories.user(Role.PROPERTY_MANAGER),
        await factories.user(Role.MOBILE_REPORTER),
        pending_owner,
        pending_operator,
        suspended_owner,
        suspended_operator,
    ]
    for actor in allowed:
        event = await new_event(actor)
        assert (event.organizer_id, event.confirmed_count) == (actor.user_id, 0)
    for actor in refused:
        with pytest.raises(Forbidden):
            await new_event(actor)
    assert await Event.all().count() == len(allowed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"location": ""}, "location"),
        ({"ends_at": START}, "endsAt"),
        ({"ends_at": START - timedelta(minutes=1)}, "endsAt"),
        ({"starts_at": START.replace(tzinfo=None)}, "startsAt"),
        ({"capacity": 0}, "capacity"),
        ({"points_reward": -1}, "pointsReward"),
        ({"points_reward": 1001}, "pointsReward"),
    ],
)
async def test_invalid_events_are_refused(changes: dict[str, Any], field: str) -> None:
    admin = await organiser()
    with pytest.raises(InvalidInput) as refused:
        await new_event(admin, **changes)
    assert refused.value.field == field
    assert await Event.all().count() == 0


async def test_thirty_people_for_ten_seats_at_once() -> None:
    event = await new_event(capacity=10)
    people = await residents(30)
    signups = await asyncio.gather(*(sign_up(actor=p, event_id=event.id) for p in people))
    statuses = [signup.status for signup in signups]
    assert statuses.count(SignupStatus.CONFIRMED) == 10
    assert statuses.count(SignupStatus.WAITLISTED) == 20
    assert (await Event.get(id=event.id)).confirmed_count == 10
    assert await EventSignup.filter(status=SignupStatus.CONFIRMED).count() == 10
    assert (await counts_for([event.id]))[event.id] == SignupCounts(10, 20)


async def test_signing_up_twice_returns_the_same_signup() -> None:
    event = await new_event(capacity=2)
    resident = (await residents(1))[0]
    first = await sign_up(actor=resident, event_id=event.id)
    again = await sign_up(actor=resident, event_id=event.id)
    both = await asyncio.gather(*(sign_up(actor=resident, event_id=event.id) for _ in range(3)))
    assert {s.id for s in (first, again, *both)} == {first.id}
    assert (await Event.get(id=event.id)).confirmed_count == 1


async def test_cancelling_hands_the_seat_to_the_first_waiting() -> None:
    event = await new_event(capacity=2)
    a, b, c, d = await residents(4)
    for person in (a, b, c, d):
        await sign_up(actor=person, event_id=event.id)

    cancelled = await cancel_signup(actor=a, event_id=event.id)
    assert cancelled.status is SignupStatus.CANCELLED
    mine = await viewer_signups(c.user_id, [event.id])
    assert mine[event.id].status is SignupStatus.CONFIRMED
    assert (await viewer_signups(d.user_id, [event.id]))[event.id].status is SignupStatus.WAITLISTED
    assert (await Event.get(id=event.id)).confirmed_count == 2

    # Coming back joins the back of the queue, on the same signup.
    back = await sign_up(actor=a, event_id=event.id)
    assert (back.id, back.status) == (cancelled.id, SignupStatus.WAITLISTED)
    await cancel_signup(actor=b, event_id=event.id)
    assert (await viewer_signups(d.user_id, [event.id]))[event.id].status is SignupStatus.CONFIRMED
    assert (await EventSignup.get(id=back.id)).status is SignupStatus.WAITLISTED
    assert (await counts_for([event.id]))[event.id] == SignupCounts(2, 1)


async def test_cancelling_without_a_waitlist_frees_the_seat() -> None:
    event = await new_event(capacity=1)
    a, b = await residents(2)
    await sign_up(actor=a, event_id=event.id)
    await cancel_signup(actor=a, event_id=event.id)
    assert (await Event.get(id=event.id)).confirmed_count == 0
    assert (await sign_up(actor=b, event_id=event.id)).status is SignupStatus.CONFIRMED
    again = await sign_up(actor=a, event_id=event.id)
    assert again.status is SignupStatus.WAITLISTED
    # Leaving the waitlist gives nobody a seat.
    await cancel_signup(actor=a, event_id=event.id)
    assert (await Event.get(id=event.id)).confirmed_count == 1
    assert (await counts_for([event.id]))[event.id] == SignupCounts(1, 0)


async def test_cancelling_what_cannot_be_cancelled() -> None:
    event = await new_event()
    a, b = await residents(2)
    with pytest.raises(NotFound):
        await cancel_signup(actor=a, event_id=event.id)
    await sign_up(actor=a, event_id=event.id)
    await cancel_signup(actor=a, event_id=event.id)
    with pytest.raises(InvalidTransition):
        await cancel_signup(actor=a, event_id=event.id)
    await sign_up(actor=b, event_id=event.id)
    organizer = await factories.user(Role.COMMUNITY_ADMIN)
    await check_in(actor=organizer, event_id=event.id, user_id=b.user_id)
    with pytest.raises(InvalidTransition):
        await cancel_signup(actor=b, event_id=event.id)
    assert (await Event.get(id=event.id)).confirmed_count == 1


async def test_concurrent_cancellations_promote_distinct_people() -> None:
    event = await new_event(capacity=5)
    people = await residents(10)
    for person in people:
        await sign_up(actor=person, event_id=event.id)
    await asyncio.gather(*(cancel_signup(actor=p, event_id=event.id) for p in people[:3]))
    statuses = {
        p.user_id: (await viewer_signups(p.user_id, [event.id]))[event.id].status for p in people
    }
    assert [statuses[p.user_id] for p in people] == [SignupStatus.CANCELLED] * 3 + [
        SignupStatus.CONFIRMED
    ] * 5 + [SignupStatus.WAITLISTED] * 2
    assert (await Event.get(id=event.id)).confirmed_count == 5


async def test_check_in_awards_the_event_points_once() -> None:
    admin = await organiser()
    event = await new_event(admin, capacity=1, points_reward=15)
    a, b = await residents(2)
    await sign_up(actor=a, event_id=event.id)
    await sign_up(actor=b, event_id=event.id)

    attended = await check_in(actor=admin, event_id=event.id, user_id=a.user_id)
    assert attended.status is SignupStatus.ATTENDED
    assert await balance_of(user_id=a.user_id) == 15
    with pytest.raises(InvalidTransition):
        await check_in(actor=admin, event_id=event.id, user_id=a.user_id)
    with pytest.raises(InvalidTransition):
        await check_in(actor=admin, event_id=event.id, user_id=b.user_id)
    with pytest.raises(NotFound) as missing:
        await check_in(actor=admin, event_id=event.id, user_id=admin.user_id)
    assert missing.value.field == "userId"
    assert await balance_of(user_id=a.user_id) == 15
    assert await balance_of(user_id=b.user_id) == 0
    assert (await counts_for([event.id]))[event.id] == SignupCounts(1, 1)


async def test_concurrent_check_ins_award_once() -> None:
    admin = await organiser()
    event = await new_event(admin, points_reward=7)
    (a,) = await residents(1)
    await sign_up(actor=a, event_id=event.id)
    outcomes = await asyncio.gather(
        *(check_in(actor=admin, event_id=event.id, user_id=a.user_id) for _ in range(3)),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == [
        "EventSignup",
        "InvalidTransition",
        "InvalidTransition",
    ]
    assert await balance_of(user_id=a.user_id) == 7


async def test_only_the_organiser_or_an_admin_checks_in() -> None:
    grid = await factories.grid()
    worker = await factories.user(Role.GRID_WORKER, grids=(grid,))
    other_worker = await factories.user(Role.GRID_WORKER, grids=(grid,))
    event = await new_event(worker)
    (a,) = await residents(1)
    await sign_up(actor=a, event_id=event.id)
    for intruder in (other_worker, a):
        with pytest.raises(Forbidden):
            await check_in(actor=intruder, event_id=event.id, user_id=a.user_id)
    assert (await EventSignup.get(user_id=a.user_id)).status is SignupStatus.CONFIRMED
    await check_in(actor=await organiser(), event_id=event.id, user_id=a.user_id)
    assert await balance_of(user_id=a.user_id) == 15


async def test_events_of_other_communities_and_ended_events() -> None:
    event = await new_event()
    far = await admin_elsewhere()
    for call in (
        sign_up(actor=far, event_id=event.id),
        cancel_signup(actor=far, event_id=event.id),
        check_in(actor=far, event_id=event.id, user_id=far.user_id),
    ):
        with pytest.raises(NotFound):
            await call
    past = await new_event(
        starts_at=datetime.now(UTC) - timedelta(hours=3),
        ends_at=datetime.now(UTC) - timedelta(hours=1),
    )
    (a,) = await residents(1)
    with pytest.raises(InvalidTransition):
        await sign_up(actor=a, event_id=past.id)
    assert await EventSignup.all().count() == 0


async def test_lists_and_batched_counts() -> None:
    admin = await organiser()
    events = [await new_event(admin, capacity=1) for _ in range(3)]
    a, b = await residents(2)
    for event in events[:2]:
        await sign_up(actor=a, event_id=event.id)
        await sign_up(actor=b, event_id=event.id)
    page = await list_events(actor=a, first=2)
    assert ([e.id for e in page.items], page.has_next) == ([events[2].id, events[1].id], True)
    rest = await list_events(actor=a, first=2, after=page.items[-1].id)
    assert ([e.id for e in rest.items], rest.has_next) == ([events[0].id], False)
    assert (await list_events(actor=await admin_elsewhere())).items == []

    ids = [event.id for event in events]
    with statements() as sent:
        counts = await counts_for(ids)
        mine = await viewer_signups(b.user_id, ids)
    assert len(sent) == 2
    assert counts == {
        ids[0]: SignupCounts(1, 1),
        ids[1]: SignupCounts(1, 1),
        ids[2]: SignupCounts(0, 0),
    }
    assert {event_id: s.status for event_id, s in mine.items()} == {
        ids[0]: SignupStatus.WAITLISTED,
        ids[1]: SignupStatus.WAITLISTED,
    }
    assert await counts_for([]) == {} and await viewer_signups(b.user_id, []) == {}
