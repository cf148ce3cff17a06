"""The demo community's venues (社区活动中心, 阅览室, 会议室, 篮球场) and a week of bookings
either side of the load, played through the domain functions so every row obeys the rules.

The past week is booked, checked in and completed (one no-show) with the clock of its day;
the coming week holds confirmed bookings, requests waiting for approval, one rejected, one
cancelled, and a closure of the reading room for repairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.expressions import Subquery

from community import booking_jobs, booking_rules, bookings, venues
from community.booking_rules import COMMUNITY_TZ, day_hours, local, weekly_hours
from community.people import load_actor
from community.venues import VenueTerms
from models.actor import Actor
from models.enums import Role, VenueAudience
from models.errors import InvalidInput, SlotTaken
from models.people import User, UserRole
from models.venues import Booking, Venue

Progress = Callable[[str, int, int], None]


HALL = VenueTerms(
    name="社区活动中心",
    description="多功能大厅，可办讲座、文艺排练和居民议事会，配音响与投影。",
    location="兴蓉社区党群服务中心一楼",
    capacity=120,
    slot_minutes=60,
    max_booking_minutes=240,
    advance_days=14,
    min_notice_minutes=24 * 60,
    cancel_deadline_minutes=24 * 60,
    check_in_minutes=20,
    opening_hours=weekly_hours("08:00", "21:00"),
    audiences=frozenset({VenueAudience.RESIDENT, VenueAudience.GRID_STAFF}),
    requires_approval=True,
)
READING_ROOM = VenueTerms(
    name="阅览室",
    description="安静的阅读空间，有儿童绘本区，适合亲子阅读和读书会。",
    location="党群服务中心二楼",
    capacity=30,
    slot_minutes=60,
    max_booking_minutes=180,
    advance_days=7,
    min_notice_minutes=0,
    cancel_deadline_minutes=60,
    check_in_minutes=15,
    opening_hours=weekly_hours("09:00", "20:00", range(1, 7)),  # closed on Mondays
    audiences=frozenset({VenueAudience.RESIDENT}),
)
MEETING_ROOM = VenueTerms(
    name="会议室",
    description="十六座会议桌，供网格员工作例会和商户联席会使用。",
    location="党群服务中心三楼",
    capacity=16,
    slot_minutes=30,
    max_booking_minutes=180,
    advance_days=14,
    min_notice_minutes=120,
    cancel_deadline_minutes=120,
    check_in_minutes=15,
    opening_hours=weekly_hours("08:30", "18:00", range(5)),
    audiences=frozenset({VenueAudience.GRID_STAFF, VenueAudience.MERCHANT}),
)
COURT = VenueTerms(
    name="篮球场",
    description="室外灯光篮球场；周五、周六晚开放到凌晨零点半。",
    location="3号院落旁",
    capacity=20,
    slot_minutes=30,
    max_booking_minutes=120,
    advance_days=7,
    min_notice_minutes=30,
    cancel_deadline_minutes=120,
    check_in_minutes=15,
    opening_hours=(
        *weekly_hours("07:00", "22:00", range(4)),
        day_hours(4, "07:00", "00:30"),
        day_hours(5, "07:00", "00:30"),
        day_hours(6, "07:00", "22:00"),
    ),
    audiences=frozenset({VenueAudience.RESIDENT}),
)


@dataclass(frozen=True, slots=True)
class Planned:
    venue: str
    days: int  # from today (local); negative for the past week
    starts: str  # local HH:MM
    hours: float
    who: str  # resident, worker or merchant
    purpose: str
    party: int


PAST = [
    Planned("篮球场", -6, "19:00", 2, "resident", "篮球友谊赛", 10),
    Planned("阅览室", -5, "15:00", 2, "resident", "亲子绘本阅读", 8),
    Planned("社区活动中心", -4, "19:00", 2, "resident", "合唱团排练", 40),
    Planned("会议室", -4, "09:30", 1.5, "worker", "网格员工作例会", 12),
    Planned("篮球场", -2, "23:00", 1.5, "resident", "夜场三对三", 6),  # across midnight
    Planned("阅览室", -1, "10:00", 1, "resident", "书法兴趣班", 12),
]
NO_SHOW = Planned("篮球场", -3, "07:30", 1, "resident", "晨练", 4)
COMING = [
    Planned("篮球场", 1, "18:00", 2, "resident", "青少年篮球训练", 16),
    Planned("阅览室", 2, "14:00", 2, "resident", "读书会", 15),
    Planned("会议室", 2, "14:00", 2, "merchant", "商户联席会", 10),
    Planned("篮球场", 4, "23:00", 1, "resident", "夜场篮球", 8),
    Planned("会议室", 5, "09:00", 1, "worker", "党支部学习会", 14),
]
REQUESTS = [
    Planned("社区活动中心", 3, "19:00", 2, "resident", "广场舞排练", 60),
    Planned("社区活动中心", 5, "14:00", 3, "worker", "楼栋议事会", 80),
]
REJECTED = Planned("社区活动中心", 6, "09:00", 4, "resident", "私人生日宴", 50)
CANCELLED = Planned("篮球场", 3, "19:00", 1, "resident", "篮球友谊赛", 10)


def _at(day: date, planned: Planned) -> tuple[datetime, datetime]:
    hour, minute = (int(part) for part in planned.starts.split(":"))
    starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=COMMUNITY_TZ)
    return starts, starts + timedelta(hours=planned.hours)


def _candidate_days(today: date, planned: Planned) -> list[date]:
    """The planned day, then its neighbours on the same side of today: a plan written for
    a Friday still finds its venue open whatever day the demo is loaded."""
    side = range(-7, 0) if planned.days < 0 else range(1, 7)
    offsets = sorted(side, key=lambda offset: (abs(offset - planned.days), offset))
    return [today + timedelta(days=offset) for offset in offsets]


async def _people(community_id: int, role: Role, count: int) -> list[Actor]:
    users = (
        await User.filter(community_id=community_id, role_rows__role=role)
        .order_by("id")
        .limit(count)
    )
    actors = [await load_actor(user.id) for user in users]
    return [actor for actor in actors if actor is not None]


async def _plain_residents(community_id: int, count: int) -> list[Actor]:
    """Residents holding no other role, the first `count` of them."""
    staff = UserRole.filter(role__not=Role.RESIDENT).values("user_id")
    users = (
        await User.filter(community_id=community_id, role_rows__role=Role.RESIDENT)
        .exclude(id__in=Subquery(staff))
        .order_by("id")
        .limit(count)
    )
    actors = [await load_actor(user.id) for user in users]
    return [actor for actor in actors if actor is not None]


@dataclass
class Cast:
    admin: Actor
    worker: Actor
    residents: list[Actor]
    merchant: Actor | None
    turn: int = 0

    def who(self, planned: Planned) -> Actor:
        if planned.who == "worker":
            return self.worker
        if planned.who == "merchant" and self.merchant is not None:
            return self.merchant
        self.turn += 1
        return self.residents[self.turn % len(self.residents)]


async def _book(
    cast: Cast, room: Venue, today: date, planned: Planned, now: datetime | None
) -> Booking | None:
    """Book the plan on the first candidate day the room is open and free then; `now` None
    books a day ahead of the start (the past week)."""
    who = cast.who(planned)
    for day in _candidate_days(today, planned):
        starts, ends = _at(day, planned)
        try:
            booking_rules.check_opening_hours(room.opening_hours, room.slot_minutes, starts, ends)
            return await bookings.book_venue(
                actor=who,
                venue_id=room.id,
                starts_at=starts,
                ends_at=ends,
                party_size=planned.party,
                purpose=planned.purpose,
                now=now or starts - timedelta(days=1),
            )
        except (InvalidInput, SlotTaken):
            continue
    return None


async def _past_week(cast: Cast, rooms: dict[str, Venue], today: date, now: datetime) -> None:
    """Booked a day ahead, approved where needed, checked in by the admin at the start;
    then the jobs complete them and record the one no-show."""
    for planned in PAST:
        booking = await _book(cast, rooms[planned.venue], today, planned, None)
        if booking is None:
            continue
        if rooms[planned.venue].requires_approval:
            decided = booking.starts_at - timedelta(hours=20)
            await bookings.approve_booking(actor=cast.admin, booking_id=booking.id, now=decided)
        await bookings.check_in(actor=cast.admin, booking_id=booking.id, now=booking.starts_at)
    await _book(cast, rooms[NO_SHOW.venue], today, NO_SHOW, None)
    await booking_jobs.run_booking_jobs(now=now)


async def _coming_week(cast: Cast, rooms: dict[str, Venue], today: date, now: datetime) -> None:
    for planned in [*COMING, *REQUESTS]:
        await _book(cast, rooms[planned.venue], today, planned, now)
    rejected = await _book(cast, rooms[REJECTED.venue], today, REJECTED, now)
    if rejected is not None:
        await bookings.reject_booking(
            actor=cast.worker, booking_id=rejected.id, reason="活动中心不承接私人宴请。", now=now
        )
    cancelled = await _book(cast, rooms[CANCELLED.venue], today, CANCELLED, now)
    if cancelled is not None:
        await bookings.cancel_booking(
            actor=cancelled_by(cast, cancelled), booking_id=cancelled.id, reason="下雨改期", now=now
        )
    closed_day = today + timedelta(days=6)
    starts = datetime(closed_day.year, closed_day.month, closed_day.day, tzinfo=COMMUNITY_TZ)
    await venues.close_venue(
        actor=cast.admin,
        venue_id=rooms[READING_ROOM.name].id,
        starts_at=starts,
        ends_at=starts + timedelta(days=1),
        reason="书架维修",
    )


def cancelled_by(cast: Cast, booking: Booking) -> Actor:
    return next(r for r in [*cast.residents, cast.worker] if r.user_id == booking.booker_id)


async def write_venues(*, community_id: int, report: Progress) -> None:
    """The four venues, last week's bookings and the coming week's, into the open database."""
    admins = await _people(community_id, Role.COMMUNITY_ADMIN, 1)
    workers = await _people(community_id, Role.GRID_WORKER, 1)
    merchants = await _people(community_id, Role.MERCHANT, 1)
    residents = await _plain_residents(community_id, 8)
    if not (admins and workers and residents):
        return
    cast = Cast(admins[0], workers[0], residents, merchants[0] if merchants else None)
    rooms: dict[str, Venue] = {}
    for terms in (HALL, READING_ROOM, MEETING_ROOM, COURT):
        rooms[terms.name] = await venues.create_venue(actor=cast.admin, terms=terms)
    report("venues", len(rooms), len(rooms))
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    today = local(now).date()
    await _past_week(cast, rooms, today, now)
    await _coming_week(cast, rooms, today, now)
    report("venue bookings", 1, 1)
