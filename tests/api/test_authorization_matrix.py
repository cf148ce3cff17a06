"""The authorization matrix: every operation of the served schema × every role × own and other
objects → the one outcome it must have, over HTTP with real tokens.

The operations are read from the served schema: an operation with no row for a role fails
(`<operation>-<role>-MISSING`), so a new query, mutation or subscription cannot ship without
deciding who may use it. There is no list of excused rows: a row the code does not meet fails.

Outcomes (as written in MATRIX):

    DATA     a non-null result; for a mutation, its payload with `errors: []`
    NULL     null, an empty list or connection, or a NOT_FOUND payload error: nothing revealed
    FORBID   a GraphQL error with extensions.code FORBIDDEN, the field null
    UNAUTH   a GraphQL error with extensions.code UNAUTHENTICATED, the field null
    BADCRED  the payload error INVALID_CREDENTIALS
    UNUSABL  the payload error VOUCHER_NOT_USABLE
    -        no such row (anonymous callers own nothing; some targets exist for some roles only)

Targets: own / own_report / self are the caller's own (report, voucher, merchant, suggestion,
user); other is someone else's; report_x is resident A's report in grid X, report_y resident
B's in grid Y, grid_x / grid_y such a report built for the row; assigned is dispatched to the
property manager (reads) or to the caller (writes); resolver was resolved by the caller; node's
other targets name resident A's objects and fields (voucher, entry, signup, phone, balance ...)
and the world's merchants, offers, event, suggestion, notice and grid tree.

Reads run as the people of tests/api/matrix_world.py against its objects; each mutation runs as
a twin of the role (same roles, grids and merchants) against objects built for that row, so no
row changes what another sees. The later tests check that an object reached through a relation
is what node(id) gives the same viewer, and that private fields stay private on every path.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import graphql
import pytest

from community import events, passwords, sessions, suggestions
from gateway.services import Services
from marketplace.expiry import EXPIRY_TOPIC
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, ReportStatus, VenueAudience
from models.market import Merchant
from models.outbox import BOOKING_TOPIC, POINTS_TOPIC, REPORT_TOPIC, Change
from models.people import User
from resolvers.ids import global_id
from schema.root import build_schema
from tests.api.client import GraphQLClient, make_client
from tests.api.matrix_world import (
    PASSWORD,
    PEOPLE,
    QUICK_HASHER,
    ROLES,
    World,
    build_world,
    new_phone,
    next_half_hour,
    tomorrow_at,
    unique,
)
from tests.api.test_subscriptions import GraphQLWebSocket, listening
from tests.dbsetup import TEST_REDIS_URL, truncate_all

S = ReportStatus
# Where the matrix's logins come from: not the address every other test's logins count against.
FORWARDED_FOR = f"198.51.100.{random.randrange(1, 255)}"

MATRIX = """
# operation
#   target    anon    res_a   res_b   mem_x   mem_y   worker  manager m1      m2      admin

# ------------------------------------------------------------------- queries
node
  report_x    NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    NULL    DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  voucher     NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  entry       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  signup      NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
  user        NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  staff_x     NULL    DATA    DATA    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  phone       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  balance     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  history     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  vouchers    NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  merchants   NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  self        -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  merchant    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  event       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  suggestion  NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  notice      NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid        DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  courtyard   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  community   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  venue       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  booking     NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
nodes
  report_x    NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  voucher     NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  entry       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  signup      NULL    DATA    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
  user        NULL    DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  staff_x     NULL    DATA    DATA    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  merchant    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  event       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  suggestion  NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  notice      NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid        DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  courtyard   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  community   DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
me
  self        NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
community
  any         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
microGrids
  any         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
reports
  report_x    UNAUTH  DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    UNAUTH  NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    UNAUTH  DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
events
  event       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
suggestions
  suggestion  UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
notices
  notice      UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
serviceLevels
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
offers
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
merchants
  merchant    UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
earningRules
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
venues
  venue       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
venueSlots
  venue       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
myBookings
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  booking     UNAUTH  DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
bookingsAwaitingApproval
  request     UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA

