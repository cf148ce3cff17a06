"""One community for the authorization matrix, built with the domain functions.

Grids X and Y; resident A (home grid X: points, two vouchers, a report, an event signup, a
suggestion) and resident B; a grid member of each grid; a grid worker of grid X (who organises
the event); a property manager; the operators of two ACTIVE merchants M1 and M2 with an offer
each; a community admin; a PENDING merchant of an applicant; a notice. Every person has a
welcome entry in their wallet and a report of their own in grid Y.

Reads run as these people against these objects. A mutation runs as the role's `twin` (a new
user holding exactly the same roles, grids and merchants) against objects built for that row
only, so no row can change what another row sees.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from community import bookings, events, notices, reports, suggestions, venues
from community.booking_rules import COMMUNITY_TZ, local, weekly_hours
from community.grid import ensure_community
from community.people import load_actor
from marketplace import adjustments, merchants, offers, redemption
from models.actor import Actor
from models.civic import Event, EventSignup, Notice, Report, Suggestion
from models.enums import (
    NoticeKind,
    OfferStatus,
    ReportCategory,
    ReportStatus,
    Role,
)
from models.grid import Community, Courtyard, MicroGrid
from models.ledger import Entry
from models.market import Merchant, MerchantOperator, Offer, Voucher
from models.people import GridAssignment, User, UserRole
from models.venues import Booking, Venue
from tests import factories
from tests.domain.venue_helpers import HALL
from tests.harness import market
from tests.harness.events import an_event
from tests.harness.reports import Crew, walk

# Test-strength argon2id. A login verifies with the parameters stored in the hash, so the
# matrix's logins cost milliseconds instead of the production ~100 ms of CPU each; the real
# parameters are exercised by tests/api/test_identity.py.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

ANONYMOUS = "anonymous"
ROLES = (
    ANONYMOUS,
    "resident_a",
    "resident_b",
    "grid_member_x",
    "grid_member_y",
    "grid_worker",
    "property_manager",
    "merchant_m1",
    "merchant_m2",
    "admin",
)
PEOPLE = ROLES[1:]
PASSWORD = "matrix-password-1"

# Phones of this run: a random block, so Redis rate-limit counters of earlier runs never meet
# them (they are keyed by phone and live for minutes).
_BLOCK = random.randrange(1000, 9999)
_serial = itertools.count(1)


def new_phone() -> str:
    return f"13{_BLOCK:04d}{next(_serial):05d}"


def unique(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


# A venue open all day every day, bookable by residents (everyone is one) from now on.
MATRIX_VENUE = replace(
    HALL,
    name="Matrix hall",
    description="For the matrix",
    capacity=20,
    advance_days=30,
    min_notice_minutes=0,
    cancel_deadline_minutes=60,
    check_in_minutes=60,
    opening_hours=weekly_hours("00:00", "00:00"),
)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = local(datetime.now(UTC)).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COMMUNITY_TZ)


def next_half_hour() -> datetime:
    """The next slot boundary: a booking starting then can be checked in now."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now + timedelta(minutes=30 - now.minute % 30)


async def _reload(actor: Actor) -> Actor:
    fresh = await load_actor(actor.user_id)
    assert fresh is not None
    return fresh


@dataclass(frozen=True)
class Profile:
    """What makes a person who they are to the rules: copied onto their twins."""

    password_hash: str
    home_grid_id: int | None
    grids: tuple[tuple[int, Role], ...]
    merchant_ids: tuple[int, ...]


async def _profile(actor: Actor) -> Profile:
    user = await User.get(id=actor.user_id)
    grids: list[tuple[int, str]] = await GridAssignment.filter(user_id=actor.user_id).values_list(
        "micro_grid_id", "role"
    )
    operated: list[Any] = await MerchantOperator.filter(user_id=actor.user_id).values_list(
        "merchant_id", flat=True
    )
    return Profile(
        password_hash=user.password_hash,
        home_grid_id=user.home_grid_id,
        grids=tuple((grid, Role(role)) for grid, role in grids),
        merchant_ids=tuple(int(merchant) for merchant in operated),
    )


