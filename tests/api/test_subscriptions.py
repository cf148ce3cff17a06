"""Subscriptions over graphql-transport-ws, against the real app, with mutations over HTTP.

The WebSocket is driven straight through the app's ASGI callable, in the test's own event
loop: Starlette's TestClient runs the app on a second event loop in another thread, where
Tortoise notices the loop switch and reconnects its global connection (and asyncpg pools and
Redis connections are bound to the loop that opened them). One loop keeps the test database,
the Redis broker and the HTTP mutations on the same connections the app uses in production.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from starlette.types import ASGIApp, Message

from community import reports
from marketplace import history
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, ReportStatus, Role
from models.people import GridAssignment
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.harness.market import active_merchant, offer_of
from tests.harness.pubsub import listening
from tests.harness.reports import Crew, walk

PROTOCOL = "graphql-transport-ws"
WAIT = 5.0

POINTS_CHANGED = "subscription { pointsChanged { amount reason balanceAfter memo } }"
REPORT_UPDATED = """
subscription($id: ID!) {
  reportUpdated(reportId: $id) { status assignee { displayName } timeline { toStatus } }
}"""
ADJUST = """
mutation($user: ID!, $amount: Int!, $key: String!) {
  adjustPoints(input: {userId: $user, amount: $amount, memo: "Welcome", idempotencyKey: $key}) {
    errors { code }
  }
}"""
REDEEM = """
mutation($offer: ID!) {
  redeemOffer(input: {offerId: $offer, idempotencyKey: "first"}) { pointsBalance errors { code } }
}"""
ACCEPT = """
mutation($id: ID!) { acceptReport(input: {reportId: $id}) { errors { code } } }"""
DISPATCH = """
mutation($id: ID!, $to: ID!) {
  dispatchReport(input: {reportId: $id, assigneeId: $to}) { errors { code } }
}"""


class GraphQLWebSocket:
    """A graphql-transport-ws client speaking ASGI to the app, in the caller's event loop."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [
            (b"host", b"gridpoints.test"),
            (b"sec-websocket-protocol", PROTOCOL.encode()),
        ]
        self.headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self.to_app: asyncio.Queue[Message] = asyncio.Queue()
        self.from_app: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "scheme": "ws",
            "http_version": "1.1",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": self.headers,
            "subprotocols": [PROTOCOL],
            "client": ("127.0.0.1", 50000),
            "server": ("gridpoints.test", 80),
            "state": {},
        }
        self.task = asyncio.ensure_future(self.app(scope, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "websocket.connect"})
        accepted = await asyncio.wait_for(self.from_app.get(), WAIT)
        assert accepted["type"] == "websocket.accept"
        assert accepted["subprotocol"] == PROTOCOL
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        assert self.task is not None
        await asyncio.wait_for(self.task, WAIT)

    async def send(self, message: dict[str, Any]) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive(self, wait: float = WAIT) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), wait)
        assert message["type"] == "websocket.send", message
        received: dict[str, Any] = json.loads(message["text"])
        return received

    async def init(self, token: str | None = None) -> None:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})
        assert await self.receive() == {"type": "connection_ack"}

    async def subscribe(
        self, id_: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": id_, "type": "subscribe", "payload": payload})


@pytest.fixture
async def live(client: GraphQLClient) -> AsyncIterator[GraphQLClient]:
    """The client, with its broker (and Redis reader) closed after the test."""
    yield client
    await client.services.close()


async def submitted(reporter: Actor, grid_id: int, media: Path) -> Report:
    return await reports.submit_report(
        actor=reporter,
        category=ReportCategory.FACILITY,
        description="Broken stair light",
        micro_grid_id=grid_id,
        media_dir=media,
    )


async def test_points_changed_delivers_the_viewers_own_entries(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    neighbour = await factories.user(name="Neighbour")
    owner = await factories.user(name="Owner")
    shop, _ = await active_merchant(owner, by=admin, name="Sunny Grocery")
    rice = await offer_of(shop, owner, description="")
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(resident))
        await ws.subscribe("points", POINTS_CHANGED)
        await listening(live.services, f"points:{resident.user_id}")

        for user, amount, key in ((neighbour, 7, "n"), (resident, 50, "r")):
            variables = {"user": global_id("User", user.user_id), "amount": amount, "key": key}
            done = await live.execute(ADJUST, variables, as_=admin)
            assert done == {"data": {"adjustPoints": {"errors": []}}}
        assert await ws.receive() == {
            "id": "points",
            "type": "next",
            "payload": {
                "data": {
                    "pointsChanged": {
                        "amount": 50,
                        "reason": "ADJUSTMENT",
                        "balanceAfter": 50,
                        "memo": "Welcome",
                    }
                }
            },
        }

        bought = await live.execute(REDEEM, {"offer": global_id("Offer", rice.id)}, as_=resident)
        assert bought == {"data": {"redeemOffer": {"pointsBalance": 40, "errors": []}}}
        spent = await ws.receive()
        assert spent["payload"] == {
            "data": {
                "pointsChanged": {
                    "amount": -10,
                    "reason": "REDEMPTION",
                    "balanceAfter": 40,
                    "memo": "Rice 5 kg",
                }
            }
        }

        await ws.send({"id": "points", "type": "complete"})
        for _ in range(int(WAIT / 0.01)):
            if f"points:{resident.user_id}" not in live.services.broker.fanout.channels():  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the subscription kept listening after complete")


async def test_report_updated_follows_each_step(live: GraphQLClient, tmp_path: Path) -> None:
    grid = await factories.grid()
    reporter = await factories.user(name="Reporter", home_grid=grid)
    worker = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    manager = await factories.user(Role.PROPERTY_MANAGER, name="Manager")
    report = await submitted(reporter, grid.id, tmp_path / "media")
    rid = global_id("Report", report.id)

    # The reporter logs in with connection_init, the worker with the handshake's header.
    worker_headers = {"Authorization": f"Bearer {live.token_for(worker)}"}
    async with (
        GraphQLWebSocket(live.app) as reporter_ws,
        GraphQLWebSocket(live.app, worker_headers) as worker_ws,
    ):
        await reporter_ws.init(live.token_for(reporter))
        await worker_ws.init()
        for ws in (reporter_ws, worker_ws):
            await ws.subscribe("report", REPORT_UPDATED, {"id": rid})
        await listening(live.services, f"report:{report.id}")

        accepted = await live.execute(ACCEPT, {"id": rid}, as_=worker)
        assert accepted == {"data": {"acceptReport": {"errors": []}}}
        for ws in (reporter_ws, worker_ws):
            assert await ws.receive() == {
                "id": "report",
                "type": "next",
                "payload": {
                    "data": {
                        "reportUpdated": {
                            "status": "ACCEPTED",
                            "assignee": None,
                            "timeline": [{"toStatus": "SUBMITTED"}, {"toStatus": "ACCEPTED"}],
                        }
                    }
                },
            }

        to = global_id("User", manager.user_id)
        dispatched = await live.execute(DISPATCH, {"id": rid, "to": to}, as_=worker)
        assert dispatched == {"data": {"dispatchReport": {"errors": []}}}
        step = await reporter_ws.receive()
        assert step["payload"]["data"]["reportUpdated"]["status"] == "DISPATCHED"
        assert step["payload"]["data"]["reportUpdated"]["assignee"] == {"displayName": "Manager"}


async def test_a_subscriber_who_loses_sight_of_the_report_hears_nothing_more(
    live: GraphQLClient, tmp_path: Path
) -> None:
    grid = await factories.grid()
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    reporter = await factories.user(name="Reporter", home_grid=grid)
    member = await factories.user(Role.GRID_MEMBER, name="Member", grids=(grid,))
    report = await submitted(reporter, grid.id, tmp_path / "media")
    rid = global_id("Report", report.id)
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(member))
        await ws.subscribe("report", REPORT_UPDATED, {"id": rid})
        await listening(live.services, f"report:{report.id}")
        await GridAssignment.filter(user_id=member.user_id).delete()
        accepted = await live.execute(ACCEPT, {"id": rid}, as_=admin)
        assert accepted == {"data": {"acceptReport": {"errors": []}}}
        with pytest.raises(TimeoutError):
            await ws.receive(wait=0.3)


