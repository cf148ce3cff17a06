"""How each operation of the matrix is run for one row (role, target) and what outcome the
answer shows: the reads, the mutations and the subscriptions, by subject."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from community import events, sessions, suggestions
from gateway.services import Services
from marketplace.expiry import EXPIRY_TOPIC
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, ReportStatus, VenueAudience
from models.market import Merchant
from models.outbox import BOOKING_TOPIC, POINTS_TOPIC, REPORT_TOPIC, Change
from models.people import User
from resolvers.ids import global_id
from tests.api.client import GraphQLClient
from tests.api.matrix_fixtures import client, world  # noqa: F401
from tests.api.matrix_table import DATA, FORBIDDEN, NULL, UNAUTHENTICATED
from tests.api.matrix_world import PASSWORD, World, new_phone, next_half_hour, tomorrow_at, unique
from tests.api.test_subscriptions import GraphQLWebSocket
from tests.harness.pubsub import listening

S = ReportStatus
# Where the matrix's logins come from: not the address every other test's logins count against.
FORWARDED_FOR = f"198.51.100.{random.randrange(1, 255)}"

# ---------------------------------------------------------------- running one row


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, pk)


@dataclass
class Row:
    client: GraphQLClient
    world: World
    operation: str
    role: str
    target: str
    actor: Actor | None  # a person of the world for reads, their twin for mutations

    @property
    def me(self) -> Actor:
        assert self.actor is not None, "anonymous callers own nothing"
        return self.actor

    async def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await self.client.execute(query, variables, as_=self.actor)


Outcome = tuple[str, Any]  # what happened, and the response that shows it


def graphql_codes(result: dict[str, Any]) -> list[str]:
    return [
        (error.get("extensions") or {}).get("code") or error["message"]
        for error in result.get("errors") or []
    ]


def refusal(result: dict[str, Any], field: str) -> str | None:
    """UNAUTHENTICATED or FORBIDDEN when that is the one error and the field is null (or, for a
    non-null list or connection that fails alone, empty); None when nothing went wrong;
    anything else is reported as it is."""
    codes = graphql_codes(result)
    if not codes:
        return None
    field_is_null = presence((result.get("data") or {}).get(field)) == NULL
    if codes in ([UNAUTHENTICATED], [FORBIDDEN]) and field_is_null:
        return codes[0]
    return f"GraphQL errors {codes}"


def presence(value: Any) -> str:
    """DATA for something, NULL for nothing: null, [] or a connection without edges."""
    if value is None or value == [] or (isinstance(value, dict) and value.get("edges") == []):
        return NULL
    return DATA


@dataclass(frozen=True)
class Read:
    """A query; `pick` takes what the row is about out of the operation's field."""

    document: str
    variables: Callable[[Row], dict[str, Any]] = lambda row: {}
    pick: Callable[[Any, Row], Any] = lambda value, row: value

    async def run(self, row: Row) -> Outcome:
        result = await row.execute(self.document, self.variables(row))
        refused = refusal(result, row.operation)
        if refused:
            return refused, result
        return presence(self.pick(result["data"][row.operation], row)), result


@dataclass(frozen=True)
class Listed:
    """A connection: DATA when the wanted node is on one of its pages, NULL when on none."""

    document: str  # takes $after, selects edges { node { id } } pageInfo { hasNextPage endCursor }
    wanted: Callable[[Row], str]

    async def run(self, row: Row) -> Outcome:
        after = None
        while True:
            result = await row.execute(self.document, {"after": after})
            refused = refusal(result, row.operation)
            if refused:
                return refused, result
            connection = result["data"][row.operation]
            if any(edge["node"]["id"] == self.wanted(row) for edge in connection["edges"]):
                return DATA, result
            if not connection["pageInfo"]["hasNextPage"]:
                return NULL, result
            after = connection["pageInfo"]["endCursor"]


@dataclass(frozen=True)
class Write:
    """A mutation with a payload: `prepare` builds the row's objects and returns variables."""

    document: str
    prepare: Callable[[Row], Awaitable[dict[str, Any]]]
    result: str  # the payload's field that carries the result

    async def send(self, row: Row, variables: dict[str, Any]) -> dict[str, Any]:
        return await row.execute(self.document, variables)

    async def run(self, row: Row) -> Outcome:
        response = await self.send(row, await self.prepare(row))
        refused = refusal(response, row.operation)
        if refused:
            return refused, response
        payload = response["data"][row.operation]
        codes = [error["code"] for error in payload["errors"]]
        if not codes:
            return presence(payload[self.result]), response
        if payload[self.result] is not None:
            return f"errors {codes} with a result", response
        if codes == ["NOT_FOUND"]:
            return NULL, response
        return (codes[0] if len(codes) == 1 else f"errors {codes}"), response


