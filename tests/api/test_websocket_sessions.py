"""WebSocket semantics (gateway/websockets.py), driven through the app's ASGI callable.

Identity is fixed by connection_init; roles are re-read for every operation; the socket closes
with 4401 for a bad token and when the token expires, 4403 when a role held at
connection_init is gone; mutations are refused; malformed messages close with 4400.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from gateway.tokens import ALGORITHM, key_id
from gateway.websockets import MAX_FRAME_BYTES
from models.enums import Role
from models.people import User, UserRole
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.api.test_subscriptions import WAIT, GraphQLWebSocket
from tests.harness.pubsub import listening

ME = "{ me { displayName roles } }"


class Socket(GraphQLWebSocket):
    async def __aenter__(self) -> Socket:
        await super().__aenter__()
        return self

    async def closed(self, wait: float = WAIT) -> tuple[int, str]:
        """The close the app sent (skipping nothing: any other message fails the test)."""
        message = await asyncio.wait_for(self.from_app.get(), wait)
        assert message["type"] == "websocket.close", message
        return int(message["code"]), str(message.get("reason", ""))

    async def raw(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def run(self, query: str, id_: str = "1") -> dict[str, Any]:
        """One query's `next` payload (and its `complete`), or the `error` payload."""
        await self.subscribe(id_, query)
        first = await self.receive()
        if first["type"] == "error":
            return {"error": first["payload"]}
        assert first["type"] == "next", first
        assert await self.receive() == {"id": id_, "type": "complete"}
        payload: dict[str, Any] = first["payload"]
        return payload


def _token(client: GraphQLClient, user_id: int, **claims: Any) -> str:
    settings = client.services.settings
    now = datetime.now(UTC)
    body = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": "test",
        "typ": "access",
        **claims,
    }
    secret = settings.jwt_secret
    return jwt.encode(body, secret, algorithm=ALGORITHM, headers={"kid": key_id(secret)})


@pytest.mark.parametrize(
    "shape",
    ["Authorization", "authorization", "headers", "authToken", "authToken-bearer", "upgrade"],
)
async def test_connection_init_takes_the_token_in_every_common_shape(
    client: GraphQLClient, shape: str
) -> None:
    actor = await factories.user(name="Lin")
    token = client.token_for(actor)
    payloads: dict[str, dict[str, Any]] = {
        "Authorization": {"Authorization": f"Bearer {token}"},
        "authorization": {"authorization": f"Bearer {token}"},
        "headers": {"headers": {"Authorization": f"Bearer {token}"}},
        "authToken": {"authToken": token},
        "authToken-bearer": {"authToken": f"Bearer {token}"},
        "upgrade": {},
    }
    headers = {"Authorization": f"Bearer {token}"} if shape == "upgrade" else None
    async with Socket(client.app, headers) as ws:
        await ws.send({"type": "connection_init", "payload": payloads[shape]})
        assert await ws.receive() == {"type": "connection_ack"}
        assert await ws.run(ME) == {"data": {"me": {"displayName": "Lin", "roles": ["RESIDENT"]}}}


@pytest.mark.parametrize(
    "payload",
    [{}, {"Authorization": ""}, {"authToken": ""}, {"authToken": None}, {"headers": {}}, None],
)
async def test_an_empty_token_is_anonymous(client: GraphQLClient, payload: Any) -> None:
    async with Socket(client.app) as ws:
        await ws.send({"type": "connection_init", "payload": payload})
        assert await ws.receive() == {"type": "connection_ack"}
        assert await ws.run(ME) == {"data": {"me": None}}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"Authorization": "Bearer garbage"}, "TOKEN_INVALID"),
        ({"authToken": "garbage"}, "TOKEN_INVALID"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, "TOKEN_INVALID"),
        ({"Authorization": 12345}, "TOKEN_INVALID"),
        ("expired", "TOKEN_EXPIRED"),
        ("zero-padded", "TOKEN_INVALID"),
    ],
)
async def test_a_bad_or_expired_token_closes_the_socket_with_4401(
    client: GraphQLClient, payload: Any, reason: str
) -> None:
    actor = await factories.user()
    if payload == "expired":
        past = datetime.now(UTC) - timedelta(minutes=1)
        payload = {"Authorization": f"Bearer {_token(client, actor.user_id, exp=past)}"}
    elif payload == "zero-padded":
        payload = {"Authorization": f"Bearer {_token(client, actor.user_id, sub='0001')}"}
    async with Socket(client.app) as ws:
        await ws.send({"type": "connection_init", "payload": payload})
        assert await ws.closed() == (4401, reason)


async def test_the_socket_closes_with_4401_when_its_token_expires(client: GraphQLClient) -> None:
    actor = await factories.user()
    # valid now only thanks to the 10 s leeway, which ends in about a second
    almost = datetime.now(UTC) - timedelta(seconds=9)
    async with Socket(client.app) as ws:
        await ws.init(_token(client, actor.user_id, exp=almost))
        assert (await ws.run(ME))["data"]["me"]["roles"] == ["RESIDENT"]
        assert await ws.closed(wait=5) == (4401, "TOKEN_EXPIRED")


