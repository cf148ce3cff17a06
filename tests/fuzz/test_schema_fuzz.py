"""Fuzzing the served schema: no operation schemathesis generates from schema.graphql may make
the gateway fail, whoever sends it.

Schemathesis (which builds GraphQL documents with hypothesis-graphql) generates every query and
mutation of the committed SDL, and each case is posted to the real app in-process, anonymously
and then with each role's token, against a small seeded community. A case fails the run if the
response is a 5xx, is not a GraphQL JSON object, carries an error whose extensions.code is
INTERNAL_SERVER_ERROR (how the gateway masks an unexpected exception: a server bug), or reports
a non-null field that resolved to null.

Schemathesis generates the cases; we send them through httpx.ASGITransport ourselves. Its own
ASGI transport runs the app, and its lifespan, on an event loop in a separate thread: the
lifespan would open the database named in the app's settings there, while this run's test
database (SQLite or PostgreSQL) is already open on the session loop, whose connections cannot
be shared with another loop. So Hypothesis runs in a worker thread and each case is sent on the
session loop.

Arguments naming an object (offerId, reportId, node's id...) are drawn, most of the time, from
schemathesis dictionaries of the seeded rows' global ids, so generated operations reach the
domain code instead of stopping at "no such offer". Nothing is left out of the generated
space: NUL characters, overlong phones and keys beyond any column's range are all sent.

GRIDPOINTS_FUZZ_EXAMPLES sets the examples per operation and identity (default 6); see README.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes

from community import events, notices, reports, suggestions
from community.passwords import hash_password
from community.sessions import issue_refresh_token
from marketplace import adjustments, earning, redemption
from models.actor import Actor
from models.enums import NoticeKind, PointsReason, ReportCategory, ReportStatus, Role
from models.people import User
from resolvers.ids import cursor, global_id
from tests import factories
from tests.api.client import make_client
from tests.dbsetup import TEST_REDIS_URL
from tests.harness import market
from tests.harness.events import an_event
from tests.harness.reports import Crew, walk

ROOT = Path(__file__).resolve().parents[2]
# Examples per operation and identity, as schemathesis counts them: 47 operations x 6 = 282 per
# identity, 1,974 in all by default. Raise it before a release (README, "Fuzzing").
EXAMPLES = int(os.environ.get("GRIDPOINTS_FUZZ_EXAMPLES") or 6)
IDENTITIES = (
    "anonymous",
    "resident",
    "grid_member",
    "grid_worker",
    "property_manager",
    "merchant_operator",
    "community_admin",
)

INTERNAL = "INTERNAL_SERVER_ERROR"
NON_NULL_VIOLATION = "Cannot return null for non-nullable field"

PASSWORD = "fuzz-password-1"
PHONES = [f"1380013{n:04d}" for n in range(1, 10)]  # the seeded users', in creation order
# Every table is emptied, its sequence restarted, before each test, and the seed writes a few
# rows of each: pks 1-4 name seeded rows (or, past the last one, none).
SEEDED_PKS = range(1, 5)
NODE_TYPES = (
    "User",
    "Community",
    "Courtyard",
    "MicroGrid",
    "Report",
    "Event",
    "EventSignup",
    "Suggestion",
    "Notice",
    "PointsEntry",
    "Merchant",
    "Offer",
    "Voucher",
)
# Argument and input-field names whose ID names an object of the type.
ID_ARGUMENTS = {
    "Offer": ("offerId",),
    "Merchant": ("merchantId",),
    "Report": ("reportId",),
    "Event": ("eventId",),
    "Voucher": ("voucherId",),
    "Suggestion": ("suggestionId",),
    "User": ("userId", "assigneeId"),
    "MicroGrid": ("microGridId", "homeGridId", "microGridIds[*]"),
    "Courtyard": ("courtyardId",),
}
SEEDED_ID_SHARE = 0.75

# Values only known once the world is seeded (voucher codes, a refresh token), drawn among the
# generated strings so that voucher uses and token refreshes can succeed.
KNOWN_STRINGS: list[str] = ["-"]


def _b64(text: str) -> str:
    """Any text as a global id, digits out of range included: resolvers.ids.global_id only
    makes ids the gateway would issue."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