# ------------------------------------------------------------------- mutations
register
  new         DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
login
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED
refreshToken
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED BADCRED
logout
  valid       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  invalid     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
createCourtyard
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createMicroGrid
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
grantRole
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
setHomeGrid
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
submitReport
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
acceptReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
dispatchReport
  own         -       FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    DATA    NULL    NULL    NULL    DATA
resolveReport
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       DATA    -       -       -
  dispute     UNAUTH  NULL    NULL    DATA    NULL    FORBID  NULL    NULL    NULL    DATA
resolveReportWithPhotos
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       DATA    -       -       -
  dispute     UNAUTH  NULL    NULL    DATA    NULL    FORBID  NULL    NULL    NULL    DATA
verifyReport
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    DATA    NULL    NULL    NULL    DATA
  resolver    -       -       -       FORBID  -       -       FORBID  -       -       FORBID
rejectReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
withdrawReport
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    FORBID  NULL    NULL    NULL    DATA
escalateReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  overdue     -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       FORBID  -       -       -
setServiceLevel
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createEvent
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  DATA    DATA    DATA
signUpForEvent
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
cancelEventSignup
  signed_up   -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  not_signed  UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
checkInAttendee
  own         -       -       -       -       -       DATA    -       DATA    DATA    DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
submitSuggestion
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
reviewSuggestion
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
publishNotice
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
setEarningRule
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
adjustPoints
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
registerMerchant
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
approveMerchant
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
suspendMerchant
  own         -       -       -       -       -       -       -       FORBID  FORBID  -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
updateOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
redeemOffer
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
cancelVoucher
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
useVoucher
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  UNUSABL UNUSABL FORBID
settlement
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
merchantStatement
  own         -       -       -       -       -       -       -       DATA    DATA    -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
pointsPolicy
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
treasury
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
earningRuleVersions
  any         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
fundPool
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
setPointsPolicy
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
settleMerchant
  own         -       -       -       -       -       -       -       FORBID  FORBID  -
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
updateVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
closeVenue
  any         UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
bookVenue
  open        UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  staff_room  UNAUTH  FORBID  FORBID  DATA    DATA    DATA    FORBID  FORBID  FORBID  DATA
  shop_room   UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA    DATA    DATA
approveBooking
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
rejectBooking
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
cancelBooking
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  NULL    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA
checkInBooking
  own         -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  other       UNAUTH  NULL    NULL    NULL    NULL    DATA    NULL    NULL    NULL    DATA

# ------------------------------------------------------------------- subscriptions
reportUpdated
  report_x    UNAUTH  DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    UNAUTH  NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    UNAUTH  DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
pointsChanged
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
pointsExpiring
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
bookingUpdated
  own         UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
"""

DATA, NULL, FORBIDDEN, UNAUTHENTICATED = "DATA", "NULL", "FORBIDDEN", "UNAUTHENTICATED"
OUTCOMES = {
    "DATA": DATA,
    "NULL": NULL,
    "FORBID": FORBIDDEN,
    "UNAUTH": UNAUTHENTICATED,
    "BADCRED": "INVALID_CREDENTIALS",
    "UNUSABL": "VOUCHER_NOT_USABLE",
}


def parse(table: str) -> dict[tuple[str, str, str], str]:
    """(operation, role, target) -> outcome, in the table's order."""
    rows: dict[tuple[str, str, str], str] = {}
    operation = None
    for line in table.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            operation = line.strip()
            continue
        target, *cells = line.split()
        assert operation is not None and len(cells) == len(ROLES), line
        for role, cell in zip(ROLES, cells, strict=True):
            if cell != "-":
                rows[(operation, role, target)] = OUTCOMES[cell]
    return rows


EXPECTED = parse(MATRIX)


@cache
def served_operations() -> dict[str, str]:
    """Every root field of the served SDL -> query, mutation or subscription."""
    sdl = graphql.build_schema(build_schema().as_str())
    roots = {
        "query": sdl.query_type,
        "mutation": sdl.mutation_type,
        "subscription": sdl.subscription_type,
    }
    return {name: kind for kind, root in roots.items() if root for name in root.fields}


