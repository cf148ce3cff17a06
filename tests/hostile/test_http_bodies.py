"""Malformed and hostile request bodies against a real `gridpoints serve`, over real sockets.

Each class the issue found gets a regression case; hypothesis then generates bodies, query
strings and multipart parts around them. Every answer must be below 500, every /graphql error
body JSON with a known code, the keep-alive connection must carry the next request, and
/healthz must answer afterwards.
"""

from __future__ import annotations

import json
import socket
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.edge import (
    Connection,
    EdgeServer,
    assert_alive,
    assert_coded_json_error,
    assert_sane,
    connection,
    post_json,
)

ME = "{ me { id } }"
PREFLIGHT = {"apollo-require-preflight": "true"}
HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def conn(edge_server: EdgeServer) -> Iterator[Connection]:
    with connection(edge_server) as opened:
        yield opened


# ---------------------------------------------------------------- the classes the issue found

MALFORMED_JSON_BODIES = {
    "not UTF-8": b"\x00\xff not json",
    "UTF-16": orjson.dumps({"query": ME}).decode().encode("utf-16"),
    "a number": b"1",
    "a string": b'"x"',
    "null": b"null",
    "true": b"true",
    "a batch": orjson.dumps([{"query": ME}, {"query": ME}]),
    "nesting 32,000 deep": b"[" * 32_000 + b"]" * 32_000,
    "nested variables": b'{"query":"{ me { id } }","variables":{"a":'
    + b"[" * 40
    + b"]" * 40
    + b"}}",
    "a 5,000-digit integer": b'{"query":"query($n: Int) { me { id } }","variables":{"n":'
    + b"7" * 5000
    + b"}}",
    "a lone surrogate in operationName": b'{"query":"{ me { id } }","operationName":"\\ud800"}',
    "a lone surrogate in an input field name": (
        b'{"query":"mutation($i: LoginInput!) { login(input: $i) { accessToken } }",'
        b'"variables":{"i":{"\\ud800":"x","phone":"1","password":"x"}}}'
    ),
    "query not a string": b'{"query": 12}',
    "variables not an object": b'{"query":"{ me { id } }","variables":[1]}',
    "extensions not an object": b'{"query":"{ me { id } }","extensions":"x"}',
    "operationName not a string": b'{"query":"{ me { id } }","operationName":{}}',
    "no query": b'{"variables":{}}',
    "empty": b"",
    "a BOM": b'\xef\xbb\xbf{"query":"{ me { id } }"}',
}


@pytest.mark.parametrize("body", MALFORMED_JSON_BODIES.values(), ids=MALFORMED_JSON_BODIES.keys())
def test_malformed_json_bodies_are_coded_400s_on_a_connection_that_lives(
    conn: Connection, body: bytes
) -> None:
    answer = post_json(conn, body)
    assert assert_coded_json_error(answer, 400) == ["BAD_REQUEST"]
    assert "data" not in answer.json()
    assert_alive(conn)


def test_nesting_65_000_deep_is_refused_as_too_large_and_the_connection_lives(
    conn: Connection,
) -> None:
    answer = post_json(conn, b"[" * 65_000 + b"]" * 65_000)
    assert assert_coded_json_error(answer, 413) == ["PAYLOAD_TOO_LARGE"]
    assert_alive(conn)


BAD_QUERY_STRINGS = {
    "variables not JSON": {"query": ME, "variables": "\x00\xff"},
    "variables a surrogate key": {"query": ME, "variables": '{"\\udfff":1}'},
    "variables a list": {"query": ME, "variables": "[1]"},
    "variables 5,000 digits": {"query": "query($n: Int) { me { id } }", "variables": "9" * 5000},
    "extensions not JSON": {"query": ME, "extensions": "{"},
    "extensions a lone surrogate": {"query": ME, "extensions": '{"\\ud800":{}}'},
    "extensions deep": {"query": ME, "extensions": '{"a":' + "[" * 100 + "]" * 100 + "}"},
    "no query": {"variables": "{}"},
}


@pytest.mark.parametrize("params", BAD_QUERY_STRINGS.values(), ids=BAD_QUERY_STRINGS.keys())
def test_malformed_get_parameters_are_coded_400s(conn: Connection, params: dict[str, str]) -> None:
    answer = conn.request("GET", "/graphql?" + urlencode(params), headers={"accept": "*/*"})
    assert assert_coded_json_error(answer, 400) == ["BAD_REQUEST"]
    assert_alive(conn)