_text = st.text(st.characters(codec="utf-8"))

# Scalars. IDs and cursors outside the dictionaries: of any type, any pk a global id may carry,
# digits int() may refuse ("²"), or no id at all.
_pks = st.integers(min_value=0, max_value=10**18 - 1)
_digits = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=20)
_node_ids = st.one_of(
    st.builds(global_id, st.sampled_from(NODE_TYPES), st.sampled_from(SEEDED_PKS)),
    st.builds(global_id, st.sampled_from(NODE_TYPES), _pks),
    st.builds(lambda kind, pk: _b64(f"{kind}:{pk}"), st.sampled_from(NODE_TYPES), _digits),
    _text,
)
_cursors = st.one_of(
    st.builds(cursor, st.sampled_from(SEEDED_PKS)),
    st.builds(cursor, st.integers(min_value=0, max_value=10**30)),
    st.builds(lambda pk: _b64(f"cursor:{pk}"), _digits),
)
_known = st.integers(min_value=0, max_value=255).map(
    lambda i: KNOWN_STRINGS[i % len(KNOWN_STRINGS)]
)
_words = st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=40)
_moments = st.builds(
    lambda hours, aware: (datetime.now(UTC) + timedelta(hours=hours)).replace(
        tzinfo=UTC if aware else None
    ),
    st.integers(min_value=-24 * 400, max_value=24 * 400),
    st.booleans(),
).map(datetime.isoformat)
SCALARS = {
    "ID": st.one_of(_node_ids.map(nodes.String), st.integers().map(nodes.Int)),
    "String": st.one_of(_text, _words, _known, _cursors).map(nodes.String),
    "DateTime": st.one_of(_moments, _moments, _text).map(nodes.String),
}


def schemathesis_config() -> SchemathesisConfig:
    """Dictionaries of the seeded rows' ids, phones and password, bound to the arguments
    (and input fields) that take them."""
    dictionaries: dict[str, Any] = {
        "nodes": {"values": [global_id(t, pk) for t in NODE_TYPES for pk in SEEDED_PKS]},
        "phones": {"values": PHONES},
        "password": {"values": [PASSWORD]},
    }
    parameters: dict[str, Any] = {
        "Query.node.id": {"dictionary": "nodes", "probability": SEEDED_ID_SHARE},
        "Mutation.login.input.phone": {"dictionary": "phones", "probability": 0.5},
        "Mutation.login.input.password": {"dictionary": "password", "probability": 0.5},
        "Mutation.register.input.phone": {"dictionary": "phones", "probability": 0.5},
    }
    for type_name, names in ID_ARGUMENTS.items():
        dictionaries[type_name] = {"values": [global_id(type_name, pk) for pk in SEEDED_PKS]}
        for name in names:
            binding = {"dictionary": type_name, "probability": SEEDED_ID_SHARE}
            parameters[f"*.*.{name}"] = binding
            parameters[f"*.*.input.{name}"] = binding
    return SchemathesisConfig.from_dict(
        {
            "dictionaries": dictionaries,
            "parameters": parameters,
            "generation": {"allow-x00": True},
        }
    )