def row_id(operation: str, role: str, target: str) -> str:
    return f"{operation}-{role}-{target}"


def matrix_rows(operations: Iterable[str] | None = None) -> list[Any]:
    """One test per (served operation, role, target); a missing role is a failing row."""
    rows = []
    for operation in served_operations() if operations is None else operations:
        for role in ROLES:
            targets = [t for (o, r, t) in EXPECTED if (o, r) == (operation, role)]
            if not targets:
                missing = row_id(operation, role, "MISSING")
                rows.append(pytest.param(operation, role, None, None, id=missing))
            for target in targets:
                name = row_id(operation, role, target)
                expected = EXPECTED[(operation, role, target)]
                rows.append(pytest.param(operation, role, target, expected, id=name))
    return rows


# ---------------------------------------------------------------- one world for the module


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """The matrix shares one world (see `world`) instead of emptying the database per test."""


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GraphQLClient]:
    """The real app for the whole module. Limits are scaled up, and logins come from their own
    forwarded addresses, so the matrix never spends the budgets other tests count on."""
    app = make_client(
        tmp_path_factory.mktemp("matrix") / "media",
        redis_url=TEST_REDIS_URL,
        rate_limit_scale=100.0,
        trusted_proxies=("127.0.0.1/32",),
    )
    yield app
    await app.services.close()


