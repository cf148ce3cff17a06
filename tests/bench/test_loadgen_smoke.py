"""The load generator's two loops against a real HTTP server (uvicorn) answering canned
offers pages: a smoke that takes well under a second, not a measurement."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.loadgen import closed_loop, open_loop

EDGE = {"node": {"id": "1", "title": "Tea", "merchant": {"name": "Tea House"}}}
PAGE = {"data": {"offers": {"edges": [EDGE] * 20, "pageInfo": {"hasNextPage": True}}}}
DATA: dict[str, Any] = {"W1": {"tokens": ["token-a", "token-b"]}}


async def offers(request: Request) -> Response:
    if not request.headers.get("authorization", "").startswith("Bearer token-"):
        return JSONResponse({"error": "no token"}, status_code=401)
    return JSONResponse(PAGE)


@pytest.fixture
async def port() -> AsyncIterator[int]:
    app = Starlette(routes=[Route("/offers", offers)])
    # The socket listens before uvicorn starts, so connections queue instead of being refused.
    listening = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error"))
    task = asyncio.create_task(server.serve(sockets=[listening]))
    bound: int = listening.getsockname()[1]
    yield bound
    server.should_exit = True
    await task


def spec(port: int, **extra: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "target": "baseline", "data": DATA, **extra}


async def test_closed_loop_sends_exactly_the_bounded_requests(port: int) -> None:
    result = await closed_loop(
        spec(port, workload="W1", concurrency=2, warmup=0, duration=30, max_requests=40)
    )
    assert result["completed"] == 40
    assert result["ok"] == 40
    assert result["errors"] == {}
    assert result["latency_ms"]["p50"] > 0


async def test_open_loop_schedules_rate_times_duration_and_checks_each_answer(
    port: int,
) -> None:
    result = await open_loop(spec(port, weights={"W1": 1}, rate=100, warmup=0, duration=0.3))
    assert result["scheduled"] == 30
    assert result["completed"] == 30
    assert result["ok"] == 30
    assert result["per_workload"]["W1"]["count"] == 30


async def test_a_refused_request_is_counted_as_an_error(port: int) -> None:
    refused = {"W1": {"tokens": ["stolen"]}}
    result = await closed_loop(
        {
            **spec(port, workload="W1", concurrency=1, warmup=0, duration=30, max_requests=3),
            "data": refused,
        }
    )
    assert result["ok"] == 0
    assert result["errors"] == {"HTTP 401": 3}
