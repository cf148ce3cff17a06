"""Data shaping for Relay and Apollo: node/nodes answer what other fields show, and a refused
root field fails alone instead of nulling the whole response."""

from __future__ import annotations

from typing import Any

from models.market import Offer
from resolvers.ids import global_id
from tests.api.client import GraphQLClient
from tests.api.test_statement_budgets import _marketplace
from tests.domain.market_helpers import active_merchant, offer_of, resident
from tests.statements import counting_statements

OFFERS = "offers(first: 10) { edges { node { id title merchant { id name } } } }"


async def listed_offer() -> Offer:
    merchant, owner = await active_merchant()
    return await offer_of(merchant, owner, title="Rice")


def only_error(result: dict[str, Any]) -> tuple[str, list[str | int]]:
    (error,) = result["errors"]
    return error["extensions"]["code"], error["path"]


async def test_anonymous_offers_survive_a_refused_merchants_list(client: GraphQLClient) -> None:
    offer = await listed_offer()
    result = await client.execute(f"{{ {OFFERS} merchants {{ id }} }}")
    assert result["data"]["merchants"] == []
    assert [edge["node"]["id"] for edge in result["data"]["offers"]["edges"]] == [
        global_id("Offer", offer.id)
    ]
    assert only_error(result) == ("UNAUTHENTICATED", ["merchants"])


async def test_a_refused_connection_is_empty_beside_the_rest(client: GraphQLClient) -> None:
    await listed_offer()
    result = await client.execute(
        f"{{ {OFFERS} reports(first: 5) {{ edges {{ node {{ id }} }}"
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    assert result["data"]["reports"] == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    assert len(result["data"]["offers"]["edges"]) == 1
    assert only_error(result) == ("UNAUTHENTICATED", ["reports"])


async def test_every_protected_root_list_fails_alone(client: GraphQLClient) -> None:
    await listed_offer()
    fields = {
        "reports": "reports { edges { cursor } }",
        "events": "events { edges { cursor } }",
        "suggestions": "suggestions { edges { cursor } }",
        "notices": "notices { edges { cursor } }",
        "serviceLevels": "serviceLevels { hours }",
        "merchants": "merchants { id }",
        "earningRules": "earningRules { points }",
    }
    result = await client.execute("{ community { id } " + " ".join(fields.values()) + " }")
    assert result["data"]["community"] is not None
    refused = sorted((error["path"][0], error["extensions"]["code"]) for error in result["errors"])
    assert refused == sorted((name, "UNAUTHENTICATED") for name in fields)


async def test_a_relay_refetch_of_a_public_offer_works_anonymously(
    client: GraphQLClient,
) -> None:
    offer = await listed_offer()
    listed = (await client.execute(f"{{ {OFFERS} }}"))["data"]["offers"]["edges"][0]["node"]
    refetched = await client.execute(
        "query($id: ID!) { node(id: $id) { id ... on Offer { title merchant { id name } } } }",
        {"id": global_id("Offer", offer.id)},
    )
    assert refetched == {"data": {"node": listed}}


async def test_nodes_answers_in_order_with_nulls_for_what_is_hidden(
    client: GraphQLClient,
) -> None:
    offer = await listed_offer()
    someone = await resident("Someone")
    ids = [
        global_id("Offer", offer.id),
        "not an id",
        global_id("User", someone.user_id),  # people need a login
        global_id("Offer", offer.id + 1000),
        global_id("Offer", offer.id),
    ]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
    anonymous = await client.execute(query, {"ids": ids})
    offer_node = {"__typename": "Offer", "id": ids[0]}
    assert anonymous == {"data": {"nodes": [offer_node, None, None, None, offer_node]}}

    mine = await client.execute(query, {"ids": ids}, as_=someone)
    user_node = {"__typename": "User", "id": ids[2]}
    assert mine == {"data": {"nodes": [offer_node, None, user_node, None, offer_node]}}
    assert (await client.execute(query, {"ids": []})) == {"data": {"nodes": []}}


async def test_nodes_refuses_more_than_a_page_of_ids(client: GraphQLClient) -> None:
    offer = await listed_offer()
    ids = [global_id("Offer", offer.id)] * 101
    result = await client.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "ids"}


NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Offer { title merchant { name } } } }"


async def test_nodes_costs_the_same_statements_for_5_ids_as_for_50(
    client: GraphQLClient,
) -> None:
    offer_ids, admin = await _marketplace(50)
    merchants = sorted({offer.merchant_id for offer in await Offer.filter(id__in=offer_ids)})
    for viewer in (None, admin):
        counts = []
        for n in (5, 50):
            ids = [global_id("Offer", pk) for pk in offer_ids[:n]]
            ids += [global_id("Merchant", pk) for pk in merchants]
            with counting_statements() as statements:
                result = await client.execute(NODES, {"ids": ids}, as_=viewer)
            assert [node["id"] for node in result["data"]["nodes"]] == ids
            counts.append(len(statements))
        assert counts[0] == counts[1], (viewer, counts)