@dataclass(frozen=True)
class Login(Write):
    """login from a forwarded address of the matrix's own: the login budget of 127.0.0.1 is
    shared (in Redis, for minutes) by every other test's logins."""

    async def send(self, row: Row, variables: dict[str, Any]) -> dict[str, Any]:
        token = row.client.token_for(row.actor) if row.actor else None
        body = {"query": self.document, "variables": variables}
        forwarded = {"X-Forwarded-For": FORWARDED_FOR}
        response = await row.client.post(body, token=token, headers=forwarded)
        result: dict[str, Any] = response.json()
        return result


@dataclass(frozen=True)
class Logout:
    prepare: Callable[[Row], Awaitable[dict[str, Any]]]
    document = "mutation($token: String!) { logout(refreshToken: $token) }"

    async def run(self, row: Row) -> Outcome:
        result = await row.execute(self.document, await self.prepare(row))
        refused = refusal(result, row.operation)
        if refused:
            return refused, result
        return (DATA if result["data"]["logout"] is True else NULL), result


@dataclass(frozen=True)
class Subscribed:
    """A subscription over graphql-transport-ws: refused at once, or DATA when the first
    event published after it listens reaches the viewer as `check` expects."""

    document: str
    variables: Callable[[Row], dict[str, Any]]
    channel: Callable[[Row], str]
    changes: Callable[[Row], list[Change]]
    check: Callable[[dict[str, Any], Row], str]

    async def run(self, row: Row) -> Outcome:
        services = row.client.services
        token = row.client.token_for(row.actor) if row.actor else None
        async with GraphQLWebSocket(row.client.app) as ws:
            await ws.init(token)
            await ws.subscribe("row", self.document, self.variables(row))
            message = await first_message_or_listening(ws, services, self.channel(row))
            if message is None:
                await listening(services, self.channel(row))
                await services.publish(self.changes(row))
                message = await ws.receive()
        assert message["type"] == "next", message
        payload = message["payload"]
        codes = graphql_codes(payload)
        if codes:
            outcome = {"NOT_FOUND": NULL}.get(codes[0], codes[0]) if len(codes) == 1 else None
            return outcome or f"errors {codes}", payload
        return self.check(payload["data"][row.operation], row), payload


async def first_message_or_listening(
    ws: GraphQLWebSocket, services: Services, channel: str
) -> dict[str, Any] | None:
    """The subscription's first message if it answers at once (a refusal), else None once it
    listens on `channel`."""
    for _ in range(1000):
        if not ws.from_app.empty():
            return await ws.receive()
        if channel in services.broker.fanout.channels():  # type: ignore[attr-defined]
            return None
        await asyncio.sleep(0.005)
    raise AssertionError(f"the subscription neither answered nor listened on {channel}")


Case = Read | Listed | Write | Logout | Subscribed


# ---------------------------------------------------------------- reads


def the_report(row: Row) -> Report:
    w = row.world
    if row.target == "own_report":
        return w.own_reports[row.role]
    return {"report_x": w.report_x, "report_y": w.report_y, "assigned": w.report_assigned}[
        row.target
    ]


