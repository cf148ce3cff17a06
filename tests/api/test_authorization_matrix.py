"""The authorization matrix: every operation of the served schema × every role × own and other
objects → the one outcome it must have, over HTTP with real tokens.

The operations are read from the served schema: an operation with no row for a role fails
(`<operation>-<role>-MISSING`), so a new query, mutation or subscription cannot ship without
deciding who may use it. Rows whose expectation the code does not meet yet are known bugs, in
BUGS, and run as strict xfails.

Outcomes (as written in MATRIX):

    DATA     a non-null result; for a mutation, its payload with `errors: []`
    NULL     null, an empty list or connection, or a NOT_FOUND payload error: nothing revealed
    FORBID   a GraphQL error with extensions.code FORBIDDEN, the field null
    UNAUTH   a GraphQL error with extensions.code UNAUTHENTICATED, the field null
    BADCRED  the payload error INVALID_CREDENTIALS
    UNUSABL  the payload error VOUCHER_NOT_USABLE
    -        no such row (anonymous callers own nothing; some targets exist for some roles only)

Reads run as the people of tests/api/matrix_world.py against its objects; each mutation runs as
a twin of the role (same roles, grids and merchants) against objects built for that row, so no
row changes what another sees. The later tests check that an object reached through a relation
is what node(id) gives the same viewer, and that private fields stay private on every path.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import graphql
import pytest

from community import events, sessions, suggestions
from gateway.services import Services
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, ReportStatus
from models.market import Merchant
from models.outbox import POINTS_TOPIC, REPORT_TOPIC, Change
from resolvers.ids import global_id
from schema.root import build_schema
from tests.api.client import GraphQLClient, make_client
from tests.api.matrix_world import (
    ANONYMOUS,
    PASSWORD,
    PEOPLE,
    ROLES,
    World,
    build_world,
    new_phone,
    unique,
)
from tests.api.test_subscriptions import GraphQLWebSocket, listening
from tests.dbsetup import TEST_REDIS_URL, truncate_all

S = ReportStatus

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
  user        NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  phone       NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  balance     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  history     NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  vouchers    NULL    DATA    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  merchants   NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  self        -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  merchant    NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
  offer       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    DATA    NULL    NULL    NULL    NULL    NULL    DATA    NULL    DATA
  event       NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  suggestion  NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  notice      NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid        NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  courtyard   NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  community   NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
me
  self        NULL    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
community
  -           DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
microGrids
  -           DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
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
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
offers
  offer       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  paused      NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
merchants
  merchant    UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  pending     UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    DATA
earningRules
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA

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
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createMicroGrid
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
grantRole
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
setHomeGrid
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
submitReport
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
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
  own         -       FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    FORBID  NULL    DATA    NULL    NULL    NULL    DATA
  resolver    -       -       -       FORBID  -       -       FORBID  -       -       FORBID
rejectReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
escalateReport
  own         -       FORBID  FORBID  DATA    FORBID  DATA    FORBID  FORBID  FORBID  DATA
  overdue     -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  grid_x      UNAUTH  NULL    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  grid_y      UNAUTH  NULL    NULL    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    -       -       -       DATA    -       -       FORBID  -       -       -
setServiceLevel
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
createEvent
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  DATA    DATA    DATA
signUpForEvent
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
cancelEventSignup
  signed_up   -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
  not_signed  UNAUTH  NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL    NULL
checkInAttendee
  own         -       -       -       -       -       DATA    -       DATA    DATA    DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
submitSuggestion
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
reviewSuggestion
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
publishNotice
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  DATA    FORBID  FORBID  FORBID  DATA
setEarningRule
  -           UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
adjustPoints
  self        -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
  other       UNAUTH  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
registerMerchant
  -           UNAUTH  DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
approveMerchant
  own         -       FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  FORBID  DATA
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

# ------------------------------------------------------------------- subscriptions
reportUpdated
  report_x    UNAUTH  DATA    NULL    DATA    NULL    DATA    NULL    NULL    NULL    DATA
  report_y    UNAUTH  NULL    DATA    NULL    DATA    NULL    NULL    NULL    NULL    DATA
  assigned    UNAUTH  DATA    NULL    DATA    NULL    DATA    DATA    NULL    NULL    DATA
  own_report  -       DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA    DATA
pointsChanged
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

# Rows the code does not meet yet: "<operation>-<role>-<target>" -> what is wrong.
BUGS: dict[str, str] = {
    "node-resident_a-paused": (
        "resident A holds a voucher of M1's paused offer and reaches the offer through "
        "Voucher.offer (Offer!), but node(offer id) is null for them: get_offer shows an "
        "unredeemable offer to its merchant's overseers only, not to holders of its vouchers"
    ),
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


def matrix_rows() -> Iterator[Any]:
    """One test per (served operation, role, target); a missing role is a failing row."""
    for operation in served_operations():
        for role in ROLES:
            targets = [t for (o, r, t) in EXPECTED if (o, r) == (operation, role)]
            if not targets:
                yield pytest.param(operation, role, None, None, id=row_id(operation, role, "MISSING"))
            for target in targets:
                name = row_id(operation, role, target)
                marks = [pytest.mark.xfail(strict=True, reason=BUGS[name])] if name in BUGS else []
                expected = EXPECTED[(operation, role, target)]
                yield pytest.param(operation, role, target, expected, id=name, marks=marks)


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
async def world(database_url: str, client: GraphQLClient) -> World:
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
    """UNAUTHENTICATED or FORBIDDEN when that is the one error and the field is null; None when
    nothing went wrong; anything else is reported as it is."""
    codes = graphql_codes(result)
    if not codes:
        return None
    field_is_null = (result.get("data") or {}).get(field) is None
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
    """login, each row from its own forwarded address so no login budget is shared."""

    async def send(self, row: Row, variables: dict[str, Any]) -> dict[str, Any]:
        token = row.client.token_for(row.actor) if row.actor else None
        address = f"198.51.100.{hash(unique('address')) % 250 + 1}"
        body = {"query": self.document, "variables": variables}
        forwarded = {"X-Forwarded-For": address}
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


Case = Read | Listed | Write | Logout
