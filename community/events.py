"""Community events: organising, signing up with a waitlist, cancelling, checking in.

Seats are counted on the event row (confirmed_count, which the database keeps within
capacity). Every change to an event's signups locks the event row first, so a seat freed by a
cancellation always goes to the first person waiting and never to a newcomer.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from marketplace.earning import hold_award_if_covered, settle_award, void_award
from models import clock
from models.actor import Actor
from models.civic import Event, EventSignup
from models.enums import MerchantStatus, PointsReason, Role, SignupStatus
from models.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from models.inputs import bounded_text, required_text
from models.market import Merchant
from models.paging import Page, keyset_page
from models.points import PointsHold

MAX_TITLE_LENGTH = 100
MAX_LOCATION_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_CAPACITY = 10_000
MAX_POINTS_REWARD = 1000
# A confirmed attendee not checked in by then is a no-show: the hold times out.
CHECK_IN_GRACE = timedelta(days=1)
SEATED = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED)
ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.ATTENDED)


@dataclass(frozen=True, slots=True)
class SignupCounts:
    confirmed: int = 0  # seats taken: confirmed and attended (Event.confirmed_count)
    waitlisted: int = 0


async def may_organize(actor: Actor) -> bool:
    """Admins, grid workers, and the owner or an operator of an active merchant."""
    if actor.is_admin or actor.has(Role.GRID_WORKER):
        return True
    return await Merchant.filter(
        Q(owner_id=actor.user_id) | Q(operators__user_id=actor.user_id),
        community_id=actor.community_id,
        status=MerchantStatus.ACTIVE,
    ).exists()


def _checked_numbers(capacity: int, points_reward: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"Capacity must be between 1 and {MAX_CAPACITY}.", field="capacity")
    if not 0 <= points_reward <= MAX_POINTS_REWARD:
        raise InvalidInput(
            f"Points must be between 0 and {MAX_POINTS_REWARD}.", field="pointsReward"
        )


async def create_event(
    *,
    actor: Actor,
    title: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    points_reward: int,
) -> Event:
    """Announce an event (admins, grid workers, operators of an active merchant)."""
    if not await may_organize(actor):
        raise Forbidden()
    name = required_text(title, field="title", max_length=MAX_TITLE_LENGTH)
    place = required_text(location, field="location", max_length=MAX_LOCATION_LENGTH)
    about = bounded_text(description, field="description", max_length=MAX_DESCRIPTION_LENGTH)
    if clock.as_utc(ends_at, field="endsAt") <= clock.as_utc(starts_at, field="startsAt"):
        raise InvalidInput("An event must end after it starts.", field="endsAt")
    _checked_numbers(capacity, points_reward)
    return await Event.create(
        community_id=actor.community_id,
        organizer_id=actor.user_id,
        title=name,
        description=about,
        location=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        points_reward=points_reward,
    )


async def _locked_event(actor: Actor, event_id: int) -> Event:
    """The event of the actor's community, its row locked until commit (PostgreSQL)."""
    event = (
        await Event.filter(id=event_id, community_id=actor.community_id).select_for_update().first()
    )
    if event is None:
        raise NotFound("No such event.", field="eventId")
    return event


async def _take_seat(event_id: int) -> bool:
    """One seat, only while one is left: the conditional update is the seat count's guard."""
    taken = await Event.filter(id=event_id, confirmed_count__lt=F("capacity")).update(
        confirmed_count=F("confirmed_count") + 1
    )
    return taken == 1


async def _join(event: Event, actor: Actor, cancelled: EventSignup | None) -> EventSignup:
    """A new signup, or a cancelled one re-activated at the back of the queue."""
    now = clock.now()
    if event.ends_at <= now:
        raise InvalidTransition("This event has ended.")
    status = SignupStatus.CONFIRMED if await _take_seat(event.id) else SignupStatus.WAITLISTED
    if cancelled is None:
        signup = await EventSignup.create(
            event_id=event.id, user_id=actor.user_id, status=status, created_at=now
        )
    else:
        await EventSignup.filter(id=cancelled.id).update(status=status, created_at=now)
        await cancelled.refresh_from_db()
        signup = cancelled
    if status is SignupStatus.CONFIRMED:
        await _hold_reward(event, signup)
    return signup


async def _hold_reward(event: Event, signup: EventSignup) -> None:
    """Hold the event's reward for a confirmed attendee until check-in (posted), cancellation
    or a no-show (voided). As for reports, a sign-up is never refused for points: while the
    pool or the month's cap cannot cover it, there is no hold, and check-in awards directly."""
    if event.points_reward <= 0:
        return
    earlier = await PointsHold.filter(source_type="event_signup", source_id=signup.id).count()
    await hold_award_if_covered(
        community_id=event.community_id,
        user_id=signup.user_id,
        reason=PointsReason.EVENT_ATTENDED,
        source_type="event_signup",
        source_id=signup.id,
        idempotency_key=f"hold:event_signup:{signup.id}:{earlier + 1}",
        points=event.points_reward,
        memo=f"Attended {event.title}"[:200],
        timeout_at=event.ends_at + CHECK_IN_GRACE,
    )


async def sign_up(*, actor: Actor, event_id: int) -> EventSignup:
    """Take a seat while any is left, else join the waitlist; signing up again is harmless."""
    try:
        async with in_transaction():
            event = await _locked_event(actor, event_id)
            signup = await EventSignup.get_or_none(event_id=event.id, user_id=actor.user_id)
            if signup is not None and signup.status in ACTIVE_SIGNUP:
                return signup
            return await _join(event, actor, signup)
    except IntegrityError:
        # The same user signing up twice at once: the other call's signup is the one.
        existing = await EventSignup.get_or_none(event_id=event_id, user_id=actor.user_id)
        if existing is None:
            raise
        return existing


