"""The load loops and their client against a real HTTP server (uvicorn) answering canned
offers pages: a smoke of well under two seconds, not a measurement."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.client import Connection
from bench.loadgen import Closed, Open, Target, closed_loop, open_loop
from bench.workloads import Request as BenchRequest
from bench.workloads import Supply

EDGE = {"node": {"id": "1", "title": "Tea", "merchant": {"name": "Tea House"}}}
PAGE = {"data": {"offers": {"edges": [EDGE] * 20, "pageInfo": {"hasNextPage": True}}}}
STALL = 0.2  # seconds the server takes while `stalled` is set


def supply(*tokens: str) -> Supply:
    return Supply("test", {"W1": list(tokens)}, [])


async def offers(request: Request) -> Response:
    if request.app.state.stalled:
        await asyncio.sleep(STALL)
    if not request.headers.get("authorization", "").startswith("Bearer token-"):
        return JSONResponse({"error": "no token"}, status_code=401)
    return JSONResponse(PAGE)


@pytest.fixture
async def server() -> AsyncIterator[tuple[Starlette, Target]]:
    app = Starlette(routes=[Route("/offers", offers)])
    app.state.stalled = False
    # The socket listens before uvicorn starts, so connections queue instead of being refused.
    # Made as TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it every answer (head and body written apart) waits ~40 ms for a delayed ACK.
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    running = uvicorn.Server(uvicorn.Config(app, log_level="error"))
    task = asyncio.create_task(running.serve(sockets=[listening]))
    yield app, Target("baseline", listening.getsockname()[1])
    running.should_exit = True
    await task


async def test_the_client_reads_what_httpx_reads(server: tuple[Starlette, Target]) -> None:
    port = server[1].port
    conn = Connection("127.0.0.1", port)
    statuses = [await conn.send(BenchRequest("GET", "/offers", t)) for t in ("token-a", "x")]
    await conn.close()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        answers = [
            await http.get("/offers", headers={"Authorization": f"Bearer {t}"})
            for t in ("token-a", "x")
        ]
    assert statuses == [(a.status_code, a.content) for a in answers]
    assert [s for s, _ in statuses] == [200, 401]


async def test_closed_loop_sends_exactly_the_bounded_requests(
    server: tuple[Starlette, Target],
) -> None:
    spec = Closed("W1", concurrency=2, warmup=0, duration=30, max_requests=40)
    result = await closed_loop(server[1], spec, supply("token-a", "token-b"))
    assert (result.latency.count, result.ok, result.errors) == (40, 40, {})
    assert result.exhausted
    assert result.latency.p50 > 0


async def test_a_refused_request_is_counted_as_an_error(server: tuple[Starlette, Target]) -> None:
    spec = Closed("W1", concurrency=1, warmup=0, duration=30, max_requests=3)
    result = await closed_loop(server[1], spec, supply("stolen"))
    assert result.ok == 0
    assert result.errors == {"HTTP 401": 3}


async def test_open_loop_sends_rate_times_duration_and_checks_each_answer(
    server: tuple[Starlette, Target],
) -> None:
    spec = Open({"W1": 1}, rate=100, warmup=0, duration=0.3)
    result = await open_loop(server[1], spec, supply("token-a"))
    assert (result.scheduled, result.run.latency.count, result.run.ok) == (30, 30, 30)
    assert result.parts["W1"].latency.count == 30


async def test_a_stalled_server_is_charged_from_each_due_time_within_the_connection_cap(
    server: tuple[Starlette, Target],
) -> None:
    app, target = server
    app.state.stalled = True
    spec = Open({"W1": 1}, rate=100, warmup=0, duration=0.2, max_connections=4)
    result = await open_loop(target, spec, supply("token-a"))
    assert result.connections == 4
    assert result.run.ok == 20
    # 20 requests, 4 at a time, 0.2 s each: the last waits 4 rounds from its due time, not 1.
    assert result.run.latency.max > 3 * STALL * 1000