@dataclass
class Cast:
    """The people, places, merchants and offers, and builders for a row's own objects."""

    media_dir: Path
    community: Community
    courtyard: Courtyard
    grid_x: MicroGrid
    grid_y: MicroGrid
    people: dict[str, Actor]
    applicant: Actor  # owns the pending merchant
    m1: Merchant
    m2: Merchant
    pending: Merchant
    offer_1: Offer
    offer_2: Offer
    paused_offer: Offer  # M1's, paused after resident A redeemed it
    treasurer: Actor  # a second admin, who funds wallets (nobody adjusts their own)
    profiles: dict[str, Profile] = field(repr=False)

    # ------------------------------------------------------------ who is who

    @property
    def admin(self) -> Actor:
        return self.people["admin"]

    @property
    def resident_a(self) -> Actor:
        return self.people["resident_a"]

    @property
    def resident_b(self) -> Actor:
        return self.people["resident_b"]

    @property
    def worker(self) -> Actor:
        return self.people["grid_worker"]

    @property
    def manager(self) -> Actor:
        return self.people["property_manager"]

    def merchant_of(self, role: str) -> Merchant | None:
        """The merchant this role operates."""
        return {"merchant_m1": self.m1, "merchant_m2": self.m2}.get(role)

    def other_merchant(self, role: str) -> Merchant:
        """A merchant this role does not operate: M2 for M1's operator, else M1."""
        return self.m2 if role == "merchant_m1" else self.m1

    def operator_of(self, merchant: Merchant) -> Actor:
        return self.people["merchant_m1" if merchant.id == self.m1.id else "merchant_m2"]

    def offer_of(self, merchant: Merchant) -> Offer:
        return self.offer_1 if merchant.id == self.m1.id else self.offer_2

    # ------------------------------------------------------------ builders for one row

    async def twin(self, role: str) -> Actor:
        """A new user with the same roles, home grid, grids, merchants and password."""
        model, profile = self.people[role], self.profiles[role]
        row = await User.create(
            community_id=model.community_id,
            phone=new_phone(),
            password_hash=profile.password_hash,
            display_name=f"{role} twin",
            home_grid_id=profile.home_grid_id,
        )
        await UserRole.bulk_create([UserRole(user_id=row.id, role=held) for held in model.roles])
        if profile.grids:
            await GridAssignment.bulk_create(
                [GridAssignment(user_id=row.id, micro_grid_id=g, role=r) for g, r in profile.grids]
            )
        if profile.merchant_ids:
            await MerchantOperator.bulk_create(
                [MerchantOperator(user_id=row.id, merchant_id=m) for m in profile.merchant_ids]
            )
        return Actor(
            user_id=row.id,
            community_id=model.community_id,
            roles=model.roles,
            home_grid_id=profile.home_grid_id,
        )

    async def stranger(self, name: str = "Stranger") -> Actor:
        """A plain resident nobody else in the matrix knows."""
        return await factories.user(name=name, phone=new_phone())

    async def fund(self, user: Actor, points: int) -> Entry:
        return await adjustments.adjust_points(
            actor=self.treasurer,
            user_id=user.user_id,
            amount=points,
            memo="Matrix funds",
            idempotency_key=unique("fund"),
        )

    async def report(
        self,
        reporter: Actor,
        grid: MicroGrid,
        upto: ReportStatus = ReportStatus.SUBMITTED,
        *,
        category: ReportCategory = ReportCategory.FACILITY,
        assignee: Actor | None = None,
        resolver: Actor | None = None,
        overdue: bool = False,
    ) -> Report:
        """A report walked by the admin (and its assignee) up to `upto`."""
        report = await reports.submit_report(
            actor=reporter,
            category=category,
            description=unique("Broken lamp"),
            micro_grid_id=grid.id,
            media_dir=self.media_dir,
        )
        crew = Crew(self.admin, assignee or self.manager, reporter, self.media_dir, resolver)
        await walk(report, upto, crew)
        if overdue:
            await Report.filter(id=report.id).update(
                due_at=datetime.now(UTC) - timedelta(minutes=5)
            )
        return await Report.get(id=report.id)

    async def offer(self, merchant: Merchant) -> Offer:
        operator = self.operator_of(merchant)
        return await market.offer_of(merchant, operator, title=unique("Soap"), description="A bar")

    async def voucher_for(self, holder: Actor, offer: Offer) -> Voucher:
        """Fund the holder with the price, then redeem one unit."""
        await self.fund(holder, offer.points_price)
        done = await redemption.redeem_offer(
            actor=holder, offer_id=offer.id, idempotency_key=unique("redeem")
        )
        return done.voucher

    async def event_by(self, organizer: Actor) -> Event:
        return await an_event(organizer, title=unique("Clean-up"), capacity=50, points_reward=5)

    async def pending_merchant(self, owner: Actor) -> Merchant:
        return await market.awaiting_approval(owner, unique("Noodle Bar"))

    async def active_merchant(self, owner: Actor) -> Merchant:
        merchant = await self.pending_merchant(owner)
        return await merchants.approve_merchant(actor=self.admin, merchant_id=merchant.id)

    async def venue(self, **changes: Any) -> Venue:
        """A venue of the row's own (MATRIX_VENUE with changes), so no row takes another's time."""
        terms = replace(MATRIX_VENUE, name=unique("Hall"), **changes)
        return await venues.create_venue(actor=self.admin, terms=terms)

    async def booking_by(
        self, booker: Actor, venue: Venue | None = None, starts: datetime | None = None
    ) -> Booking:
        """An hour of a venue (a new one unless given), from tomorrow 10:00 unless given."""
        place = venue or await self.venue()
        start = starts or tomorrow_at(10)
        return await bookings.book_venue(
            actor=booker,
            venue_id=place.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            party_size=2,
            purpose=unique("Matrix meeting"),
        )