async def seed_world(media_dir: Path) -> dict[str, Actor]:
    """A community with two grids, a user per role, a merchant with offers and vouchers, reports
    along the workflow, an event, a suggestion, a notice and an earning rule. Returns who's who."""
    phones = iter(PHONES)
    grid = await factories.grid("Grid 1", "Courtyard 1")
    other_grid = await factories.grid("Grid 2", "Courtyard 2")

    async def user(*roles: Role, **kwargs: Any) -> Actor:
        return await factories.user(*roles, phone=next(phones), **kwargs)

    admin = await user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await user(name="Resident", home_grid=grid)
    member = await user(Role.GRID_MEMBER, name="Member", grids=(grid,))
    worker = await user(Role.GRID_WORKER, name="Worker", grids=(grid, other_grid))
    manager = await user(Role.PROPERTY_MANAGER, name="Property manager")
    owner = await user(name="Owner")
    await user(Role.MOBILE_REPORTER, name="Rider", home_grid=other_grid)

    # The owner comes back an operator: approval made them a MERCHANT.
    shop, operator = await market.active_merchant(owner, by=admin, name="Sunny Grocery")
    await market.awaiting_approval(resident)
    offer = await market.offer_of(shop, operator, stock=50, per_user_limit=5)
    await market.offer_of(
        shop,
        operator,
        title="Cooking oil",
        description="5 L",
        price=30,
        stock=2,
        valid_until=datetime.now(UTC) + timedelta(days=7),
    )
    for funded in (resident, member, worker, manager):
        await adjustments.adjust_points(
            actor=admin,
            user_id=funded.user_id,
            amount=500,
            memo="Welcome",
            idempotency_key=f"seed-{funded.user_id}",
        )
    codes: list[str] = []
    for holder in (resident, resident, member):
        done = await redemption.redeem_offer(
            actor=holder, offer_id=offer.id, idempotency_key=f"seed-{len(codes)}"
        )
        codes.append(done.voucher.code)

    filed = [
        await reports.submit_report(
            actor=resident,
            category=category,
            description=f"{category.value.title()} by gate 3",
            latitude=30.66,
            longitude=104.06,
            media_dir=media_dir,
        )
        for category in (ReportCategory.FACILITY, ReportCategory.SANITATION, ReportCategory.NOISE)
    ]
    crew = Crew(worker, manager, resident, media_dir)
    await walk(filed[1], ReportStatus.DISPATCHED, crew)
    await walk(filed[2], ReportStatus.ACCEPTED, crew)

    event = await an_event(
        admin,
        starts_at=datetime.now(UTC) + timedelta(days=2),
        title="River clean-up",
        description="Bring gloves",
        location="North gate",
        capacity=2,
        points_reward=5,
    )
    for attendee in (resident, member, worker):  # the third is waitlisted
        await events.sign_up(actor=attendee, event_id=event.id)
    await suggestions.submit_suggestion(actor=resident, title="More benches", body="By the river")
    await notices.publish_notice(
        actor=admin, kind=NoticeKind.ANNOUNCEMENT, title="Water cut", body="Tuesday 9-12"
    )
    await earning.set_rule(
        actor=admin, reason=PointsReason.REPORT_VERIFIED, points=10, daily_cap=30
    )

    await User.all().update(password_hash=await hash_password(PASSWORD))
    refresh = await issue_refresh_token(user_id=resident.user_id, days=30)
    KNOWN_STRINGS[:] = [*codes, refresh]
    return {
        "resident": resident,
        "grid_member": member,
        "grid_worker": worker,
        "property_manager": manager,
        "merchant_operator": operator,
        "community_admin": admin,
    }


@contextmanager
def _hypothesis_left_as_found() -> Iterator[None]:
    """Schemathesis patches Hypothesis globals when it first builds strategies (a printer that
    prints nothing, larger buffers); put them back so other Hypothesis tests report as usual."""
    from hypothesis import core
    from hypothesis.internal.conjecture import engine
    from hypothesis.strategies._internal import collections

    core_: Any = core  # private attributes, set by schemathesis
    collections_: Any = collections

    saved = (core_.RepresentationPrinter, core_.BUFFER_SIZE, engine.BUFFER_SIZE)
    saved_collections = collections_.BUFFER_SIZE
    try:
        yield
    finally:
        core_.RepresentationPrinter, core_.BUFFER_SIZE, engine.BUFFER_SIZE = saved
        collections_.BUFFER_SIZE = saved_collections


@functools.cache
def operations() -> dict[str, st.SearchStrategy[Any]]:
    """Cases for each query and mutation of the served SDL, by label; one in five deliberately
    invalid (wrong types, missing arguments) to exercise the refusals before execution too."""
    for name, strategy in SCALARS.items():
        schemathesis.graphql.scalar(name, strategy)
    schema = schemathesis.graphql.from_path(ROOT / "schema.graphql", config=schemathesis_config())
    cases = {}
    with _hypothesis_left_as_found():
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]  # our own SDL always loads
            positive = operation.as_strategy(GenerationMode.POSITIVE)
            negative = operation.as_strategy(GenerationMode.NEGATIVE)
            cases[operation.label] = st.sampled_from([positive] * 4 + [negative]).flatmap(
                lambda chosen: chosen
            )
    return cases


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.stacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.stacks.append(text)