def multipart(parts: list[tuple[str, bytes, str | None]], boundary: str = "XyZ") -> bytes:
    """A multipart/form-data body from (name, content, filename or None) parts."""
    out = bytearray()
    for name, content, filename in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
            out += f"Content-Disposition: {disposition}\r\nContent-Type: image/png\r\n\r\n".encode()
        else:
            out += f"Content-Disposition: {disposition}\r\n\r\n".encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


SUBMIT = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { errors { code } } }"
OPERATIONS = orjson.dumps(
    {
        "query": SUBMIT,
        "variables": {"input": {"category": "NOISE", "description": "x", "photos": [None]}},
    }
)
FILE = ("0", b"\x89PNG\r\n\x1a\n", "a.png")
BROKEN_MULTIPART = {
    "map a list": [("operations", OPERATIONS, None), ("map", b'["0"]', None), FILE],
    "map null": [("operations", OPERATIONS, None), ("map", b"null", None), FILE],
    "map not JSON": [("operations", OPERATIONS, None), ("map", b"{", None), FILE],
    "a path not a string": [("operations", OPERATIONS, None), ("map", b'{"0":[1]}', None), FILE],
    "paths not a list": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":"variables.input.photos.0"}', None),
        FILE,
    ],
    "an index out of range": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":["variables.input.photos.5"]}', None),
        FILE,
    ],
    "a negative index": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":["variables.input.photos.-1"]}', None),
        FILE,
    ],
    "a path into a string": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":["variables.input.description.0"]}', None),
        FILE,
    ],
    "a path outside variables": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":["query"]}', None),
        FILE,
    ],
    "a path to nowhere": [
        ("operations", OPERATIONS, None),
        ("map", b'{"0":["variables.nope.photos.0"]}', None),
        FILE,
    ],
    "a file that is not there": [
        ("operations", OPERATIONS, None),
        ("map", b'{"9":["variables.input.photos.0"]}', None),
        FILE,
    ],
    "operations a number": [("operations", b"1", None), ("map", b"{}", None)],
    "operations null": [("operations", b"null", None), ("map", b"{}", None)],
    "operations a batch": [("operations", b"[" + OPERATIONS + b"]", None), ("map", b"{}", None)],
    "operations not UTF-8": [("operations", b"\xff\xfe", None), ("map", b"{}", None)],
    "operations a file part": [
        ("operations", OPERATIONS, "operations.json"),
        ("map", b'{"0":["variables.input.photos.0"]}', None),
        FILE,
    ],
    "map a file part": [("operations", OPERATIONS, None), ("map", b"{}", "map.json"), FILE],
    "no operations": [("map", b"{}", None)],
    "no map": [("operations", OPERATIONS, None)],
}


@pytest.mark.parametrize("parts", BROKEN_MULTIPART.values(), ids=BROKEN_MULTIPART.keys())
def test_broken_multipart_requests_are_coded_400s(
    conn: Connection, parts: list[tuple[str, bytes, str | None]]
) -> None:
    headers = {"content-type": "multipart/form-data; boundary=XyZ", **PREFLIGHT}
    answer = conn.request("POST", "/graphql", multipart(parts), headers)
    assert assert_coded_json_error(answer, 400) == ["BAD_REQUEST"]
    assert_alive(conn)


def test_a_body_that_is_not_multipart_at_all_is_a_coded_400(conn: Connection) -> None:
    headers = {"content-type": "multipart/form-data; boundary=XyZ", **PREFLIGHT}
    answer = conn.request("POST", "/graphql", b"--nope\r\n\r\ngarbage", headers)
    assert assert_coded_json_error(answer, 400) == ["BAD_REQUEST"]
    assert_alive(conn)


def test_a_pipelined_request_after_a_malformed_one_is_answered(conn: Connection) -> None:
    json_type = {"content-type": "application/json"}
    bad, good = conn.pipelined(
        [
            ("POST", "/graphql", b"\x00\xff not json", json_type),
            ("POST", "/graphql", orjson.dumps({"query": ME}), json_type),
        ]
    )
    assert assert_coded_json_error(bad, 400) == ["BAD_REQUEST"]
    assert (good.status, good.json()) == (200, {"data": {"me": None}})
    assert_alive(conn)