# node target -> (the global id to fetch, the field of the node the row is about)
NODE_TARGETS: dict[str, tuple[Callable[[Row], str], str | None]] = {
    "report_x": (lambda r: gid("Report", the_report(r).id), None),
    "report_y": (lambda r: gid("Report", the_report(r).id), None),
    "assigned": (lambda r: gid("Report", the_report(r).id), None),
    "own_report": (lambda r: gid("Report", the_report(r).id), None),
    "voucher": (lambda r: gid("Voucher", r.world.voucher.id), None),
    "entry": (lambda r: gid("PointsEntry", r.world.entries["resident_a"].id), None),
    "signup": (lambda r: gid("EventSignup", r.world.signup.id), None),
    "user": (lambda r: gid("User", r.world.resident_a.user_id), None),
    # the directory rule (community/directory.py): residents see their own grid's staff
    "staff_x": (lambda r: gid("User", r.world.people["grid_member_x"].user_id), None),
    "phone": (lambda r: gid("User", r.world.resident_a.user_id), "phone"),
    "balance": (lambda r: gid("User", r.world.resident_a.user_id), "pointsBalance"),
    "history": (lambda r: gid("User", r.world.resident_a.user_id), "pointsHistory"),
    "vouchers": (lambda r: gid("User", r.world.resident_a.user_id), "vouchers"),
    "merchants": (lambda r: gid("User", r.world.people["merchant_m1"].user_id), "merchants"),
    "self": (lambda r: gid("User", r.me.user_id), "pointsBalance"),
    "merchant": (lambda r: gid("Merchant", r.world.m1.id), None),
    "pending": (lambda r: gid("Merchant", r.world.pending.id), None),
    "offer": (lambda r: gid("Offer", r.world.offer_1.id), None),
    "paused": (lambda r: gid("Offer", r.world.paused_offer.id), None),
    "event": (lambda r: gid("Event", r.world.event.id), None),
    "suggestion": (lambda r: gid("Suggestion", r.world.suggestion.id), None),
    "notice": (lambda r: gid("Notice", r.world.notice.id), None),
    "grid": (lambda r: gid("MicroGrid", r.world.grid_x.id), None),
    "courtyard": (lambda r: gid("Courtyard", r.world.courtyard.id), None),
    "community": (lambda r: gid("Community", r.world.community.id), None),
    "venue": (lambda r: gid("Venue", r.world.hall.id), None),
    "booking": (lambda r: gid("Booking", r.world.booking.id), None),
}
NODE = """
query($id: ID!) {
  node(id: $id) {
    id
    ... on User {
      phone pointsBalance merchants { id }
      pointsHistory { edges { node { id } } } vouchers { edges { node { id } } }
    }
  }
}"""


def node_field(node: dict[str, Any] | None, row: Row) -> Any:
    field = NODE_TARGETS[row.target][1]
    if node is None or field is None:
        return node
    return node[field]