@contextmanager
def logged_errors() -> Iterator[list[str]]:
    """The stacks the gateway logs for masked errors (logger gridpoints.errors)."""
    logger = logging.getLogger("gridpoints.errors")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.stacks
    finally:
        logger.removeHandler(handler)


def problems(response: httpx.Response) -> list[str]:
    """What makes a response a server bug; empty when it is fine (refusals included)."""
    if response.status_code >= 500:
        return [f"status {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        return [f"status {response.status_code}, not JSON: {response.text[:500]!r}"]
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        return [f"not a GraphQL response: {body!r}"]
    found = []
    for error in body.get("errors") or []:
        if (error.get("extensions") or {}).get("code") == INTERNAL:
            found.append(f"{INTERNAL} at {error.get('path')}")
        elif NON_NULL_VIOLATION in error.get("message", ""):
            found.append(error["message"])
    return found


def request_body(case: Any) -> dict[str, Any]:
    """The JSON body schemathesis would post for the case: {"query": ...}."""
    body = case.operation.schema.prepare_request_body(case)
    assert isinstance(body, dict), body
    return body


Send = Callable[[dict[str, Any], dict[str, str]], httpx.Response]


def fuzz(send: Send, identity: str, token: str | None, examples: int) -> None:
    """Run Hypothesis (in this worker thread) over every operation in turn, `examples` cases
    each, every case sent with `send`."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    accept = st.sampled_from(["application/json", "application/graphql-response+json"])
    for label, strategy in operations().items():
        # derandomize fixes the seed; @seed gives each identity and operation its own fixed one.
        @seed(zlib.crc32(f"{identity}:{label}".encode()))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(case=strategy, media_type=accept)
        def no_server_errors(case: Any, media_type: str) -> None:
            body = request_body(case)
            with logged_errors() as stacks:
                response = send(body, {**auth, "Accept": media_type})
            found = problems(response)
            assert not found, "\n".join(
                [
                    f"{case.operation.label} as {identity}: " + "; ".join(found),
                    body["query"],
                    response.text[:2000],
                    *stacks,
                ]
            )

        no_server_errors()


@pytest.mark.parametrize("identity", IDENTITIES)
async def test_no_generated_operation_is_a_server_error(identity: str, tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    client = make_client(media_dir, rate_limit_scale=1_000, redis_url=TEST_REDIS_URL)
    actors = await seed_world(media_dir)
    token = None if identity == "anonymous" else client.token_for(actors[identity])
    loop = asyncio.get_running_loop()
    async with client.http() as http:

        def send(body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
            request = http.post("/graphql", json=body, headers=headers)
            return asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)

        await asyncio.to_thread(fuzz, send, identity, token, EXAMPLES)


async def test_ids_and_cursors_the_fuzzer_broke_are_refused(tmp_path: Path) -> None:
    """Found by this fuzzer: "²".isdigit() is true but int() refuses it (ValueError), and a
    cursor of 25 digits overflowed SQLite's integer; both were INTERNAL_SERVER_ERROR."""
    client = make_client(tmp_path / "media", rate_limit_scale=1_000, redis_url=TEST_REDIS_URL)
    actors = await seed_world(tmp_path / "media")
    node = "query($id: ID!) { node(id: $id) { id } }"
    events_after = "query($after: String) { events(after: $after) { edges { cursor } } }"
    escalate = "mutation($id: ID!) { escalateReport(input: {reportId: $id}) { errors { code } } }"
    for digits in ("²", "⑴", "١"):  # superscript two, parenthesized one, Arabic-Indic one
        found = await client.execute(node, {"id": _b64(f"Offer:{digits}")}, as_=actors["resident"])
        assert found == {"data": {"node": None}}
        escalated = await client.execute(
            escalate, {"id": _b64(f"Report:{digits}")}, as_=actors["grid_worker"]
        )
        assert escalated["data"]["escalateReport"]["errors"] == [{"code": "NOT_FOUND"}]
    for after in ("²", "9" * 25):
        paged = await client.execute(
            events_after, {"after": _b64(f"cursor:{after}")}, as_=actors["resident"]
        )
        assert [e["extensions"]["code"] for e in paged["errors"]] == ["INVALID_INPUT"], paged
