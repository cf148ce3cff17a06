"""Header limits of `gridpoints serve` itself: size, count and the time to send them, over
raw sockets; and generated headers that must never break the edge."""

from __future__ import annotations

import socket
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.settings import Settings
from tests.hostile.edge import (
    HEADER_TIMEOUT_SECONDS,
    EdgeServer,
    assert_alive,
    assert_sane,
    exchange,
)

LIMITS = Settings()
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def _status(received: bytes) -> int:
    return int(received.split(b" ", 2)[1])


def test_a_1_mib_header_is_refused_with_431(edge_server: EdgeServer) -> None:
    received = exchange(edge_server.port, REQUEST + b"X-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
    assert _status(received) == 431
    assert b"connection: close" in received.lower()


def test_5000_headers_are_refused_with_431(edge_server: EdgeServer) -> None:
    many = b"".join(b"X-H%d: 1\r\n" % i for i in range(5000))
    assert _status(exchange(edge_server.port, REQUEST + many + b"\r\n")) == 431


def test_one_header_more_than_the_limit_is_refused_and_the_limit_itself_passes(
    edge_server: EdgeServer,
) -> None:
    def headers(count: int) -> bytes:
        # Host and Connection are two of them
        filler = b"".join(b"X-H%d: 1\r\n" % i for i in range(count - 2))
        return filler + b"Connection: close\r\n"

    at_limit = exchange(edge_server.port, REQUEST + headers(LIMITS.max_headers) + b"\r\n")
    over = exchange(edge_server.port, REQUEST + headers(LIMITS.max_headers + 1) + b"\r\n")
    assert (_status(at_limit), _status(over)) == (200, 431)


def test_an_unfinished_header_block_is_cut_off_at_the_byte_limit(edge_server: EdgeServer) -> None:
    """The server stops reading a block that never ends: it refuses it well before 32 MiB."""
    with socket.create_connection(("127.0.0.1", edge_server.port), timeout=10) as sock:
        sock.sendall(REQUEST)
        sent = 0
        refused = False
        try:
            while sent < 32 * 1024 * 1024:
                sock.sendall(b"X-More: " + b"b" * 4088 + b"\r\n")
                sent += 4096
        except (BrokenPipeError, ConnectionResetError):
            refused = True
        assert refused, "the server kept reading an endless header block"
        assert sent < 4 * 1024 * 1024  # cut off near the limit, give or take socket buffers


def test_headers_sent_too_slowly_are_answered_408_and_closed(edge_server: EdgeServer) -> None:
    # Half a request, then silence: the guard closes it after HEADER_TIMEOUT_SECONDS.
    received = exchange(edge_server.port, REQUEST, timeout=HEADER_TIMEOUT_SECONDS * 10)
    assert _status(received) == 408


def test_a_connection_that_never_sends_anything_is_closed(edge_server: EdgeServer) -> None:
    received = exchange(edge_server.port, b"", timeout=HEADER_TIMEOUT_SECONDS * 10)
    assert _status(received) == 408


def test_many_half_sent_requests_are_all_let_go(edge_server: EdgeServer) -> None:
    sockets = [
        socket.create_connection(
            ("127.0.0.1", edge_server.port), timeout=HEADER_TIMEOUT_SECONDS * 10
        )
        for _ in range(50)
    ]
    try:
        for sock in sockets:
            sock.sendall(REQUEST)
        closed = 0
        for sock in sockets:
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
            closed += _status(data) == 408
        assert closed == len(sockets)
    finally:
        for sock in sockets:
            sock.close()
    with edge_server.connect() as conn:
        assert_alive(conn)


HEADER_NAMES = st.sampled_from(
    [
        "accept",
        "accept-encoding",
        "authorization",
        "content-type",
        "origin",
        "x-request-id",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "access-control-request-method",
        "access-control-request-headers",
        "x-forwarded-for",
        "cookie",
        "user-agent",
    ]
) | st.text(
    alphabet=string.ascii_letters + string.digits + "-!#$%&'*+.^_`|~", min_size=1, max_size=20
)
HEADER_VALUES = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=120,
).map(str.strip)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=12),
    method=st.sampled_from(["GET", "POST", "OPTIONS"]),
)
def test_generated_headers_never_break_the_edge(
    edge_server: EdgeServer, headers: list[tuple[str, str]], method: str
) -> None:
    with edge_server.connect() as conn:
        target = "/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D" if method == "GET" else "/graphql"
        body = b'{"query":"{ me { id } }"}' if method == "POST" else b""
        # content-length and host are h11's to write; values may be any visible latin-1
        pairs: list[tuple[str, str | bytes]] = [
            (name, value.encode("latin-1")) for name, value in headers
        ]
        pairs = [
            (n, v)
            for n, v in pairs
            if n.lower() not in ("content-length", "host", "transfer-encoding")
        ]
        answer = conn.request(method, target, body, pairs)
        granted_preflight = method == "OPTIONS" and answer.status == 200  # its body is "OK"
        assert_sane(answer, "preflight" if granted_preflight else "/graphql")
        assert conn.still_open() or answer.headers.get("connection") == "close"