async def test_roles_are_read_for_every_operation_and_a_lost_role_closes_with_4403(
    client: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    async with Socket(client.app) as ws:
        await ws.init(client.token_for(admin))
        first = await ws.run(ME, "a")
        assert sorted(first["data"]["me"]["roles"]) == ["COMMUNITY_ADMIN", "RESIDENT"]
        await UserRole.create(user_id=admin.user_id, role=Role.PROPERTY_MANAGER)
        granted = await ws.run(ME, "b")
        assert sorted(granted["data"]["me"]["roles"]) == [
            "COMMUNITY_ADMIN",
            "PROPERTY_MANAGER",
            "RESIDENT",
        ]
        await UserRole.filter(user_id=admin.user_id, role=Role.COMMUNITY_ADMIN).delete()
        await ws.subscribe("c", ME)
        assert await ws.closed() == (4403, "Forbidden")


async def test_identity_is_fixed_by_connection_init(client: GraphQLClient) -> None:
    actor = await factories.user(name="Lin")
    async with Socket(client.app) as ws:
        await ws.init()  # anonymous
        assert await ws.run(ME, "a") == {"data": {"me": None}}
        await ws.send(
            {"type": "connection_init", "payload": {"Authorization": client.token_for(actor)}}
        )
        assert await ws.closed() == (4429, "Too many initialisation requests")


async def test_mutations_are_refused_over_the_socket(client: GraphQLClient) -> None:
    await factories.community()
    register = (
        'mutation { register(input: {phone: "13912345678", password: "a-long-password",'
        ' displayName: "Mallory"}) { errors { code } } }'
    )
    async with Socket(client.app) as ws:
        await ws.init()
        refused = await ws.run(register)
    assert refused == {
        "error": [
            {
                "message": "Mutations are sent by POST over HTTP, not over the WebSocket.",
                "extensions": {"code": "METHOD_NOT_ALLOWED"},
            }
        ]
    }
    assert await User.filter(phone="13912345678").count() == 0


MALFORMED: list[Any] = [
    [],
    "connection_init",
    None,
    42,
    {"type": 1},
    {"type": "hello"},
    {"type": "next", "id": "1", "payload": {}},
    {"type": "connection_init", "payload": []},
    {"type": "connection_init", "payload": "token"},
    {"type": "ping", "payload": 1},
    {"type": "subscribe", "id": 1, "payload": {"query": "{ me { id } }"}},
    {"type": "subscribe", "id": "", "payload": {"query": "{ me { id } }"}},
    {"type": "subscribe", "id": "x" * 65, "payload": {"query": "{ me { id } }"}},
    {"type": "subscribe", "id": "1", "payload": []},
    {"type": "subscribe", "id": "1"},
    {"type": "subscribe", "id": "1", "payload": {"query": 1}},
    {"type": "subscribe", "id": "1", "payload": {"query": "{ me { id } }", "variables": []}},
    {"type": "subscribe", "id": "1", "payload": {"query": "{ me { id } }", "extensions": 1}},
    {"type": "subscribe", "id": "1", "payload": {"query": "{ me { id } }", "operationName": 1}},
    {"type": "complete"},
    {"type": "complete", "id": ["1"]},
]


@pytest.mark.parametrize("message", MALFORMED, ids=[json.dumps(m)[:40] for m in MALFORMED])
async def test_every_malformed_message_closes_with_4400(
    client: GraphQLClient, message: Any
) -> None:
    initialised = isinstance(message, dict) and message.get("type") in ("subscribe", "complete")
    async with Socket(client.app) as ws:
        if initialised:
            await ws.init()
        await ws.raw(json.dumps(message))
        code, reason = await ws.closed()
    assert code == 4400 and reason


@pytest.mark.parametrize(
    "text", ["{not json", "[" * 100_000 + "]" * 100_000, '{"type": 1' + "0" * 5000 + "}"]
)
async def test_frames_that_are_not_json_close_with_4400(client: GraphQLClient, text: str) -> None:
    async with Socket(client.app) as ws:
        await ws.raw(text[: MAX_FRAME_BYTES - 1])
        code, _ = await ws.closed()
    assert code == 4400


async def test_frames_over_the_body_limit_close_with_1009(client: GraphQLClient) -> None:
    async with Socket(client.app) as ws:
        await ws.init()
        query = "{ me { id } }" + " " * MAX_FRAME_BYTES
        await ws.subscribe("big", query)
        assert await ws.closed() == (1009, f"Messages are limited to {MAX_FRAME_BYTES} bytes.")


async def test_a_subscriber_who_loses_a_role_is_closed_at_the_next_event(
    client: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    member = await factories.user(Role.GRID_MEMBER, name="Member")
    adjust = (
        "mutation($u: ID!, $k: String!) { adjustPoints(input: {userId: $u, amount: 5,"
        ' memo: "Thanks", idempotencyKey: $k}) { errors { code } } }'
    )
    variables = {"u": global_id("User", member.user_id)}
    try:
        async with Socket(client.app) as ws:
            await ws.init(client.token_for(member))
            await ws.subscribe("points", "subscription { pointsChanged { amount } }")
            await listening(client.services, f"points:{member.user_id}")
            first = await client.execute(adjust, {**variables, "k": "a"}, as_=admin)
            assert first == {"data": {"adjustPoints": {"errors": []}}}
            heard = await ws.receive()
            assert heard["payload"] == {"data": {"pointsChanged": {"amount": 5}}}
            await UserRole.filter(user_id=member.user_id, role=Role.GRID_MEMBER).delete()
            second = await client.execute(adjust, {**variables, "k": "b"}, as_=admin)
            assert second == {"data": {"adjustPoints": {"errors": []}}}
            assert await ws.closed() == (4403, "Forbidden")
    finally:
        await client.services.close()