@pytest.mark.parametrize(
    ("who", "report", "code", "message"),
    [
        ("neighbour", "mine", "NOT_FOUND", "No such report."),
        ("other_worker", "mine", "NOT_FOUND", "No such report."),
        ("reporter", "missing", "NOT_FOUND", "No such report."),
        ("reporter", "not-an-id", "NOT_FOUND", "No such report."),
        ("nobody", "mine", "UNAUTHENTICATED", "You need to log in."),
    ],
)
async def test_subscribing_to_a_report_one_may_not_see_is_an_error(
    live: GraphQLClient, tmp_path: Path, who: str, report: str, code: str, message: str
) -> None:
    grid, other = await factories.grid("Grid 1"), await factories.grid("Grid 2")
    reporter = await factories.user(name="Reporter", home_grid=grid)
    people = {
        "reporter": reporter,
        "neighbour": await factories.user(name="Neighbour", home_grid=grid),
        "other_worker": await factories.user(Role.GRID_WORKER, name="Elsewhere", grids=(other,)),
    }
    mine = await submitted(reporter, grid.id, tmp_path / "media")
    ids = {
        "mine": global_id("Report", mine.id),
        "missing": global_id("Report", mine.id + 100),
        "not-an-id": "not-an-id",
    }
    token = {"nobody": None, "bad token": "garbage"}.get(who, "")
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(people[who]) if token == "" else token)
        await ws.subscribe("report", REPORT_UPDATED, {"id": ids[report]})
        assert await ws.receive() == {
            "id": "report",
            "type": "next",
            "payload": {
                "data": None,
                "errors": [{"message": message, "extensions": {"code": code}}],
            },
        }
        assert await ws.receive() == {"id": "report", "type": "complete"}
    assert live.services.broker.fanout.channels() == []  # type: ignore[attr-defined]


