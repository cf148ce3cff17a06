"""Hostile WebSocket frames against a real `gridpoints serve`, over real sockets.

Generated malformed messages each close their socket with 4400 (never 1006 or 1011), a frame
over the body limit is refused by uvicorn itself (1009), browser origins are checked against
GRIDPOINTS_CORS_ORIGINS, and afterwards the process still serves and /healthz answers at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from gateway.settings import DEVELOPMENT_SECRET
from gateway.tokens import ALGORITHM, key_id
from gateway.websockets import MAX_FRAME_BYTES, message_problem
from tests.dbsetup import TEST_REDIS_URL
from tests.process import servers

PROTOCOL = "graphql-transport-ws"
ALLOWED_ORIGIN = "http://localhost:5173"


@pytest.fixture(scope="module")
def ws_gateway(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`gridpoints serve` on the run's database (and Redis, when the run has one)."""
    home = tmp_path_factory.mktemp("ws-gateway")
    env = servers.clean_env(
        GRIDPOINTS_DATABASE_URL=database_url,
        GRIDPOINTS_CORS_ORIGINS=ALLOWED_ORIGIN,
        GRIDPOINTS_WEB_BUILD="0",  # frames are what is tested, not the web app
    )
    if TEST_REDIS_URL:
        env["GRIDPOINTS_REDIS_URL"] = TEST_REDIS_URL
    with servers.serving(env, home) as port:
        yield port
    log = (home / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def _open(port: int, origin: str | None = None) -> ClientConnection:
    headers = {"Origin": origin} if origin else None
    return connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        additional_headers=headers,
        open_timeout=5,
        max_size=None,
    )


def _close_code(ws: ClientConnection) -> int:
    try:
        while True:
            ws.recv(timeout=5)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "the server closed without a close frame"
        return closed.rcvd.code


def _healthy(port: int) -> None:
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json() == {"status": "ok"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
messages = st.one_of(
    json_values,
    st.fixed_dictionaries({"type": json_values}),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["subscribe", "complete"]),
            "id": json_values,
            "payload": json_values,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("subscribe"),
            "id": st.text(min_size=1, max_size=8),
            "payload": st.fixed_dictionaries(
                {"query": json_values, "variables": json_values, "operationName": json_values}
            ),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["connection_init", "ping", "pong"]), "payload": json_values}
    ),
).filter(lambda message: message_problem(message) is not None)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(message=messages)
def test_generated_malformed_messages_close_with_4400(ws_gateway: int, message: Any) -> None:
    with _open(ws_gateway) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "connection_ack"}
        ws.send(json.dumps(message))
        assert _close_code(ws) == 4400


def test_frames_that_are_not_messages_close_with_4400(ws_gateway: int) -> None:
    for frame in ("{not json", "[" * 60_000, '{"type": 1' + "0" * 5000 + "}", b"\x00\xff binary"):
        with _open(ws_gateway) as ws:
            ws.send(frame)
            assert _close_code(ws) == 4400, frame[:20]
    _healthy(ws_gateway)


def test_a_frame_over_the_body_limit_is_refused_by_the_server(ws_gateway: int) -> None:
    with _open(ws_gateway) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"pad": "x" * MAX_FRAME_BYTES}}))
        assert _close_code(ws) == 1009
    _healthy(ws_gateway)


def test_browser_origins_are_checked_against_the_setting(ws_gateway: int) -> None:
    for origin in (ALLOWED_ORIGIN, None, f"http://127.0.0.1:{ws_gateway}"):
        with _open(ws_gateway, origin) as ws:
            ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(ws.recv(timeout=5)) == {"type": "connection_ack"}
    for origin in ("http://evil.example", "http://localhost:5174", "null"):
        with pytest.raises(InvalidStatus) as refused:
            _open(ws_gateway, origin)
        assert refused.value.response.status_code == 403
    _healthy(ws_gateway)


valid_messages = st.sampled_from(
    [
        {"type": "ping"},
        {"type": "ping", "payload": {"n": 1}},
        {"type": "pong"},
        {"type": "complete", "id": "nothing-running"},
        {"type": "subscribe", "id": "q", "payload": {"query": "{ me { id } }"}},
        {"type": "subscribe", "id": "bad", "payload": {"query": "{ nosuchfield }"}},
    ]
)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(before=st.lists(valid_messages, max_size=4), message=messages)
def test_a_malformed_message_after_valid_ones_closes_with_4400(
    ws_gateway: int, before: list[dict[str, Any]], message: Any
) -> None:
    with _open(ws_gateway) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "connection_ack"}
        ids = set()
        for valid in before:
            if valid.get("id") in ids and valid["type"] == "subscribe":
                continue  # a duplicate id is the protocol's 4409, tested elsewhere
            ids.add(valid.get("id"))
            ws.send(json.dumps(valid))
        ws.send(json.dumps(message))
        assert _close_code(ws) == 4400


def test_a_bad_or_expired_token_closes_with_4401_over_a_real_socket(ws_gateway: int) -> None:
    now = datetime.now(UTC)
    claims = {
        "sub": "1",
        "iat": now - timedelta(hours=1),
        "exp": now - timedelta(minutes=30),
        "iss": "gridpoints",
        "aud": "gridpoints-apps",
        "jti": "x",
        "typ": "access",
    }
    expired = jwt.encode(
        claims,
        DEVELOPMENT_SECRET,
        algorithm=ALGORITHM,
        headers={"kid": key_id(DEVELOPMENT_SECRET)},
    )
    for token, reason in ((expired, "TOKEN_EXPIRED"), ("garbage", "TOKEN_INVALID")):
        with _open(ws_gateway, ALLOWED_ORIGIN) as ws:
            ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
            try:
                ws.recv(timeout=5)
                raise AssertionError("the socket stayed open")
            except ConnectionClosed as closed:
                assert closed.rcvd is not None
                assert (closed.rcvd.code, closed.rcvd.reason) == (4401, reason)


def test_the_legacy_subprotocol_is_not_offered(ws_gateway: int) -> None:
    with connect(
        f"ws://127.0.0.1:{ws_gateway}/graphql",
        subprotocols=["graphql-ws"],  # type: ignore[list-item]
        open_timeout=5,
    ) as ws:
        assert ws.subprotocol is None
        assert _close_code(ws) == 4406


def test_the_gateway_still_serves_after_the_hostile_frames(ws_gateway: int) -> None:
    _healthy(ws_gateway)
    answer = httpx.post(
        f"http://127.0.0.1:{ws_gateway}/graphql", json={"query": "{ me { id } }"}, timeout=5
    )
    assert answer.status_code == 200 and answer.json() == {"data": {"me": None}}
