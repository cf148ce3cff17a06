"""A real `gridpoints serve` process, and a raw HTTP/1.1 connection to it that tells whether
the server kept it open (h11 parses the answers; the socket is ours)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import orjson

from schema.codes import TopLevelCode
from schema.errors import ErrorCode
from tests.process import servers

SECRET = "hostile-edge-test-secret-of-at-least-32-bytes"
METRICS_TOKEN = "edge-metrics-token"
ALLOWED_ORIGIN = "http://localhost:5173"
# A real page server for the browser tests listens here: Chromium lets only a page that is
# itself on loopback call a loopback address.
BROWSER_PAGE_PORT = servers.free_port()
BROWSER_ORIGIN = f"http://localhost:{BROWSER_PAGE_PORT}"
PUBLIC_URL = "https://gridpoints.example"
HEADER_TIMEOUT_SECONDS = 1.0
SOCKET_TIMEOUT_SECONDS = 10.0
CODES = frozenset(code.value for code in TopLevelCode) | frozenset(c.value for c in ErrorCode)


@dataclass
class EdgeServer:
    port: int
    media: Path
    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self, logger: str) -> list[dict[str, Any]]:
        """The JSON log records of one logger so far (`serve` also prints its address and the
        demo logins for people, which are not log records)."""
        lines = self.log.read_bytes().splitlines()
        records = (orjson.loads(line) for line in lines if line.startswith(b"{"))
        return [record for record in records if record.get("logger") == logger]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self) -> Connection:
        return Connection(self.port)


def start_edge_server(
    tmp: Path,
    database_url: str,
    redis_url: str | None,
    env_name: str = "production",
    **settings: str,
) -> EdgeServer:
    """`gridpoints serve`, in production mode unless told otherwise, as the issue tried it."""
    port = servers.free_port()
    media = tmp / "media"
    env = servers.clean_env(
        **servers.settings_env(
            env=env_name,
            database_url=database_url,
            redis_url=redis_url or "",
            jwt_secret=SECRET,
            media_dir=str(media),
            cors_origins=f"{ALLOWED_ORIGIN},{BROWSER_ORIGIN}",
            public_url=PUBLIC_URL,
            metrics_token=METRICS_TOKEN,
            header_timeout_seconds=str(HEADER_TIMEOUT_SECONDS),
            rate_limit_scale="1000",
            web_build="0",  # the edge is what is tested, not the web app
            **settings,
        )
    )
    command = [servers.gridpoints_executable(), "serve", "--port", str(port)]
    log = tmp / f"serve-{port}.log"
    process = servers.start(command, env, cwd=tmp, log=log)
    try:
        servers.wait_ready(port, deadline=60)
    except TimeoutError:
        process.kill()
        raise
    return EdgeServer(port, media, process, log)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


class ConnectionClosed(Exception):
    """The server closed the connection (or said it would) instead of keeping it alive."""


class Connection:
    """One TCP connection; each `request` reuses it, as a browser's keep-alive would."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT_SECONDS)
        self.h11 = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: Sequence[tuple[str, str | bytes]] | Mapping[str, str] = (),
    ) -> Answer:
        if self.h11.our_state is h11.MUST_CLOSE or self.h11.their_state is h11.MUST_CLOSE:
            raise ConnectionClosed("the server asked to close this connection")
        if self.h11.our_state is h11.DONE:
            self.h11.start_next_cycle()
        given: list[tuple[str, str | bytes]] = (
            list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        )
        pairs = [(b"host", b"127.0.0.1"), *((n.encode(), _bytes(v)) for n, v in given)]
        if body or method == "POST":
            pairs.append((b"content-length", str(len(body)).encode()))
        self._send(h11.Request(method=method, target=target, headers=pairs))
        if body:
            self._send(h11.Data(data=body))
        self._send(h11.EndOfMessage())
        return self._answer()

    def _send(self, event: Any) -> None:
        data = self.h11.send(event)
        if data:
            self.sock.sendall(data)

    def _answer(self) -> Answer:
        response: h11.Response | None = None
        body = bytearray()
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                chunk = self.sock.recv(65536)
                if not chunk and response is None:
                    raise ConnectionClosed("the server closed the connection without answering")
                self.h11.receive_data(chunk)
                continue
            if isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert response is not None
                headers = {k.decode().lower(): v.decode("latin-1") for k, v in response.headers}
                return Answer(response.status_code, headers, bytes(body))
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionClosed("the server closed the connection mid-answer")

    def pipelined(
        self, requests: Sequence[tuple[str, str, bytes, Mapping[str, str]]]
    ) -> list[Answer]:
        """Send every request at once, before reading any answer, then read them in order."""
        wire = bytearray()
        events: list[list[Any]] = []
        for method, target, body, headers in requests:
            pairs = [("host", "127.0.0.1"), *headers.items(), ("content-length", str(len(body)))]
            request: list[Any] = [h11.Request(method=method, target=target, headers=pairs)]
            request += [h11.Data(data=body)] if body else []
            events.append([*request, h11.EndOfMessage()])
            writer = h11.Connection(h11.CLIENT)  # serialises only; self.h11 tracks the state
            for event in events[-1]:
                wire += writer.send(event) or b""
        self.sock.sendall(bytes(wire))
        answers = []
        for request_events in events:
            if self.h11.our_state is h11.DONE:
                self.h11.start_next_cycle()
            for event in request_events:
                self.h11.send(event)
            answers.append(self._answer())
        return answers

    def still_open(self) -> bool:
        """After an answer: did the server keep the connection for the next request?"""
        return self.h11.their_state is h11.DONE and self.h11.our_state is h11.DONE


def exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send raw `data` to 127.0.0.1:`port` (stopping early if the server closes), then read
    until the server closes: what an edge that refused mid-request answered, if anything."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
        return received


@contextmanager
def connection(server: EdgeServer) -> Iterator[Connection]:
    conn = server.connect()
    try:
        yield conn
    finally:
        conn.close()


def post_json(conn: Connection, body: bytes, **headers: str) -> Answer:
    return conn.request("POST", "/graphql", body, {"content-type": "application/json", **headers})


def assert_sane(answer: Answer, path: str = "/graphql") -> None:
    """No 5xx; on /graphql a JSON body, and every error in it carries a known code."""
    assert answer.status < 500, (answer.status, answer.body[:300])
    if answer.status in (408, 431):  # the header guard, before any request id exists
        return
    assert answer.headers.get("x-request-id")
    if path != "/graphql":
        return
    assert answer.headers["content-type"].split(";")[0] in (
        "application/json",
        "application/graphql-response+json",
    ), answer.headers
    body = answer.json()
    if answer.status >= 400 or "errors" in body:
        error_codes(answer)


def assert_coded_json_error(answer: Answer, status: int | None = None) -> list[str]:
    """A 4xx whose body is a GraphQL error response, every error with a known code."""
    assert 400 <= answer.status < 500, (answer.status, answer.body[:300])
    if status is not None:
        assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers["content-type"].startswith("application/"), answer.headers
    assert answer.headers.get("x-request-id")
    return error_codes(answer)


def error_codes(answer: Answer) -> list[str]:
    body = answer.json()
    assert isinstance(body, dict) and body["errors"], body
    codes = [error["extensions"]["code"] for error in body["errors"]]
    assert all(isinstance(error["message"], str) for error in body["errors"])
    assert set(codes) <= CODES, codes
    return codes


def assert_alive(conn: Connection) -> None:
    """The same socket answers the next request, and /healthz answers."""
    fresh = conn.h11.our_state is h11.IDLE
    assert fresh or conn.still_open(), "the server closed the keep-alive connection"
    answer = conn.request("GET", "/healthz")
    assert (answer.status, answer.json()) == (200, {"status": "ok"})