@pytest.fixture(scope="module")
def quick_password_hashing() -> Iterator[None]:
    """register hashes with test-strength argon2id here (see matrix_world.QUICK_HASHER)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", QUICK_HASHER)
        yield


@pytest.fixture(scope="module")
async def world(database_url: str, client: GraphQLClient, quick_password_hashing: None) -> World:
    await truncate_all()
    return await build_world(client.services.settings.media_dir)


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


# ---------------------------------------------------------------- the matrix


def test_every_row_names_a_served_operation_and_a_case() -> None:
    served = served_operations()
    assert sorted({operation for operation, _, _ in EXPECTED} - set(served)) == []
    assert sorted(set(served) - set(CASES)) == []
    assert sorted(set(CASES) - set(served)) == []
    # A report is seen alike by id, in the list and by subscription (anonymous callers get
    # null from node, which never refuses, and UNAUTHENTICATED from the other two).
    for role in PEOPLE:
        for target in ("report_x", "report_y", "assigned", "own_report"):
            seen = {EXPECTED[(op, role, target)] for op in ("node", "reports", "reportUpdated")}
            assert len(seen) == 1, (role, target, seen)
    assert {"node", "redeemOffer", "reportUpdated"} <= set(served)


def test_an_operation_without_rows_fails_for_every_role() -> None:
    rows = matrix_rows([*served_operations(), "newOperation"])
    missing = [row.id for row in rows if row.values[2] is None]
    assert missing == [f"newOperation-{role}-MISSING" for role in ROLES]


@pytest.mark.parametrize(("operation", "role", "target", "expected"), matrix_rows())
async def test_authorization_matrix(
    client: GraphQLClient,
    world: World,
    operation: str,
    role: str,
    target: str | None,
    expected: str | None,
) -> None:
    assert target is not None and expected is not None, (
        f"{operation} is served but MATRIX has no row for {role}: decide what it may do"
    )
    assert operation in CASES, f"{operation} has rows but no case to run them"
    person = world.people.get(role)
    writes = served_operations()[operation] == "mutation"
    actor = await world.twin(role) if writes and person is not None else person
    row = Row(client, world, operation, role, target, actor)
    observed, response = await CASES[operation].run(row)
    assert observed == expected, f"{row_id(operation, role, target)}: {response}"


# ---------------------------------------------------------------- the same rules through relations

# What each type shows a viewer, selected alike wherever an object is met. Relations are
# followed under aliases, so they never collide with these fields.
FRAGMENTS = {
    "User": "id displayName phone pointsBalance roles merchants { id }"
    " pointsHistory(first: 1) { edges { node { id } } }"
    " vouchers(first: 1) { edges { node { id } } }",
    "Person": "id displayName phone pointsBalance",  # a User where lists would cost too much
    "Report": "id status description pointsAwarded",
    "Voucher": "id code qrPayload status pointsSpent",
    "PointsEntry": "id amount reason balanceAfter",
    "EventSignup": "id status",
    "Event": "id title confirmedCount",
    "Suggestion": "id title status",
    "Notice": "id title",
    "Merchant": "id name status",
    "Offer": "id title status remaining",
    "MicroGrid": "id name residentCount",
    "Courtyard": "id name partyBranch",
    "Community": "id name",
    "Booking": "id status startsAt purpose",
    "Venue": "id name checkInCode",
}
TYPE_OF = {name: name for name in FRAGMENTS} | {"Person": "User"}

# Every relation of the schema that leads to an object, from every root a viewer can start at.
RELATIONS: dict[str, str] = {
    "me": """{ me { ...User
        home: homeGrid { ...MicroGrid } grids: assignedGrids { ...MicroGrid }
        operated: merchants { ...Merchant }
        history: pointsHistory(first: 10) { edges { node { ...PointsEntry } } }
        held: vouchers(first: 10) { edges { node { ...Voucher
          offer { ...Offer merchant { ...Merchant } } holder { ...User } } } } } }""",
    "the grid tree": """{ community { ...Community courtyards { ...Courtyard
        community { ...Community } microGrids { ...MicroGrid courtyard { ...Courtyard } } } } }""",
    "micro-grids": """{ microGrids { ...MicroGrid gridMembers { ...Person
        home: homeGrid { ...MicroGrid } grids: assignedGrids { ...MicroGrid } } } }""",
    "reports": """{ reports(first: 10) { edges { node { ...Report microGrid { ...MicroGrid }
        reporter { ...User } assignee { ...User } timeline { actor { ...Person } } } } } }""",
    "events": """{ events(first: 10) { edges { node { ...Event organizer { ...User }
        viewerSignup { ...EventSignup user { ...User } event { ...Event } } } } } }""",
    "suggestions and notices": """{
      suggestions(first: 10) { edges { node { ...Suggestion author { ...User } } } }
      notices(first: 10) { edges { node { ...Notice author { ...User } } } } }""",
    "offers": """{ offers(first: 10) { edges { node { ...Offer merchant { ...Merchant
        offers(first: 10) { edges { node { ...Offer } } } } } } } }""",
    "merchants": """{ merchants { ...Merchant offers(first: 10) { edges { node { ...Offer } } }
        redemptions(first: 10) { edges { node { ...Voucher holder { ...User }
          offer { ...Offer } } } } } }""",
    "resident A": """query($a: ID!) { node(id: $a) { ...User ... on User {
        home: homeGrid { ...MicroGrid } operated: merchants { ...Merchant }
        history: pointsHistory(first: 10) { edges { node { ...PointsEntry } } }
        held: vouchers(first: 10) { edges { node { ...Voucher holder { ...User }
          offer { ...Offer merchant { ...Merchant } } } } } } } }""",
    "resident A's objects": """query($r: ID!, $v: ID!, $p: ID!, $s: ID!, $g: ID!) {
      report: node(id: $r) { ...Report ... on Report { reporter { ...User }
        assignee { ...User } microGrid { ...MicroGrid } } }
      voucher: node(id: $v) { ...Voucher ... on Voucher { holder { ...User }
        offer { ...Offer merchant { ...Merchant } } } }
      paused: node(id: $p) { ...Voucher ... on Voucher { offer { ...Offer } } }
      signup: node(id: $s) { ...EventSignup ... on EventSignup { user { ...User }
        event { ...Event organizer { ...User } } } }
      suggestion: node(id: $g) { ...Suggestion ... on Suggestion { author { ...User } } } }""",
    "venues and bookings": """{ venues { ...Venue }
      myBookings(first: 10) { edges { node { ...Booking venue { ...Venue } booker { ...User }
        event { ...Event } } } } }""",
    "resident A's booking": """query($b: ID!) { node(id: $b) { ...Booking ... on Booking {
        booker { ...User } venue { ...Venue } } } }""",
    "M1 and its operator": """query($m: ID!, $o: ID!) {
      merchant: node(id: $m) { ...Merchant ... on Merchant {
        redemptions(first: 10) { edges { node { ...Voucher holder { ...User } } } } } }
      operator: node(id: $o) { ...User ... on User { operated: merchants { ...Merchant } } } }""",
}


def with_fragments(document: str) -> str:
    """The document and the fragments it spreads (an unused fragment is a validation error)."""
    used = [name for name in FRAGMENTS if re.search(rf"\.\.\.{name}\b", document)]
    definitions = " ".join(
        f"fragment {name} on {TYPE_OF[name]} {{ __typename {FRAGMENTS[name]} }}" for name in used
    )
    return f"{document}\n{definitions}"


def relation_variables(world: World) -> dict[str, str]:
    return {
        "a": gid("User", world.resident_a.user_id),
        "r": gid("Report", world.report_x.id),
        "v": gid("Voucher", world.voucher.id),
        "p": gid("Voucher", world.paused_voucher.id),
        "s": gid("EventSignup", world.signup.id),
        "g": gid("Suggestion", world.suggestion.id),
        "m": gid("Merchant", world.m1.id),
        "o": gid("User", world.people["merchant_m1"].user_id),
        "b": gid("Booking", world.booking.id),
    }


def declared(document: str, variables: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in variables.items() if f"${name}:" in document}


def objects_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every object with a __typename in a response, however deep."""
    if isinstance(value, dict):
        if "__typename" in value and "id" in value:
            yield value
        for inner in value.values():
            yield from objects_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from objects_in(inner)


