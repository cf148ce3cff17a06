"""The shipped deploy/nginx.conf, run for real in front of a real gateway: the Host reaches the
gateway (so a same-origin WebSocket is accepted), compression, header limits and timeouts,
request ids, and /metrics kept off the public side."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
import websockets.sync.client

from tests.hostile.edge import EdgeServer, exchange
from tests.process import servers

DEPLOYED = Path(__file__).parents[2] / "deploy" / "nginx.conf"
TEST_HEADER_TIMEOUT = "1s"


@dataclass
class Proxy:
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    assert found, "nginx is missing: scripts/test installs Debian's nginx-light"
    return found


def _config(folder: Path, port: int, upstream: int) -> Path:
    """deploy/nginx.conf as it is, pointed at the test gateway, inside a minimal main config."""
    site = DEPLOYED.read_text()
    site = site.replace("server gateway:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace(
        "client_header_timeout 10s;", f"client_header_timeout {TEST_HEADER_TIMEOUT};"
    )
    assert str(upstream) in site and str(port) in site and TEST_HEADER_TIMEOUT in site
    (folder / "site.conf").write_text(site)
    temp = "".join(
        f"{kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{}}\n"
        f"http {{\naccess_log off;\n{temp}include {folder / 'site.conf'};\n}}\n"
    )
    return main


@pytest.fixture(scope="module")
def proxy(edge_server: EdgeServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    folder = tmp_path_factory.mktemp("nginx")
    port = servers.free_port()
    config = _config(folder, port, edge_server.port)
    checked = subprocess.run([_nginx(), "-t", "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([_nginx(), "-c", str(config)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield Proxy(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_same_origin_websocket_through_nginx_is_accepted(proxy: Proxy) -> None:
    """The page at the proxy's origin opens a WebSocket to it: Origin and the forwarded Host
    agree only because nginx passes `Host $http_host`."""
    with websockets.sync.client.connect(
        f"ws://127.0.0.1:{proxy.port}/graphql",
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        origin=websockets.Origin(proxy.url),
    ) as socket_:
        socket_.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket_.recv(timeout=10)) == {"type": "connection_ack"}


def test_responses_through_nginx_are_compressed_and_carry_a_request_id(proxy: Proxy) -> None:
    body = orjson.dumps({"query": "{ " + "g" * 3000 + " }"})
    with httpx.Client(base_url=proxy.url) as client:
        plain = client.post(
            "/graphql",
            content=body,
            headers={"content-type": "application/json", "accept-encoding": "identity"},
        )
        zipped = client.post(
            "/graphql",
            content=body,
            headers={"content-type": "application/json", "accept-encoding": "gzip"},
        )
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx decoded it
    assert re.fullmatch(r"[0-9a-f]{32}", zipped.headers["x-request-id"])  # nginx's $request_id
    echoed = httpx.get(f"{proxy.url}/healthz", headers={"x-request-id": "client-trace-123"})
    assert echoed.headers["x-request-id"] == "client-trace-123"


def test_nginx_bounds_headers_and_the_time_to_send_them(proxy: Proxy) -> None:
    start = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    huge = exchange(proxy.port, start + b"X-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
    assert huge.split(b" ", 2)[1] in (b"400", b"431")
    slow = exchange(proxy.port, start)  # never finished: nginx drops it after the header timeout
    assert slow == b"" or slow.split(b" ", 2)[1] == b"408"


def test_metrics_are_not_served_through_the_public_proxy(proxy: Proxy) -> None:
    assert httpx.get(f"{proxy.url}/metrics").status_code == 404