def the_one_node(found: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """nodes([id, unknown, id]): the object twice around a null, or three nulls."""
    assert found[1] is None and found[0] == found[2], found
    return found[0]


def listing(field: str) -> str:
    return (
        f"query($after: String) {{ {field}(first: 100, after: $after) {{ "
        "edges { node { id } } pageInfo { hasNextPage endCursor } } }"
    )


def member(type_name: str, pk: Callable[[Row], int]) -> Callable[[Any, Row], Any]:
    """Pick the object out of a plain list, or nothing."""

    def pick(items: list[dict[str, Any]], row: Row) -> Any:
        wanted = gid(type_name, pk(row))
        return next((item for item in items if item["id"] == wanted), None)

    return pick


READS: dict[str, Case] = {
    "node": Read(NODE, lambda r: {"id": NODE_TARGETS[r.target][0](r)}, node_field),
    "nodes": Read(
        NODE.replace("$id: ID!", "$id: ID!, $other: ID!").replace(
            "node(id: $id)", "nodes(ids: [$id, $other, $id])"
        ),
        lambda r: {"id": NODE_TARGETS[r.target][0](r), "other": gid("Report", 2**31 - 1)},
        lambda value, row: node_field(the_one_node(value), row),
    ),
    "me": Read("{ me { id phone pointsBalance } }"),
    "community": Read("{ community { id name } }"),
    "microGrids": Read("{ microGrids { id } }"),
    "reports": Listed(listing("reports"), lambda r: gid("Report", the_report(r).id)),
    "events": Listed(listing("events"), lambda r: gid("Event", r.world.event.id)),
    "suggestions": Listed(
        listing("suggestions"), lambda r: gid("Suggestion", r.world.suggestion.id)
    ),
    "notices": Listed(listing("notices"), lambda r: gid("Notice", r.world.notice.id)),
    "serviceLevels": Read("{ serviceLevels { category hours } }"),
    "offers": Listed(
        listing("offers"),
        lambda r: gid(
            "Offer", (r.world.paused_offer if r.target == "paused" else r.world.offer_1).id
        ),
    ),
    "merchants": Read(
        "{ merchants { id } }",
        pick=member(
            "Merchant", lambda r: (r.world.pending if r.target == "pending" else r.world.m1).id
        ),
    ),
    "earningRules": Read("{ earningRules { reason points } }"),
    "venues": Read("{ venues { id } }", pick=member("Venue", lambda r: r.world.hall.id)),
    "venueSlots": Read(
        "query($id: ID!, $day: Date!) { venueSlots(venueId: $id, date: $day) { state } }",
        lambda r: {"id": gid("Venue", r.world.hall.id), "day": tomorrow_at(0).date().isoformat()},
    ),
    "myBookings": Listed(
        listing("myBookings"),
        lambda r: gid(
            "Booking",
            (r.world.own_bookings[r.role] if r.target == "own" else r.world.booking).id,
        ),
    ),
    "bookingsAwaitingApproval": Listed(
        listing("bookingsAwaitingApproval"), lambda r: gid("Booking", r.world.request.id)
    ),
    "settlement": Read(
        "query($id: ID!, $from: DateTime!, $to: DateTime!) { "
        "settlement(merchantId: $id, periodStart: $from, periodEnd: $to) { issued settled } }",
        lambda r: statement_period(r),
    ),
    "merchantStatement": Read(
        "query($id: ID!) { merchantStatement(merchantId: $id) { open { usedPoints } } }",
        lambda r: {"id": gid("Merchant", merchant_for(r).id)},
    ),
    "pointsPolicy": Read("{ pointsPolicy { expiryRule } }"),
    "treasury": Read("{ treasury { poolBalance liability total { issued } } }"),
    "earningRuleVersions": Read(
        "{ earningRuleVersions(reason: REPORT_VERIFIED) { version points } }"
    ),
}


# ---------------------------------------------------------------- mutations

Prepare = Callable[[Row], Awaitable[dict[str, Any]]]


def mutation(signature: str, call: str, result: str, prepare: Prepare) -> Write:
    """`mutation<signature> { <call> { <result> { ... } errors { code field } } }`"""
    scalar = {
        "serviceLevels": "category",
        "rule": "reason",
        "funding": "amount",
        "policy": "expiryRule",
        "closure": "reason",
    }.get(result, "id")
    document = (
        f"mutation{signature} {{ {call} {{ {result} {{ {scalar} }} errors {{ code field }} }} }}"
    )
    return Write(document, prepare, result)


async def nothing(row: Row) -> dict[str, Any]:
    return {}


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def someone(row: Row) -> Actor:
    """The row's own user for the `self` target, else a stranger."""
    return row.me if row.target == "self" else await row.world.stranger()


# identity and the grid tree


async def registration(row: Row) -> dict[str, Any]:
    grid = gid("MicroGrid", row.world.grid_x.id)
    return {"phone": new_phone(), "password": PASSWORD, "name": "Newcomer", "grid": grid}


async def credentials(row: Row) -> dict[str, Any]:
    """valid: the row's own phone and password (resident A's for anonymous callers)."""
    user = await User.get(id=(row.actor or row.world.resident_a).user_id)
    password = PASSWORD if row.target == "valid" else "not the password"
    return {"phone": user.phone, "password": password}


async def refresh_token(row: Row) -> dict[str, Any]:
    if row.target == "invalid":
        return {"token": "not-a-refresh-token"}
    user = row.actor or row.world.resident_a
    return {"token": await sessions.issue_refresh_token(user_id=user.user_id, days=1)}


async def grant(row: Row) -> dict[str, Any]:
    return {"user": gid("User", (await someone(row)).user_id), "role": "COMMUNITY_ADMIN"}


async def move_home(row: Row) -> dict[str, Any]:
    user = await someone(row)
    return {"user": gid("User", user.user_id), "grid": gid("MicroGrid", row.world.grid_y.id)}


# reports


async def report_for(row: Row, upto: ReportStatus) -> Report:
    """own: the row's user's report in grid X; grid_x / grid_y: a resident's report in that
    grid; overdue: own, past due; assigned: dispatched to the row's user; dispute: a dispute
    a grid member accepted; resolver: resolved by the row's user."""
    w, a = row.world, row.world.resident_a
    match row.target:
        case "own":
            return await w.report(row.me, w.grid_x, upto)
        case "overdue":
            return await w.report(row.me, w.grid_x, upto, overdue=True)
        case "grid_x":
            return await w.report(a, w.grid_x, upto)
        case "grid_y":
            return await w.report(w.resident_b, w.grid_y, upto)
        case "assigned":
            return await w.report(a, w.grid_x, S.DISPATCHED, assignee=row.me)
        case "dispute":
            return await w.report(a, w.grid_x, S.ACCEPTED, category=ReportCategory.DISPUTE)
        case "resolver" if row.me.is_admin:
            return await w.report(a, w.grid_x, S.RESOLVED, resolver=row.me)
        case "resolver":
            return await w.report(a, w.grid_x, S.RESOLVED, assignee=row.me)
    raise AssertionError(row.target)


def report_step(operation: str, upto: ReportStatus) -> Write:
    async def prepare(row: Row) -> dict[str, Any]:
        return {"id": gid("Report", (await report_for(row, upto)).id), "note": "Done"}

    call = f"{operation}(input: {{reportId: $id, note: $note}})"
    return mutation("($id: ID!, $note: String)", call, "report", prepare)


async def dispatch(row: Row) -> dict[str, Any]:
    report = await report_for(row, S.ACCEPTED)
    return {"id": gid("Report", report.id), "to": gid("User", row.world.manager.user_id)}


# events, suggestions, notices


async def event_input(row: Row) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=2)
    return {
        "input": {
            "title": "Tai chi",
            "description": "Mornings",
            "location": "Square",
            "startsAt": iso(starts),
            "endsAt": iso(starts + timedelta(hours=1)),
            "capacity": 10,
            "pointsReward": 5,
        }
    }


