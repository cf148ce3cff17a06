"""What the HTTP edge costs and saves: `python -m bench.edge` (no database needed).

- compression: the introspection result and a 100-offer catalogue page, raw, gzip -6 and
  brotli 4 (sizes are exact; times are the median of repeated runs on this machine);
- body reading: gateway/bodies.py's decode of a typical request against `json.loads`;
- the header guard: requests per second of one keep-alive client against `gridpoints serve`
  (the guarded httptools protocol) and plain uvicorn httptools, on /healthz.

Writes bench/EDGE.md.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import orjson
from graphql import get_introspection_query

from gateway.bodies import from_json_body
from gateway.compression import BROTLI_QUALITY, GZIP_LEVEL
from schema.root import build_schema

HERE = Path(__file__).parent


def _median_ms(work: Callable[[], object], repeat: int = 30) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _catalogue_page() -> bytes:
    edges = [
        {
            "cursor": f"b2Zmc2V0OnsiaWQiOiB7aX19{i}",
            "node": {
                "id": f"T2ZmZXI6{i}",
                "title": f"社区便利店 满20减5 第{i}期",
                "pricePoints": 50 + i,
                "stock": 1000 - i,
                "merchant": {"id": f"TWVyY2hhbnQ6{i % 50}", "name": f"商户 {i % 50}"},
            },
        }
        for i in range(100)
    ]
    return orjson.dumps({"data": {"offers": {"edges": edges, "pageInfo": {"hasNextPage": True}}}})


def compression_rows() -> list[str]:
    schema = build_schema()
    introspection = asyncio.run(schema.execute(get_introspection_query()))
    bodies = {
        "introspection": orjson.dumps({"data": introspection.data}),
        "100-offer page": _catalogue_page(),
    }
    rows = []
    for name, body in bodies.items():
        gz = gzip.compress(body, GZIP_LEVEL)
        br = brotli.compress(body, quality=BROTLI_QUALITY)
        gz_ms = _median_ms(functools.partial(gzip.compress, body, GZIP_LEVEL))
        br_ms = _median_ms(functools.partial(brotli.compress, body, quality=BROTLI_QUALITY))
        sizes = f"{len(gz):,} ({gz_ms:.2f} ms) | {len(br):,} ({br_ms:.2f} ms)"
        rows.append(f"| {name} | {len(body):,} | {sizes} |")
    return rows


def body_rows() -> list[str]:
    body = orjson.dumps(
        {
            "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            "variables": {"i": {"phone": "13800000000", "password": "gridpoints-demo"}},
            "operationName": None,
        }
    )
    ours = _median_ms(lambda: [from_json_body(body) for _ in range(1000)], repeat=15)
    stock = _median_ms(lambda: [json.loads(body) for _ in range(1000)], repeat=15)
    per_call = f"{ours:.1f} µs | {stock:.1f} µs"  # ms per 1,000 calls = µs per call
    return [f"| {len(body)} B login request | {per_call} |"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests_per_second(port: int, seconds: float = 3.0) -> float:
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port)) as sock:
        done = 0
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            sock.sendall(request)
            received = b""
            while not received.endswith(b'{"status":"ok"}'):
                received += sock.recv(65536)
            done += 1
    return done / seconds


def _serve(command: list[str], port: int, folder: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GRIDPOINTS_DATABASE_URL": f"sqlite://{folder}/bench.sqlite3"}
    env["GRIDPOINTS_MEDIA_DIR"] = f"{folder}/media"
    process = subprocess.Popen(
        command, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(command)


RUNNER = (
    "import sys, uvicorn\n"
    "from gateway.http_guard import GuardedHttpToolsProtocol\n"
    "http = GuardedHttpToolsProtocol if sys.argv[2] == 'guarded' else 'httptools'\n"
    "uvicorn.run('gateway.asgi:app', port=int(sys.argv[1]), http=http, access_log=False,"
    " log_config=None)\n"
)


def guard_rows() -> list[str]:
    """The same uvicorn, the same app, without access logs: only the protocol differs."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, kind in (("guarded httptools", "guarded"), ("plain httptools", "plain")):
            port = _free_port()
            process = _serve([sys.executable, "-c", RUNNER, str(port), kind], port, folder)
            try:
                _requests_per_second(port, 1.0)  # warm up
                rates = [_requests_per_second(port) for _ in range(3)]
            finally:
                process.terminate()
                process.wait(timeout=25)
            rows.append(f"| {name} | {statistics.median(rates):,.0f} |")
    return rows


def main() -> None:
    lines = [
        "# The HTTP edge: what it costs and saves",
        "",
        "Written by `python -m bench.edge` (bench/edge.py) on this machine, shared with other",
        "work, so the times are indicative; the sizes are exact.",
        "",
        "## Compression (gateway/compression.py)",
        "",
        f"| response | raw bytes | gzip -{GZIP_LEVEL} | brotli {BROTLI_QUALITY} |",
        "|---|---|---|---|",
        *compression_rows(),
        "",
        "## Reading a JSON body (gateway/bodies.py: orjson, type checks, depth walk)",
        "",
        "| body | gateway | json.loads alone |",
        "|---|---|---|",
        *body_rows(),
        "",
        "## The header guard (gateway/http_guard.py): one keep-alive client, GET /healthz",
        "",
        "| server | requests/s |",
        "|---|---|",
        *guard_rows(),
        "",
    ]
    (HERE / "EDGE.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
