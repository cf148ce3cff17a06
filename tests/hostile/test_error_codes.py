"""One error vocabulary: every error leaving /graphql carries `extensions.code` from
schema/codes.py (or a domain ErrorCode), in a JSON body, whatever refused the request."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import orjson
import pytest

from tests.hostile.edge import (
    CODES,
    Answer,
    Connection,
    EdgeServer,
    assert_alive,
    connection,
    error_codes,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = {"content-type": "application/json", "accept": GRAPHQL_RESPONSE}
DEEP = "{ me { homeGrid { courtyard { microGrids { courtyard { microGrids { courtyard {" + (
    " microGrids { courtyard { microGrids { name } } } } } } } } } } }"
)


def _post(conn: Connection, body: object, headers: dict[str, str] | None = None) -> Answer:
    return conn.request("POST", "/graphql", orjson.dumps(body), headers or JSON)


# Each: (what is wrong, the request, the exact codes when the edge decides them, else None:
# a refusal owned by the limit checker, which must still carry a code of the vocabulary).
CASES: dict[str, tuple[str, str, bytes, dict[str, str], list[str] | None]] = {
    "unparsable document": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ me { "}),
        JSON,
        ["GRAPHQL_PARSE_FAILED"],
    ),
    "unknown field": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ nope }"}),
        JSON,
        ["GRAPHQL_VALIDATION_FAILED"],
    ),
    "variables that do not coerce": (
        "POST",
        "/graphql",
        orjson.dumps(
            {
                "query": "query($n: Int) { offers(first: $n) { edges { cursor } } }",
                "variables": {"n": "many"},
            }
        ),
        JSON,
        ["BAD_USER_INPUT"],
    ),
    "a missing required variable": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "query($n: Int!) { offers(first: $n) { edges { cursor } } }"}),
        JSON,
        ["BAD_USER_INPUT"],
    ),
    "an unknown operation name": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "query A { me { id } }", "operationName": "B"}),
        JSON,
        ["OPERATION_NOT_FOUND"],
    ),
    "a batch": (
        "POST",
        "/graphql",
        orjson.dumps([{"query": "{ me { id } }"}]),
        JSON,
        ["BAD_REQUEST"],
    ),
    "no query": ("POST", "/graphql", orjson.dumps({}), JSON, ["BAD_REQUEST"]),
    "not JSON": ("POST", "/graphql", b"{", JSON, ["BAD_REQUEST"]),
    "an unsupported content type": (
        "POST",
        "/graphql",
        b"{ me { id } }",
        {"content-type": "application/graphql", "accept": GRAPHQL_RESPONSE},
        ["BAD_REQUEST"],
    ),
    "a mutation by GET": (
        "GET",
        "/graphql?" + urlencode({"query": 'mutation { logout(refreshToken: "x") }'}),
        b"",
        {"accept": GRAPHQL_RESPONSE},
        ["METHOD_NOT_ALLOWED"],
    ),
    "PUT": ("PUT", "/graphql", b"{}", JSON, ["METHOD_NOT_ALLOWED"]),
    "DELETE": ("DELETE", "/graphql", b"", {"accept": GRAPHQL_RESPONSE}, ["METHOD_NOT_ALLOWED"]),
    "a token in the URL": (
        "GET",
        "/graphql?" + urlencode({"query": "{ me { id } }", "access_token": "x"}),
        b"",
        {"accept": GRAPHQL_RESPONSE},
        ["BAD_REQUEST"],
    ),
    "a body over 64 KB": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ me { id } }" + " " * 70_000}),
        JSON,
        ["PAYLOAD_TOO_LARGE"],
    ),
    "a multipart POST without a preflight header": (
        "POST",
        "/graphql",
        b"--b--\r\n",
        {"content-type": "multipart/form-data; boundary=b", "accept": GRAPHQL_RESPONSE},
        ["CSRF_PREVENTED"],
    ),
    "a text/plain POST": (
        "POST",
        "/graphql",
        b'{"query":"{ me { id } }"}',
        {"content-type": "text/plain", "accept": GRAPHQL_RESPONSE},
        ["CSRF_PREVENTED"],
    ),
    "an unknown persisted hash": (
        "POST",
        "/graphql",
        orjson.dumps({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}}),
        JSON,
        ["PERSISTED_QUERY_NOT_FOUND"],
    ),
    "an unknown documentId": (
        "POST",
        "/graphql",
        orjson.dumps({"documentId": "sha256:" + "b" * 64}),
        JSON,
        ["PERSISTED_QUERY_NOT_FOUND"],
    ),
    "introspection in production": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ __schema { queryType { name } } }"}),
        JSON,
        ["GRAPHQL_VALIDATION_FAILED"],  # once per introspection field
    ),
    "too deep": ("POST", "/graphql", orjson.dumps({"query": DEEP}), JSON, None),
    "too many aliases": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(31)) + " }"}),
        JSON,
        None,
    ),
    "too many tokens": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ " + " ".join("me { id }" for _ in range(700)) + " }"}),
        JSON,
        None,
    ),
    "too costly": (
        "POST",
        "/graphql",
        orjson.dumps(
            {
                "query": "{ offers(first: 100) { edges { node { merchant { offers(first: "
                "100) { edges { node { title merchant { name } } } } } } } } }"
            }
        ),
        JSON,
        None,
    ),
    "first out of range": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ offers(first: 101) { edges { cursor } } }"}),
        JSON,
        None,
    ),
    "a protected field anonymously": (
        "POST",
        "/graphql",
        orjson.dumps({"query": "{ earningRules { points } }"}),
        JSON,
        None,
    ),
}


@pytest.fixture(scope="module")
def conn(edge_server: EdgeServer) -> Iterator[Connection]:
    with connection(edge_server) as opened:
        yield opened


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_no_error_leaves_without_a_code(
    conn: Connection, case: tuple[str, str, bytes, dict[str, str], list[str] | None]
) -> None:
    method, target, body, headers, expected = case
    answer = conn.request(method, target, body, headers)
    assert answer.status < 500
    assert answer.headers["content-type"].split(";")[0] in ("application/json", GRAPHQL_RESPONSE)
    assert answer.headers["cache-control"] == "no-store"
    codes = error_codes(answer)  # also asserts every code is in the vocabulary
    assert codes and set(codes) <= CODES
    if expected is not None:
        assert set(codes) == set(expected), answer.json()
    assert_alive(conn)


def test_the_last_guard_never_had_to_add_a_code(edge_server: EdgeServer) -> None:
    """GraphQL's own errors got their code by phase: the view's fallback was never used."""
    fallbacks = [
        record
        for record in edge_server.log_lines("gridpoints.errors")
        if record["message"].startswith("error without a code")
    ]
    assert fallbacks == []


def test_persisted_query_not_found_answers_200_so_that_apollo_retries(conn: Connection) -> None:
    answer = _post(conn, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "c" * 64}}})
    assert answer.status == 200  # Apollo's link turns APQ off for good after a 400
    assert answer.json()["errors"][0]["message"] == "PersistedQueryNotFound"