async def open_event(row: Row) -> dict[str, Any]:
    event = await row.world.event_by(row.world.worker)
    if row.target == "signed_up":
        await events.sign_up(actor=row.me, event_id=event.id)
    return {"id": gid("Event", event.id)}


async def attendance(row: Row) -> dict[str, Any]:
    """own: at the row's user's event; other: resident A at the grid worker's event; self:
    the row's user at the grid worker's event."""
    w = row.world
    event = await w.event_by(row.me if row.target == "own" else w.worker)
    attendee = row.me if row.target == "self" else w.resident_a
    await events.sign_up(actor=attendee, event_id=event.id)
    return {"event": gid("Event", event.id), "user": gid("User", attendee.user_id)}


async def suggestion_to_review(row: Row) -> dict[str, Any]:
    author = row.me if row.target == "own" else row.world.resident_a
    found = await suggestions.submit_suggestion(actor=author, title="Shade", body="Plant trees")
    return {"id": gid("Suggestion", found.id)}


# points, merchants, offers, vouchers


def merchant_for(row: Row) -> Merchant:
    """own: the merchant the row's role operates; other: one it does not."""
    if row.target == "own":
        merchant = row.world.merchant_of(row.role)
        assert merchant is not None
        return merchant
    return row.world.other_merchant(row.role)


async def adjustment(row: Row) -> dict[str, Any]:
    return {"user": gid("User", (await someone(row)).user_id), "key": unique("adjust")}


async def merchant_name(row: Row) -> dict[str, Any]:
    return {"name": unique("Tea House")}


async def merchant_to_approve(row: Row) -> dict[str, Any]:
    owner = row.me if row.target == "own" else await row.world.stranger()
    return {"id": gid("Merchant", (await row.world.pending_merchant(owner)).id)}


async def merchant_to_suspend(row: Row) -> dict[str, Any]:
    owner = row.me if row.target == "own" else await row.world.stranger()
    return {"id": gid("Merchant", (await row.world.active_merchant(owner)).id)}


async def new_offer(row: Row) -> dict[str, Any]:
    merchant = gid("Merchant", merchant_for(row).id)
    return {
        "input": {
            "merchantId": merchant,
            "title": "Noodles",
            "description": "A bowl",
            "pointsPrice": 10,
            "stock": 1,
        }
    }


async def offer_to_update(row: Row) -> dict[str, Any]:
    return {"id": gid("Offer", (await row.world.offer(merchant_for(row))).id)}


async def offer_to_redeem(row: Row) -> dict[str, Any]:
    offer = row.world.offer_of(merchant_for(row))
    if row.actor is not None:
        await row.world.fund(row.actor, offer.points_price)
    return {"id": gid("Offer", offer.id), "key": unique("redeem")}


async def voucher_to_cancel(row: Row) -> dict[str, Any]:
    w = row.world
    holder = row.me if row.target == "own" else w.resident_a
    voucher = await w.voucher_for(holder, w.offer_of(w.other_merchant(row.role)))
    return {"id": gid("Voucher", voucher.id)}


async def voucher_to_use(row: Row) -> dict[str, Any]:
    w = row.world
    voucher = await w.voucher_for(w.resident_a, w.offer_of(merchant_for(row)))
    return {"code": voucher.code}


def statement_period(row: Row) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": gid("Merchant", merchant_for(row).id),
        "from": iso(now - timedelta(days=1)),
        "to": iso(now + timedelta(days=1)),
    }


async def funding_key(row: Row) -> dict[str, Any]:
    return {"key": unique("fund")}


async def settlement_to_make(row: Row) -> dict[str, Any]:
    """A moment just past, so each row settles a period of its own (or is refused first)."""
    return {
        "id": gid("Merchant", merchant_for(row).id),
        "end": iso(datetime.now(UTC) - timedelta(microseconds=next(SETTLED_MICROS))),
        "ref": unique("BANK"),
    }


SETTLED_MICROS = itertools.count(1)


async def courtyard_name(row: Row) -> dict[str, Any]:
    return {"name": unique("Courtyard")}


async def grid_name(row: Row) -> dict[str, Any]:
    return {"courtyard": gid("Courtyard", row.world.courtyard.id), "name": unique("Grid")}