async def _hand_on_seat(event: Event) -> None:
    """Give a freed seat to the first person waiting (holding their reward), or put it back."""
    waiting = (
        await EventSignup.filter(event_id=event.id, status=SignupStatus.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is not None:
        await EventSignup.filter(id=waiting.id).update(status=SignupStatus.CONFIRMED)
        await _hold_reward(event, waiting)
        return
    await Event.filter(id=event.id).update(confirmed_count=F("confirmed_count") - 1)


async def cancel_signup(*, actor: Actor, event_id: int) -> EventSignup:
    """Leave an event or its waitlist; a freed seat goes to the first person waiting."""
    async with in_transaction():
        event = await _locked_event(actor, event_id)
        signup = await EventSignup.get_or_none(event_id=event.id, user_id=actor.user_id)
        if signup is None:
            raise NotFound("You have not signed up for this event.", field="eventId")
        if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
            raise InvalidTransition("Only a confirmed or waitlisted signup can be cancelled.")
        await EventSignup.filter(id=signup.id).update(status=SignupStatus.CANCELLED)
        await void_award(source_type="event_signup", source_id=signup.id, actor_id=actor.user_id)
        if signup.status is SignupStatus.CONFIRMED:
            await _hand_on_seat(event)
        await signup.refresh_from_db()
    return signup


async def check_in(*, actor: Actor, event_id: int, user_id: int) -> EventSignup:
    """Mark a confirmed attendee present (organizer or admin): their held reward is posted
    (or, without a hold, the event's points awarded)."""
    async with in_transaction():
        event = await _locked_event(actor, event_id)
        if not (actor.is_admin or event.organizer_id == actor.user_id):
            raise Forbidden()
        signup = await EventSignup.get_or_none(event_id=event.id, user_id=user_id)
        if signup is None:
            raise NotFound("This person has not signed up.", field="userId")
        if user_id == actor.user_id:
            raise Forbidden("Someone else must check you in: attending earns points.")
        checked_in = await EventSignup.filter(id=signup.id, status=SignupStatus.CONFIRMED).update(
            status=SignupStatus.ATTENDED
        )
        if checked_in != 1:
            raise InvalidTransition("Only a confirmed signup can be checked in.")
        await settle_award(
            community_id=event.community_id,
            user_id=user_id,
            reason=PointsReason.EVENT_ATTENDED,
            source_type="event_signup",
            source_id=signup.id,
            points=event.points_reward,
            actor_id=actor.user_id,
            memo=f"Attended {event.title}"[:200],
        )
        await signup.refresh_from_db()
    return signup


async def get_event(*, actor: Actor, event_id: int) -> Event:
    """One event of the actor's community, else NotFound."""
    event = await Event.get_or_none(id=event_id, community_id=actor.community_id)
    if event is None:
        raise NotFound("No such event.", field="eventId")
    return event


def may_see_signup(actor: Actor, signup: EventSignup) -> bool:
    """Who sees a signup of their community's events (loaded with its event), the one place
    it is written: its user, the event's organizer and admins."""
    return actor.is_admin or actor.user_id in (signup.user_id, signup.event.organizer_id)


def _community_signups(actor: Actor) -> QuerySet[EventSignup]:
    return EventSignup.filter(event__community_id=actor.community_id).select_related("event")


async def get_signup(*, actor: Actor, signup_id: int) -> EventSignup:
    """A signup the actor may see (`may_see_signup`), else NotFound."""
    signup = await _community_signups(actor).get_or_none(id=signup_id)
    if signup is None or not may_see_signup(actor, signup):
        raise NotFound("No such signup.", field="id")
    return signup


async def signups_visible_to(
    *, actor: Actor, signup_ids: Collection[int]
) -> dict[int, EventSignup]:
    """The signups among these the actor may see (`may_see_signup`), by id, in one statement."""
    if not signup_ids:
        return {}
    rows = await _community_signups(actor).filter(id__in=set(signup_ids))
    return {row.id: row for row in rows if may_see_signup(actor, row)}


async def list_events(
    *, actor: Actor, first: int | None = None, after: int | None = None
) -> Page[Event]:
    """The community's events, newest first."""
    query = Event.filter(community_id=actor.community_id)
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def counts_for(event_ids: list[int]) -> dict[int, SignupCounts]:
    """Seats taken (the event row's confirmed_count, the one count the database guards) and
    people waiting per event, in one statement."""
    if not event_ids:
        return {}
    rows = (
        await Event.filter(id__in=event_ids)
        .annotate(waiting=Count("signups", _filter=Q(signups__status=SignupStatus.WAITLISTED)))
        .values("id", "confirmed_count", "waiting")
    )
    found = {
        int(row["id"]): SignupCounts(int(row["confirmed_count"]), int(row["waiting"]))
        for row in rows
    }
    return {event_id: found.get(event_id, SignupCounts()) for event_id in event_ids}


async def viewer_signups(user_id: int, event_ids: list[int]) -> dict[int, EventSignup]:
    """The viewer's own signup per event, where there is one, in one statement."""
    if not event_ids:
        return {}
    signups = await EventSignup.filter(user_id=user_id, event_id__in=event_ids)
    return {signup.event_id: signup for signup in signups}