async def test_points_changed_needs_a_login(live: GraphQLClient) -> None:
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init()
        await ws.subscribe("points", POINTS_CHANGED)
        assert await ws.receive() == {
            "id": "points",
            "type": "next",
            "payload": {
                "data": None,
                "errors": [
                    {"message": "You need to log in.", "extensions": {"code": "UNAUTHENTICATED"}}
                ],
            },
        }
        assert await ws.receive() == {"id": "points", "type": "complete"}


async def test_an_admins_adjustment_reaches_the_subscriber_once_per_key(
    live: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(resident))
        await ws.subscribe("points", POINTS_CHANGED)
        await listening(live.services, f"points:{resident.user_id}")
        variables = {"user": global_id("User", resident.user_id), "amount": 5, "key": "once"}
        for _ in range(2):
            done = await live.execute(ADJUST, variables, as_=admin)
            assert done == {"data": {"adjustPoints": {"errors": []}}}
        first = await ws.receive()
        assert first["payload"]["data"]["pointsChanged"]["balanceAfter"] == 5
        # The replayed adjustment moved nothing, so it announced nothing either.
        with pytest.raises(TimeoutError):
            await ws.receive(wait=0.3)


async def test_a_verified_report_pays_its_reporter_live(
    live: GraphQLClient, tmp_path: Path
) -> None:
    grid = await factories.grid()
    reporter = await factories.user(name="Reporter", home_grid=grid)
    worker = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    manager = await factories.user(Role.PROPERTY_MANAGER, name="Manager")
    report = await submitted(reporter, grid.id, tmp_path / "media")
    await walk(report, ReportStatus.RESOLVED, Crew(worker, manager, reporter, tmp_path / "media"))
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(reporter))
        await ws.subscribe("points", POINTS_CHANGED)
        await ws.subscribe("report", REPORT_UPDATED, {"id": global_id("Report", report.id)})
        await listening(live.services, f"points:{reporter.user_id}")
        await listening(live.services, f"report:{report.id}")
        verify = "mutation($id: ID!) { verifyReport(input: {reportId: $id}) { errors { code } } }"
        done = await live.execute(verify, {"id": global_id("Report", report.id)}, as_=worker)
        assert done == {"data": {"verifyReport": {"errors": []}}}
        received = {}
        for _ in range(2):
            message = await ws.receive()
            received[message["id"]] = message["payload"]["data"]
    assert received == {
        "points": {
            "pointsChanged": {
                "amount": 10,
                "reason": "REPORT_VERIFIED",
                "balanceAfter": 10,
                "memo": f"Report {report.id} verified",
            }
        },
        "report": {
            "reportUpdated": {
                "status": "VERIFIED",
                "assignee": {"displayName": "Manager"},
                "timeline": [
                    {"toStatus": status}
                    for status in ("SUBMITTED", "ACCEPTED", "DISPATCHED", "RESOLVED", "VERIFIED")
                ],
            }
        },
    }


async def test_an_unexpected_failure_mid_subscription_is_masked(
    live: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = await factories.user(name="Resident")

    async def database_gone(**_: object) -> None:
        raise ConnectionResetError("connection to 10.0.3.7:5432 (user gridpoints) was reset")

    monkeypatch.setattr(history, "own_entry", database_gone)
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(resident))
        await ws.subscribe("points", POINTS_CHANGED)
        await listening(live.services, f"points:{resident.user_id}")
        await live.services.broker.publish(f"points:{resident.user_id}", "1")
        failed = await ws.receive()
    assert failed["type"] == "next" and failed["payload"]["data"] is None
    (error,) = failed["payload"]["errors"]
    assert "10.0.3.7" not in error["message"]
    assert error["extensions"]["code"] in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE")