async def the_grid(row: Row) -> dict[str, Any]:
    return {"grid": gid("MicroGrid", row.world.grid_x.id)}


async def fresh_event(row: Row) -> dict[str, Any]:
    return {"id": gid("Event", (await row.world.event_by(row.world.worker)).id)}


# venues and bookings


def venue_terms(row: Row) -> dict[str, Any]:
    return {
        "input": {
            "name": unique("Hall"),
            "location": "Building 2",
            "capacity": 10,
            "slotMinutes": 30,
            "maxBookingMinutes": 120,
            "advanceDays": 7,
            "minNoticeMinutes": 60,
            "cancelDeadlineMinutes": 60,
            "checkInMinutes": 15,
            "openingHours": [{"weekday": "MONDAY", "opens": "08:00", "closes": "22:00"}],
            "audiences": ["RESIDENT"],
        }
    }


async def new_venue_terms(row: Row) -> dict[str, Any]:
    return venue_terms(row)


async def venue_to_change(row: Row) -> dict[str, Any]:
    return {"id": gid("Venue", (await row.world.venue()).id)}


async def venue_to_close(row: Row) -> dict[str, Any]:
    starts = tomorrow_at(0)
    return {
        "id": gid("Venue", (await row.world.venue()).id),
        "from": iso(starts),
        "to": iso(starts + timedelta(days=1)),
    }


AUDIENCE_OF_ROOM = {
    "open": VenueAudience.RESIDENT,
    "staff_room": VenueAudience.GRID_STAFF,
    "shop_room": VenueAudience.MERCHANT,
}


async def room_to_book(row: Row) -> dict[str, Any]:
    venue = await row.world.venue(audiences=frozenset({AUDIENCE_OF_ROOM[row.target]}))
    starts = tomorrow_at(10)
    return {
        "id": gid("Venue", venue.id),
        "from": iso(starts),
        "to": iso(starts + timedelta(hours=1)),
    }


async def request_to_decide(row: Row) -> dict[str, Any]:
    """own: the row's twin's request; other: resident A's."""
    booker = row.me if row.target == "own" else row.world.resident_a
    venue = await row.world.venue(requires_approval=True)
    return {"id": gid("Booking", (await row.world.booking_by(booker, venue)).id)}


async def booking_to_cancel(row: Row) -> dict[str, Any]:
    booker = row.me if row.target == "own" else row.world.resident_a
    return {"id": gid("Booking", (await row.world.booking_by(booker)).id)}


async def booking_to_check_in(row: Row) -> dict[str, Any]:
    """own: the row's twin's, starting at the next half hour, with the venue's code; other:
    resident A's, without a code (only staff check others in)."""
    booker = row.me if row.target == "own" else row.world.resident_a
    venue = await row.world.venue()
    booking = await row.world.booking_by(booker, venue, next_half_hour())
    code = venue.check_in_code if row.target == "own" else None
    return {"id": gid("Booking", booking.id), "code": code}


