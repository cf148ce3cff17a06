"""Two gateway processes on one PostgreSQL and one Redis behave as one service.

A subscription held by process A hears about changes made through process B, and the
background jobs running in both processes handle each row exactly once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from community.reports import submit_report
from gateway.settings import Settings
from gateway.tokens import TokenService
from models.civic import Report, ReportEvent
from models.enums import ReportCategory, ReportStatus, Role
from resolvers.ids import global_id
from tests import factories
from tests.dbsetup import ON_POSTGRES, TEST_REDIS_URL
from tests.process import servers

pytestmark = pytest.mark.skipif(
    not (ON_POSTGRES and TEST_REDIS_URL), reason="scale-out needs PostgreSQL and Redis"
)
SECRET = "scale-out-test-secret-of-at-least-32-bytes"


def _start(database_url: str, port: int, media: Path) -> subprocess.Popen[bytes]:
    env = servers.gateway_env(
        database_url=database_url,
        redis_url=TEST_REDIS_URL or "",
        jwt_secret=SECRET,
        job_interval_seconds="0.2",
        database_pool_size="4",
        media_dir=str(media),
        # Not a rate-limit test: user ids restart in every test, and their counters in the
        # shared Redis carry over from earlier tests of the run.
        rate_limit_scale="1000",
    )
    return servers.start(servers.gateway_command(port), env)


@pytest.fixture
def gateways(database_url: str, tmp_path: Path) -> Iterator[tuple[int, int]]:
    ports = (servers.free_port(), servers.free_port())
    processes = [_start(database_url, port, tmp_path) for port in ports]
    try:
        for port in ports:
            servers.wait_ready(port)
        yield ports
    finally:
        for process in processes:
            servers.stop(process)


def _token(user_id: int) -> str:
    return TokenService(Settings(jwt_secret=SECRET)).issue_access_token(user_id)


async def _post(port: int, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    result: dict[str, Any] = response.json()
    return result


async def _subscription(
    port: int, token: str, query: str, variables: dict[str, Any]
) -> AsyncGenerator[dict[str, Any]]:
    uri = f"ws://127.0.0.1:{port}/graphql"
    protocols: Any = ["graphql-transport-ws"]
    async with websockets.connect(uri, subprotocols=protocols) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        await ws.send(json.dumps(subscribe))
        while True:
            yield json.loads(await ws.recv())


async def _first_next(stream: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    async for message in stream:
        if message["type"] in ("next", "error"):
            return message
    raise AssertionError("subscription ended")


ADJUST = """mutation($user: ID!, $key: String!) { adjustPoints(input: {userId: $user, amount: 7,
  memo: "Thanks for helping", idempotencyKey: $key}) { entry { amount } errors { code } } }"""
ACCEPT = """mutation($id: ID!) { acceptReport(input: {reportId: $id}) { report { status } } }"""


async def test_subscribers_on_one_gateway_hear_mutations_sent_to_the_other(
    gateways: tuple[int, int], tmp_path: Path
) -> None:
    port_a, port_b = gateways
    grid = await factories.grid()
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    worker = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    resident = await factories.user(name="Resident", home_grid=grid)
    report = await submit_report(
        actor=resident,
        category=ReportCategory.NOISE,
        description="Drums at night",
        media_dir=tmp_path,
    )
    token = _token(resident.user_id)
    points = _subscription(
        port_a, token, "subscription { pointsChanged { amount reason balanceAfter } }", {}
    )
    steps = _subscription(
        port_a,
        token,
        "subscription($id: ID!) { reportUpdated(reportId: $id) { status } }",
        {"id": global_id("Report", report.id)},
    )
    points_next = asyncio.ensure_future(_first_next(points))
    steps_next = asyncio.ensure_future(_first_next(steps))
    await asyncio.sleep(1.0)  # both subscriptions registered on A

    adjusted = await _post(
        port_b,
        _token(admin.user_id),
        ADJUST,
        {"user": global_id("User", resident.user_id), "key": "scale-1"},
    )
    assert adjusted["data"]["adjustPoints"]["errors"] == []
    accepted = await _post(
        port_b, _token(worker.user_id), ACCEPT, {"id": global_id("Report", report.id)}
    )
    assert accepted["data"]["acceptReport"]["report"]["status"] == "ACCEPTED"

    points_message = await asyncio.wait_for(points_next, 10)
    steps_message = await asyncio.wait_for(steps_next, 10)
    assert points_message["payload"]["data"]["pointsChanged"] == {
        "amount": 7,
        "reason": "ADJUSTMENT",
        "balanceAfter": 7,
    }
    assert steps_message["payload"]["data"]["reportUpdated"] == {"status": "ACCEPTED"}
    await points.aclose()
    await steps.aclose()


async def test_jobs_in_both_gateways_escalate_each_overdue_report_once(
    gateways: tuple[int, int], tmp_path: Path
) -> None:
    grid = await factories.grid()
    resident = await factories.user(home_grid=grid)
    ids = []
    for n in range(20):
        report = await submit_report(
            actor=resident,
            category=ReportCategory.SANITATION,
            description=f"Bins {n}",
            media_dir=tmp_path,
        )
        ids.append(report.id)
    await Report.filter(id__in=ids).update(due_at=datetime.now(UTC) - timedelta(minutes=1))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if await Report.filter(id__in=ids, status=ReportStatus.ESCALATED).count() == len(ids):
            break
        await asyncio.sleep(0.3)
    await asyncio.sleep(1.0)  # a few more job rounds in both processes
    assert await Report.filter(id__in=ids, status=ReportStatus.ESCALATED).count() == 20
    escalations = await ReportEvent.filter(
        report_id__in=ids, to_status=ReportStatus.ESCALATED
    ).count()
    assert escalations == 20