def shown(obj: dict[str, Any]) -> dict[str, Any]:
    """The object's own fields as its fragment selects them, without the relations followed."""
    names = set(FRAGMENTS[obj["__typename"]].split()) | {"__typename"}
    return {key: value for key, value in obj.items() if key in names}


SAMPLE = 5  # objects of one type met through one relation go through the same resolvers


async def reached(client: GraphQLClient, world: World, viewer: Actor | None) -> list[Any]:
    """(relation, object) for the first SAMPLE objects of each type each relation shows the
    viewer (the world's own objects come first in the plain lists, which are ordered by id);
    refusals of a merchant's redemptions (FORBIDDEN) and of root fields (UNAUTHENTICATED) are
    allowed."""
    found = []
    for name, document in RELATIONS.items():
        variables = declared(document, relation_variables(world))
        result = await client.execute(with_fragments(document), variables, as_=viewer)
        for error in result.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            allowed = code == "UNAUTHENTICATED" or (
                code == FORBIDDEN and error.get("path", [""])[-1] == "redemptions"
            )
            assert allowed, (name, error)
        kept: dict[str, dict[str, dict[str, Any]]] = {}
        for obj in objects_in(result.get("data")):
            of_type = kept.setdefault(obj["__typename"], {})
            if obj["id"] in of_type or len(of_type) < SAMPLE:
                of_type.setdefault(obj["id"], obj)
                found.append((name, obj))
    return found


async def directly(
    client: GraphQLClient, viewer: Actor | None, objects: dict[str, str]
) -> dict[str, dict[str, Any] | None]:
    """node(id) as the viewer for each id -> type, selected with the type's fragment."""
    fetched: dict[str, dict[str, Any] | None] = {}
    ids = sorted(objects)
    for start in range(0, len(ids), 25):
        batch = ids[start : start + 25]
        fields = " ".join(
            f'n{i}: node(id: "{id_}") {{ ...{objects[id_]} }}' for i, id_ in enumerate(batch)
        )
        result = await client.execute(with_fragments(f"{{ {fields} }}"), as_=viewer)
        assert "errors" not in result, result
        fetched.update({id_: result["data"][f"n{i}"] for i, id_ in enumerate(batch)})
    return fetched