AUTH = "{ accessToken errors { code field } }"
WRITES: dict[str, Case] = {
    "register": Write(
        "mutation($phone: String!, $password: String!, $name: String!, $grid: ID) {"
        " register(input: {phone: $phone, password: $password, displayName: $name,"
        f" homeGridId: $grid}}) {AUTH} }}",
        registration,
        "accessToken",
    ),
    "login": Login(
        "mutation($phone: String!, $password: String!) {"
        f" login(input: {{phone: $phone, password: $password}}) {AUTH} }}",
        credentials,
        "accessToken",
    ),
    "refreshToken": Write(
        f"mutation($token: String!) {{ refreshToken(refreshToken: $token) {AUTH} }}",
        refresh_token,
        "accessToken",
    ),
    "logout": Logout(refresh_token),
    "createCourtyard": mutation(
        "($name: String!)", "createCourtyard(input: {name: $name})", "courtyard", courtyard_name
    ),
    "createMicroGrid": mutation(
        "($courtyard: ID!, $name: String!)",
        "createMicroGrid(input: {courtyardId: $courtyard, name: $name})",
        "microGrid",
        grid_name,
    ),
    "grantRole": mutation(
        "($user: ID!, $role: Role!)",
        "grantRole(input: {userId: $user, role: $role})",
        "user",
        grant,
    ),
    "setHomeGrid": mutation(
        "($user: ID!, $grid: ID!)",
        "setHomeGrid(input: {userId: $user, microGridId: $grid})",
        "user",
        move_home,
    ),
    "submitReport": mutation(
        "($grid: ID!)",
        'submitReport(input: {category: OTHER, description: "Pothole", microGridId: $grid})',
        "report",
        the_grid,
    ),
    "acceptReport": report_step("acceptReport", S.SUBMITTED),
    "dispatchReport": mutation(
        "($id: ID!, $to: ID!)",
        "dispatchReport(input: {reportId: $id, assigneeId: $to})",
        "report",
        dispatch,
    ),
    "resolveReport": report_step("resolveReport", S.DISPATCHED),
    "resolveReportWithPhotos": report_step("resolveReportWithPhotos", S.DISPATCHED),
    "verifyReport": report_step("verifyReport", S.RESOLVED),
    "rejectReport": report_step("rejectReport", S.SUBMITTED),
    "escalateReport": report_step("escalateReport", S.SUBMITTED),
    "withdrawReport": report_step("withdrawReport", S.SUBMITTED),
    "setServiceLevel": mutation(
        "", "setServiceLevel(input: {category: NOISE, hours: 24})", "serviceLevels", nothing
    ),
    "createEvent": mutation(
        "($input: CreateEventInput!)", "createEvent(input: $input)", "event", event_input
    ),
    "signUpForEvent": mutation("($id: ID!)", "signUpForEvent(eventId: $id)", "signup", fresh_event),
    "cancelEventSignup": mutation(
        "($id: ID!)", "cancelEventSignup(eventId: $id)", "signup", open_event
    ),
    "checkInAttendee": mutation(
        "($event: ID!, $user: ID!)",
        "checkInAttendee(input: {eventId: $event, userId: $user})",
        "signup",
        attendance,
    ),
    "submitSuggestion": mutation(
        "",
        'submitSuggestion(input: {title: "Shade", body: "Plant trees"})',
        "suggestion",
        nothing,
    ),
    "reviewSuggestion": mutation(
        "($id: ID!)",
        "reviewSuggestion(input: {suggestionId: $id, decision: ADOPT})",
        "suggestion",
        suggestion_to_review,
    ),
    "publishNotice": mutation(
        "",
        'publishNotice(input: {kind: POLICY, title: "Quiet hours", body: "22:00 to 7:00"})',
        "notice",
        nothing,
    ),
    "setEarningRule": mutation(
        "", "setEarningRule(input: {reason: REPORT_VERIFIED, points: 10})", "rule", nothing
    ),
    "adjustPoints": mutation(
        "($user: ID!, $key: String!)",
        'adjustPoints(input: {userId: $user, amount: 5, memo: "Matrix", idempotencyKey: $key})',
        "entry",
        adjustment,
    ),
    "registerMerchant": mutation(
        "($name: String!)",
        'registerMerchant(input: {name: $name, category: "Food", address: "9 Road"})',
        "merchant",
        merchant_name,
    ),
    "approveMerchant": mutation(
        "($id: ID!)", "approveMerchant(merchantId: $id)", "merchant", merchant_to_approve
    ),
    "suspendMerchant": mutation(
        "($id: ID!)", "suspendMerchant(merchantId: $id)", "merchant", merchant_to_suspend
    ),
    "createOffer": mutation(
        "($input: CreateOfferInput!)", "createOffer(input: $input)", "offer", new_offer
    ),
    "updateOffer": mutation(
        "($id: ID!)",
        'updateOffer(input: {offerId: $id, title: "Renamed"})',
        "offer",
        offer_to_update,
    ),
    "redeemOffer": mutation(
        "($id: ID!, $key: String!)",
        "redeemOffer(input: {offerId: $id, idempotencyKey: $key})",
        "voucher",
        offer_to_redeem,
    ),
    "cancelVoucher": mutation(
        "($id: ID!)", "cancelVoucher(voucherId: $id)", "voucher", voucher_to_cancel
    ),
    "useVoucher": mutation(
        "($code: String!)", "useVoucher(input: {code: $code})", "voucher", voucher_to_use
    ),
    "fundPool": mutation(
        "($key: String!)",
        'fundPool(input: {amount: 100, memo: "Matrix grant", idempotencyKey: $key})',
        "funding",
        funding_key,
    ),
    "setPointsPolicy": mutation(
        "", "setPointsPolicy(input: {expiryRule: NEVER})", "policy", nothing
    ),
    "settleMerchant": mutation(
        "($id: ID!, $end: DateTime!, $ref: String!)",
        "settleMerchant(input: {merchantId: $id, periodEnd: $end, reference: $ref})",
        "settlement",
        settlement_to_make,
    ),
    "createVenue": mutation(
        "($input: CreateVenueInput!)", "createVenue(input: $input)", "venue", new_venue_terms
    ),
    "updateVenue": mutation(
        "($id: ID!)", "updateVenue(input: {venueId: $id, capacity: 12})", "venue", venue_to_change
    ),
    "closeVenue": mutation(
        "($id: ID!, $from: DateTime!, $to: DateTime!)",
        'closeVenue(input: {venueId: $id, startsAt: $from, endsAt: $to, reason: "Repairs"})',
        "closure",
        venue_to_close,
    ),
    "bookVenue": mutation(
        "($id: ID!, $from: DateTime!, $to: DateTime!)",
        "bookVenue(input: {venueId: $id, startsAt: $from, endsAt: $to, partySize: 2,"
        ' purpose: "Matrix"})',
        "booking",
        room_to_book,
    ),
    "approveBooking": mutation(
        "($id: ID!)", "approveBooking(bookingId: $id)", "booking", request_to_decide
    ),
    "rejectBooking": mutation(
        "($id: ID!)",
        'rejectBooking(input: {bookingId: $id, reason: "Reserved"})',
        "booking",
        request_to_decide,
    ),
    "cancelBooking": mutation(
        "($id: ID!)", "cancelBooking(input: {bookingId: $id})", "booking", booking_to_cancel
    ),
    "checkInBooking": mutation(
        "($id: ID!, $code: String)",
        "checkInBooking(input: {bookingId: $id, code: $code})",
        "booking",
        booking_to_check_in,
    ),
}


