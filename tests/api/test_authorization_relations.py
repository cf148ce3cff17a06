"""The matrix's rules through relations: an object reached through any relation is what
node(id) shows the same viewer, and private fields stay private on every path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from models.actor import Actor
from tests.api import matrix_fixtures
from tests.api.client import GraphQLClient
from tests.api.matrix_cases import NODE, gid, graphql_codes, listing
from tests.api.matrix_table import DATA, EXPECTED, FORBIDDEN, UNAUTHENTICATED
from tests.api.matrix_world import PEOPLE, ROLES, World

# The module-wide app and world the matrix's modules share (see matrix_fixtures.py).
clean_database = matrix_fixtures.clean_database
client = matrix_fixtures.client
quick_password_hashing = matrix_fixtures.quick_password_hashing
world = matrix_fixtures.world

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
