"""GraphQL over HTTP: media types, status codes, limits, and where tokens may travel."""

from __future__ import annotations

from models.enums import Role
from models.grid import Courtyard
from tests import factories
from tests.api.client import GraphQLClient
from tests.statements import counting_statements

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_invalid_document_is_400_without_data_in_the_new_media_type(
    client: GraphQLClient,
) -> None:
    async with client.http() as http:
        response = await http.post(
            "/graphql", json={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE}
        )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"][0]["message"].startswith("Cannot query field")


async def test_unparsable_document_and_bad_variables_are_400(client: GraphQLClient) -> None:
    headers = {"accept": GRAPHQL_RESPONSE}
    async with client.http() as http:
        unparsable = await http.post("/graphql", json={"query": "{ me { "}, headers=headers)
        bad_variables = await http.post(
            "/graphql",
            json={
                "query": "query($n: Int) { offers(first: $n) { edges { cursor } } }",
                "variables": {"n": "many"},
            },
            headers=headers,
        )
    assert (unparsable.status_code, "data" in unparsable.json()) == (400, False)
    assert (bad_variables.status_code, "data" in bad_variables.json()) == (400, False)


async def test_legacy_json_keeps_200_and_a_good_query_is_200(client: GraphQLClient) -> None:
    async with client.http() as http:
        legacy = await http.post("/graphql", json={"query": "{ nope }"})
        good = await http.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"accept": GRAPHQL_RESPONSE}
        )
    assert legacy.status_code == 200 and legacy.headers["content-type"] == "application/json"
    assert "data" not in legacy.json()
    assert good.status_code == 200 and good.json() == {"data": {"me": None}}
    assert good.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_mutations_are_refused_over_get(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    mutation = 'mutation { createCourtyard(input: {name: "X"}) { errors { code } } }'
    async with client.http() as http:
        response = await http.get(
            "/graphql",
            params={"query": mutation},
            headers={"Authorization": f"Bearer {client.token_for(admin)}"},
        )
    assert response.status_code in (400, 405)
    assert await Courtyard.all().count() == 0


async def test_queries_work_over_get(client: GraphQLClient) -> None:
    async with client.http() as http:
        response = await http.get("/graphql", params={"query": "{ me { id } }"})
    assert response.status_code == 200 and response.json() == {"data": {"me": None}}


async def test_tokens_in_the_url_are_refused(client: GraphQLClient) -> None:
    actor = await factories.user()
    async with client.http() as http:
        response = await http.get(
            "/graphql",
            params={"query": "{ me { id } }", "access_token": client.token_for(actor)},
        )
    assert response.status_code == 400
    assert "Authorization header" in response.json()["errors"][0]["message"]


async def test_json_bodies_over_64_kb_are_refused(client: GraphQLClient) -> None:
    padding = " " * (64 * 1024)
    async with client.http() as http:
        response = await http.post("/graphql", json={"query": "{ me { id } }" + padding})
    assert response.status_code == 413


async def test_every_response_carries_a_request_id(client: GraphQLClient) -> None:
    async with client.http() as http:
        fresh = await http.post("/graphql", json={"query": "{ me { id } }"})
        echoed = await http.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"x-request-id": "abc12345-trace"}
        )
    assert len(fresh.headers["x-request-id"]) == 16
    assert echoed.headers["x-request-id"] == "abc12345-trace"


async def test_batched_requests_are_refused(client: GraphQLClient) -> None:
    async with client.http() as http:
        response = await http.post("/graphql", json=[{"query": "{ me { id } }"}] * 2)
    assert response.status_code == 400


async def test_limits_reject_before_any_resolver_runs(client: GraphQLClient) -> None:
    deep = (
        "{ me { homeGrid { courtyard { microGrids { courtyard { microGrids { courtyard {"
        " microGrids { courtyard { microGrids { name } } } } } } } } } } }"
    )
    aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(31)) + " }"
    actor = await factories.user()
    headers = {"accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {client.token_for(actor)}"}
    queries = (
        deep,
        aliases,
        "{ offers(first: 101) { edges { cursor } } }",
        "{ offers(first: -1) { edges { cursor } } }",
    )
    with counting_statements() as sent:
        async with client.http() as http:
            results = [
                await http.post("/graphql", json={"query": q}, headers=headers) for q in queries
            ]
    assert sent == []  # rejected before any resolver, so before any SQL
    assert [r.status_code for r in results] == [400, 400, 400, 400]
    messages = [r.json()["errors"][0]["message"] for r in results]
    assert "levels deep" in messages[0]
    assert "aliases" in messages[1]
    assert messages[2] == messages[3] == "first must be between 0 and 100."


async def test_token_and_cost_limits_reject_before_any_sql(client: GraphQLClient) -> None:
    actor = await factories.user()
    many_tokens = "{ " + " ".join("me { id }" for _ in range(700)) + " }"
    costly = (
        "{ offers(first: 100) { edges { node { merchant { "
        "offers(first: 100) { edges { node { title merchant { name } } } } } } } } }"
    )
    headers = {"accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {client.token_for(actor)}"}
    with counting_statements() as sent:
        async with client.http() as http:
            tokens = await http.post("/graphql", json={"query": many_tokens}, headers=headers)
            cost = await http.post("/graphql", json={"query": costly}, headers=headers)
    assert sent == []
    assert tokens.status_code == cost.status_code == 400
    assert "token" in tokens.json()["errors"][0]["message"].lower()
    assert cost.json()["errors"][0]["message"].startswith("The query would cost")