# ---------------------------------------------------------------- subscriptions


def report_channel(row: Row) -> str:
    return f"{REPORT_TOPIC}:{the_report(row).id}"


def the_report_again(data: dict[str, Any] | None, row: Row) -> str:
    wanted = gid("Report", the_report(row).id)
    return DATA if data and data["id"] == wanted else f"another report: {data}"


def points_channel(row: Row) -> str:
    return f"{POINTS_TOPIC}:{row.actor.user_id if row.actor else 0}"


def someone_elses_then_own_entry(row: Row) -> list[Change]:
    """On the viewer's own channel, first another wallet's entry, then their own."""
    entries = row.world.entries
    other = entries["resident_b" if row.role == "resident_a" else "resident_a"]
    own = entries[row.role]
    return [Change(POINTS_TOPIC, row.me.user_id, entry.id) for entry in (other, own)]


def own_entry_only(data: dict[str, Any] | None, row: Row) -> str:
    own = gid("PointsEntry", row.world.entries[row.role].id)
    if data and data["id"] == own:
        return DATA
    return f"an entry that is not the viewer's: {data}"


def expiry_channel(row: Row) -> str:
    return f"{EXPIRY_TOPIC}:{row.actor.user_id if row.actor else 0}"


def expiring_list(data: Any, row: Row) -> str:
    return DATA if isinstance(data, list) else f"not the viewer's list: {data}"


def someone_elses_then_own_booking(row: Row) -> list[Change]:
    """On the viewer's own channel, first another person's booking, then their own."""
    own = row.world.own_bookings[row.role]
    other = row.world.own_bookings["resident_b" if row.role == "resident_a" else "resident_a"]
    return [Change(BOOKING_TOPIC, row.me.user_id, booking.id) for booking in (other, own)]


def own_booking_only(data: dict[str, Any] | None, row: Row) -> str:
    own = gid("Booking", row.world.own_bookings[row.role].id)
    return DATA if data and data["id"] == own else f"a booking that is not the viewer's: {data}"


SUBSCRIPTIONS: dict[str, Case] = {
    "reportUpdated": Subscribed(
        "subscription($id: ID!) { reportUpdated(reportId: $id) { id status } }",
        lambda row: {"id": gid("Report", the_report(row).id)},
        report_channel,
        lambda row: [Change(REPORT_TOPIC, the_report(row).id, the_report(row).id)],
        the_report_again,
    ),
    "pointsChanged": Subscribed(
        "subscription { pointsChanged { id amount } }",
        lambda row: {},
        points_channel,
        someone_elses_then_own_entry,
        own_entry_only,
    ),
    "pointsExpiring": Subscribed(
        "subscription { pointsExpiring { points message } }",
        lambda row: {},
        expiry_channel,
        lambda row: [Change(EXPIRY_TOPIC, row.me.user_id, row.me.user_id)],
        expiring_list,
    ),
    "bookingUpdated": Subscribed(
        "subscription { bookingUpdated { id status } }",
        lambda row: {},
        lambda row: f"{BOOKING_TOPIC}:{row.actor.user_id if row.actor else 0}",
        someone_elses_then_own_booking,
        own_booking_only,
    ),
}
CASES: dict[str, Case] = {**READS, **WRITES, **SUBSCRIPTIONS}