@dataclass
class World(Cast):
    """The cast with the objects every read row looks at."""

    voucher: Voucher  # resident A's, of offer_1
    paused_voucher: Voucher  # resident A's, of paused_offer
    entries: dict[str, Entry]  # each person's welcome entry
    report_x: Report  # resident A's, in grid X
    report_y: Report  # resident B's, in grid Y
    report_assigned: Report  # resident A's, in grid X, dispatched to the property manager
    own_reports: dict[str, Report]  # each person's own, in grid Y
    event: Event  # organised by the grid worker
    signup: EventSignup  # resident A's, for the event
    suggestion: Suggestion  # resident A's
    notice: Notice  # the admin's
    hall: Venue  # MATRIX_VENUE
    booking: Booking  # resident A's, confirmed, of the hall
    request: Booking  # resident A's, waiting for approval, of a venue that needs it
    own_bookings: dict[str, Booking]  # each person's own, of the hall


async def _person(
    name: str,
    *roles: Role,
    home_grid: MicroGrid | None = None,
    grids: tuple[MicroGrid, ...] = (),
) -> Actor:
    return await factories.user(
        *roles, name=name, phone=new_phone(), home_grid=home_grid, grids=grids
    )


async def _offer(operator: Actor, merchant: Merchant, title: str, stock: int) -> Offer:
    return await market.offer_of(
        merchant, operator, title=title, description="For the matrix", stock=stock
    )


