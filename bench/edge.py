"""What the HTTP edge costs and saves: `python -m bench.edge` (no database needed).

- compression: the introspection result and a 100-offer catalogue page, raw, gzip -6 and
  brotli 4 (sizes are exact; times are the median of repeated runs on this machine);
- body reading: gateway/bodies.py's decode of a typical request against `json.loads`;
- the header guard's cost, measured once (an A/B of the gateway against itself without the
  guard; the script is in git at 8679cac) and kept here as recorded.

Writes bench/EDGE.md.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import orjson
from graphql import get_introspection_query

from bench.stats import median_ms
from gateway.bodies import from_json_body
from gateway.compression import BROTLI_QUALITY, GZIP_LEVEL
from schema.root import build_schema

HERE = Path(__file__).parent
GUARD = [
    "## The header guard (gateway/http_guard.py): one keep-alive client, GET /healthz",
    "",
    "Measured once, by `git show 8679cac:bench/edge.py` (the guarded and the plain httptools",
    "protocol in the same uvicorn); the A/B is no longer run.",
    "",
    "| server | requests/s |",
    "|---|---|",
    "| guarded httptools | 1,134 |",
    "| plain httptools | 1,140 |",
    "",
]


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
        gz_ms = median_ms(functools.partial(gzip.compress, body, GZIP_LEVEL), 30)
        br_ms = median_ms(functools.partial(brotli.compress, body, quality=BROTLI_QUALITY), 30)
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
    ours = median_ms(lambda: [from_json_body(body) for _ in range(1000)], 15)
    stock = median_ms(lambda: [json.loads(body) for _ in range(1000)], 15)
    per_call = f"{ours:.1f} µs | {stock:.1f} µs"  # ms per 1,000 calls = µs per call
    return [f"| {len(body)} B login request | {per_call} |"]


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
        *GUARD,
    ]
    (HERE / "EDGE.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