# ---------------------------------------------------------------- generated


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
QUERIES = st.sampled_from(
    [
        ME,
        "{ me { ",
        "query Q { me { id } }",
        "mutation { logout }",
        "{ nope }",
        "",
        "{ __typename }",
    ]
) | st.text(max_size=40)
REQUEST_OBJECTS = st.fixed_dictionaries(
    {},
    optional={
        "query": QUERIES | JSON_VALUES,
        "variables": JSON_VALUES,
        "operationName": st.text(max_size=10) | JSON_VALUES,
        "extensions": JSON_VALUES
        | st.fixed_dictionaries({"persistedQuery": JSON_VALUES | st.just({"version": 1})}),
        "documentId": st.text(alphabet=string.hexdigits + ":sha", max_size=70) | JSON_VALUES,
    },
)


def _encoded(value: Any) -> bytes:
    """The standard library's encoder: it writes huge integers, NaN and lone surrogates."""
    return json.dumps(value).encode()


BODIES = (
    st.binary(max_size=300)
    | JSON_VALUES.map(_encoded)
    | REQUEST_OBJECTS.map(_encoded)
    | st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass"))
    | REQUEST_OBJECTS.map(lambda obj: _encoded(obj)[: max(1, len(_encoded(obj)) // 2)])
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=utf-16",
        "application/graphql-response+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "",
    ]
)


@HYPOTHESIS
@given(body=BODIES, content_type=CONTENT_TYPES, preflight=st.booleans())
def test_generated_bodies_never_break_the_edge(
    edge_server: EdgeServer, body: bytes, content_type: str, preflight: bool
) -> None:
    with _shared_connection(edge_server) as conn:
        headers = {"content-type": content_type} if content_type else {}
        if preflight:
            headers.update(PREFLIGHT)
        answer = conn.request("POST", "/graphql", body, headers)
        assert_sane(answer)
        assert conn.still_open()


@HYPOTHESIS
@given(
    params=st.dictionaries(
        st.sampled_from(["query", "variables", "extensions", "operationName", "documentId", "x"]),
        st.text(max_size=60) | JSON_VALUES.map(lambda v: _encoded(v).decode()),
        max_size=5,
    )
)
def test_generated_query_strings_never_break_the_edge(
    edge_server: EdgeServer, params: dict[str, str]
) -> None:
    with _shared_connection(edge_server) as conn:
        target = "/graphql?" + urlencode(
            {k: v.encode("utf-8", "surrogatepass") for k, v in params.items()}
        )
        answer = conn.request("GET", target, headers={"accept": "application/json"})
        assert_sane(answer)
        assert conn.still_open()


PART_NAMES = st.sampled_from(["operations", "map", "0", "1"]) | st.text(
    alphabet=string.ascii_letters + string.digits, min_size=1, max_size=6
)
PART_CONTENT = (
    st.sampled_from([OPERATIONS, b'{"0":["variables.input.photos.0"]}', b"{}", b"null"])
    | JSON_VALUES.map(_encoded)
    | st.binary(max_size=80)
)
PARTS = st.lists(
    st.tuples(PART_NAMES, PART_CONTENT, st.none() | st.just("f.png")), min_size=0, max_size=5
)


@HYPOTHESIS
@given(parts=PARTS)
def test_generated_multipart_parts_never_break_the_edge(
    edge_server: EdgeServer, parts: list[tuple[str, bytes, str | None]]
) -> None:
    with _shared_connection(edge_server) as conn:
        headers = {"content-type": "multipart/form-data; boundary=XyZ", **PREFLIGHT}
        answer = conn.request("POST", "/graphql", multipart(parts), headers)
        assert_sane(answer)
        assert conn.still_open()


_connections: dict[int, Connection] = {}


class _shared_connection:
    """One connection for every example of a run: each must leave it open for the next."""

    def __init__(self, server: EdgeServer) -> None:
        self.server = server

    def __enter__(self) -> Connection:
        if self.server.port not in _connections:
            _connections[self.server.port] = self.server.connect()
        return _connections[self.server.port]

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:  # a failed example: start the next one on a fresh socket
            _connections.pop(self.server.port).close()


def test_healthz_answers_after_the_generated_traffic(edge_server: EdgeServer) -> None:
    with _shared_connection(edge_server) as conn:
        assert_alive(conn)


def test_a_client_that_leaves_mid_body_leaves_no_error_behind(edge_server: EdgeServer) -> None:
    with socket.create_connection(("127.0.0.1", edge_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            b"content-length: 1000\r\n\r\n" + b'{"query": "{ me'
        )
    with edge_server.connect() as conn:
        assert_alive(conn)
    unexpected = [
        record
        for record in edge_server.log_lines("gridpoints.errors")
        if record["level"] == "ERROR"
    ]
    assert unexpected == []