async def build_world(media_dir: Path) -> World:
    """The matrix's community, on an empty database."""
    community, _ = await ensure_community(name="Xingrong")
    grid_x = await factories.grid("Grid X", courtyard="Courtyard 1")
    grid_y = await factories.grid("Grid Y", courtyard="Courtyard 2")
    people = {
        "admin": await _person("Admin", Role.COMMUNITY_ADMIN),
        "resident_a": await _person("Resident A", home_grid=grid_x),
        "resident_b": await _person("Resident B", home_grid=grid_x),
        "grid_member_x": await _person(
            "Member X", Role.GRID_MEMBER, home_grid=grid_x, grids=(grid_x,)
        ),
        "grid_member_y": await _person(
            "Member Y", Role.GRID_MEMBER, home_grid=grid_y, grids=(grid_y,)
        ),
        "grid_worker": await _person("Worker X", Role.GRID_WORKER, grids=(grid_x,)),
        "property_manager": await _person("Manager", Role.PROPERTY_MANAGER),
        "merchant_m1": await _person("Operator M1"),
        "merchant_m2": await _person("Operator M2"),
    }
    admin = people["admin"]
    treasurer = await _person("Treasurer", Role.COMMUNITY_ADMIN)
    m1 = await merchants.register_merchant(
        actor=people["merchant_m1"], name="Merchant One", category="Grocery", address="1 Road"
    )
    m2 = await merchants.register_merchant(
        actor=people["merchant_m2"], name="Merchant Two", category="Tea", address="2 Road"
    )
    for merchant in (m1, m2):
        await merchants.approve_merchant(actor=admin, merchant_id=merchant.id)
    for role in ("merchant_m1", "merchant_m2"):
        people[role] = await _reload(people[role])  # approval made them MERCHANTs
    applicant = await _person("Applicant")
    pending = await merchants.register_merchant(
        actor=applicant, name="Pending Shop", category="Food", address="3 Road"
    )
    await User.filter(id__in=[p.user_id for p in people.values()]).update(
        password_hash=QUICK_HASHER.hash(PASSWORD)
    )
    offer_1 = await _offer(people["merchant_m1"], m1, "Rice 5 kg", 10_000)
    offer_2 = await _offer(people["merchant_m2"], m2, "Green tea", 10_000)
    paused_offer = await _offer(people["merchant_m1"], m1, "Cooking oil", 10)
    cast = Cast(
        media_dir=media_dir,
        community=community,
        courtyard=await Courtyard.get(id=grid_x.courtyard_id),
        grid_x=grid_x,
        grid_y=grid_y,
        people=people,
        applicant=applicant,
        m1=await Merchant.get(id=m1.id),
        m2=await Merchant.get(id=m2.id),
        pending=pending,
        offer_1=offer_1,
        offer_2=offer_2,
        paused_offer=paused_offer,
        treasurer=treasurer,
        profiles={role: await _profile(person) for role, person in people.items()},
    )
    entries = {
        role: await adjustments.adjust_points(
            actor=treasurer,
            user_id=person.user_id,
            amount=100,
            memo="Welcome",
            idempotency_key=f"welcome-{role}",
        )
        for role, person in people.items()
    }
    a, b = cast.resident_a, cast.resident_b
    voucher = (
        await redemption.redeem_offer(actor=a, offer_id=offer_1.id, idempotency_key="v1")
    ).voucher
    paused_voucher = (
        await redemption.redeem_offer(actor=a, offer_id=paused_offer.id, idempotency_key="v2")
    ).voucher
    cast.paused_offer = await offers.update_offer(
        actor=people["merchant_m1"], offer_id=paused_offer.id, status=OfferStatus.PAUSED
    )
    event = await cast.event_by(cast.worker)
    venue = await venues.create_venue(actor=admin, terms=MATRIX_VENUE)
    own_bookings = {
        role: await cast.booking_by(person, venue, tomorrow_at(12) + timedelta(hours=n))
        for n, (role, person) in enumerate(people.items())
    }
    approval_venue = await cast.venue(requires_approval=True)
    return World(
        **vars(cast),
        voucher=voucher,
        paused_voucher=paused_voucher,
        entries=entries,
        report_x=await cast.report(a, grid_x),
        report_y=await cast.report(b, grid_y),
        report_assigned=await cast.report(
            a, grid_x, ReportStatus.DISPATCHED, category=ReportCategory.SANITATION
        ),
        own_reports={
            role: await cast.report(person, grid_y, category=ReportCategory.NOISE)
            for role, person in people.items()
        },
        event=event,
        signup=await events.sign_up(actor=a, event_id=event.id),
        suggestion=await suggestions.submit_suggestion(
            actor=a, title="More benches", body="By the gate"
        ),
        notice=await notices.publish_notice(
            actor=admin, kind=NoticeKind.ANNOUNCEMENT, title="Water off", body="Tuesday 9-12"
        ),
        hall=venue,
        booking=await cast.booking_by(a, venue, tomorrow_at(8)),
        request=await cast.booking_by(a, approval_venue),
        own_bookings=own_bookings,
    )