@pytest.mark.parametrize("role", PEOPLE)
async def test_an_object_reached_through_a_relation_is_what_node_shows_the_same_viewer(
    client: GraphQLClient, world: World, role: str
) -> None:
    """Reports, vouchers, wallets, offers ... reached from any root through any relation show
    exactly what node(id) shows the same viewer: never an object node() hides, never a field
    (a phone, a balance, a voucher code) node() would null."""
    viewer = world.people[role]
    found = await reached(client, world, viewer)
    assert {obj["__typename"] for _, obj in found} >= {"User", "Report", "Suggestion", "Offer"}
    direct = await directly(client, viewer, {obj["id"]: obj["__typename"] for _, obj in found})
    wrong = []
    for relation, obj in found:
        expected = direct[obj["id"]]
        fields = shown(obj)
        if expected is None and obj["__typename"] == "User":
            continue  # met through an object the viewer may see; not in their directory
        if expected is None or {key: expected.get(key) for key in fields} != fields:
            wrong.append((relation, fields, expected and {k: expected.get(k) for k in fields}))
    assert wrong == []


async def test_anonymous_callers_reach_no_person_through_relations(
    client: GraphQLClient, world: World
) -> None:
    """Without a login only the public catalogue is reachable: the grid tree, offers and their
    merchants; node(id) shows each of them as the relation does."""
    found = await reached(client, world, None)
    direct = await directly(client, None, {obj["id"]: obj["__typename"] for _, obj in found})
    assert [obj for _, obj in found if direct[obj["id"]] != shown(obj)] == []
    public = {"Community", "Courtyard", "MicroGrid", "Offer", "Merchant"}
    assert {obj["__typename"] for _, obj in found} >= public - {"Courtyard"}
    assert (
        sorted(
            {
                (relation, obj["__typename"])
                for relation, obj in found
                if obj["__typename"] not in public
            }
        )
        == []
    )


WALLET = (
    "id phone pointsBalance"
    " pointsHistory(first: 1) { edges { node { id } } }"
    " vouchers(first: 1) { edges { node { id } } }"
)

# Every way to reach resident A: the document, where A's user is in the response, and who
# can reach it (for the others the object on the way is hidden, or the field refused).
PATHS_TO_A: dict[str, tuple[str, Callable[[Any], Any], set[str]]] = {
    "node(id)": (
        f"query($a: ID!) {{ node(id: $a) {{ ... on User {{ {WALLET} }} }} }}",
        lambda data: data["node"],
        {"resident_a", "grid_member_x", "grid_worker", "admin"},  # community/directory.py
    ),
    "report.reporter": (
        f"query($r: ID!) {{ node(id: $r) {{ ... on Report {{ reporter {{ {WALLET} }} }} }} }}",
        lambda data: data["node"] and data["node"]["reporter"],
        {"resident_a", "grid_member_x", "grid_worker", "admin"},
    ),
    "report.timeline.actor": (
        "query($r: ID!) { node(id: $r) { ... on Report {"
        f" timeline {{ actor {{ {WALLET} }} }} }} }} }}",
        lambda data: data["node"] and data["node"]["timeline"][0]["actor"],
        {"resident_a", "grid_member_x", "grid_worker", "admin"},
    ),
    "voucher.holder": (
        f"query($v: ID!) {{ node(id: $v) {{ ... on Voucher {{ holder {{ {WALLET} }} }} }} }}",
        lambda data: data["node"] and data["node"]["holder"],
        {"resident_a", "merchant_m1", "admin"},
    ),
    "signup.user": (
        f"query($s: ID!) {{ node(id: $s) {{ ... on EventSignup {{ user {{ {WALLET} }} }} }} }}",
        lambda data: data["node"] and data["node"]["user"],
        {"resident_a", "grid_worker", "admin"},
    ),
    "suggestion.author": (
        f"query($g: ID!) {{ node(id: $g) {{ ... on Suggestion {{ author {{ {WALLET} }} }} }} }}",
        lambda data: data["node"] and data["node"]["author"],
        set(PEOPLE),
    ),
    "booking.booker": (
        f"query($b: ID!) {{ node(id: $b) {{ ... on Booking {{ booker {{ {WALLET} }} }} }} }}",
        lambda data: data["node"] and data["node"]["booker"],
        {"resident_a", "grid_worker", "admin"},
    ),
    "merchant.redemptions.holder": (
        "query($m: ID!) { node(id: $m) { ... on Merchant {"
        f" redemptions(first: 100) {{ edges {{ node {{ id holder {{ {WALLET} }} }} }} }} }} }} }}",
        lambda data: (
            data["node"]
            and next(
                edge["node"]["holder"]
                for edge in data["node"]["redemptions"]["edges"]
                if edge["node"]["holder"]["id"] == data["a"]
            )
        ),
        {"merchant_m1", "admin"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
async def test_another_residents_wallet_and_phone_are_null_on_every_path(
    client: GraphQLClient, world: World, role: str
) -> None:
    """Resident A's phone, balance, history and vouchers: theirs and the admin's to see,
    null for everyone else whether A is fetched by id or met as a reporter, a voucher's
    holder, an attendee, an author or a merchant's customer. Merchant.redemptions is
    refused (FORBIDDEN, or UNAUTHENTICATED without a login; null) to all but M1's operators
    and the admin."""
    viewer = world.people.get(role)
    variables = relation_variables(world)
    seen: dict[str, dict[str, Any]] = {}
    for path, (document, pick, _) in PATHS_TO_A.items():
        result = await client.execute(document, declared(document, variables), as_=viewer)
        if path == "merchant.redemptions.holder" and "errors" in result:
            refused = UNAUTHENTICATED if viewer is None else FORBIDDEN
            assert graphql_codes(result) == [refused], result
            assert result["data"]["node"]["redemptions"] is None
            continue
        assert "errors" not in result, (path, result)
        user = pick({**result["data"], "a": variables["a"]})
        if user is not None:
            assert user["id"] == variables["a"], (path, user)
            seen[path] = {key: value for key, value in user.items() if key != "id"}
    assert set(seen) == {path for path, (_, _, who) in PATHS_TO_A.items() if role in who}
    for path, wallet in seen.items():
        if role in ("resident_a", "admin"):
            assert wallet == seen["node(id)"], path
            assert None not in wallet.values(), path
        else:
            assert wallet == dict.fromkeys(wallet), (path, wallet)


REPORT_TARGETS = ("report_x", "report_y", "assigned", "own_report")


@pytest.mark.parametrize("role", PEOPLE)
async def test_a_report_hidden_from_a_viewer_is_null_by_id_and_absent_from_reports(
    client: GraphQLClient, world: World, role: str
) -> None:
    """node(id) and `reports` agree for every report of the world: e.g. grid Y's member gets
    null for resident A's report in grid X and never finds it in their queue."""
    viewer = world.people[role]
    reports = {
        "report_x": world.report_x,
        "report_y": world.report_y,
        "assigned": world.report_assigned,
    } | {f"own_report of {who}": report for who, report in world.own_reports.items()}
    ids = {gid("Report", report.id): name for name, report in reports.items()}
    by_id = {name: await client.execute(NODE, {"id": id_}, as_=viewer) for id_, name in ids.items()}
    visible = {name for name, result in by_id.items() if result["data"]["node"] is not None}
    listed: set[str] = set()
    after = None
    while True:
        page = await client.execute(listing("reports"), {"after": after}, as_=viewer)
        connection = page["data"]["reports"]
        listed |= {ids[e["node"]["id"]] for e in connection["edges"] if e["node"]["id"] in ids}
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert visible == listed
    shared = {name for name in ("report_x", "report_y", "assigned")}
    expected = {name for name in shared if EXPECTED[("node", role, name)] == DATA}
    expected |= {  # everyone's own report is in grid Y
        f"own_report of {who}"
        for who in PEOPLE
        if who == role or role in ("admin", "grid_member_y")
    }
    assert visible == expected
