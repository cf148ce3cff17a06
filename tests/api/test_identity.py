"""Register, log in, refresh, log out and `me`, through the HTTP path with real tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest

from models.people import RefreshToken, User
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient, make_client

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken user { id displayName phone roles homeGrid { name } }
    errors { code field message }
  }
}"""
LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) {
    accessToken refreshToken user { displayName } errors { code field message }
  }
}"""
REFRESH = """
mutation($token: String!) {
  refreshToken(refreshToken: $token) { accessToken refreshToken errors { code } }
}"""
ME = "{ me { displayName phone roles } }"


async def register(client: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    values = {"phone": "13812345678", "password": "correct horse", "displayName": "王小明"}
    values.update(overrides)
    result = await client.execute(REGISTER, {"input": values})
    payload: dict[str, Any] = result["data"]["register"]
    return payload


async def test_register_then_me_with_the_access_token(client: GraphQLClient) -> None:
    grid = await factories.grid("Grid 7")
    payload = await register(client, homeGridId=global_id("MicroGrid", grid.id))
    assert payload["errors"] == []
    assert payload["user"]["displayName"] == "王小明"
    assert payload["user"]["phone"] == "13812345678"
    assert payload["user"]["roles"] == ["RESIDENT"]
    assert payload["user"]["homeGrid"] == {"name": "Grid 7"}
    me = await client.execute(ME, token=payload["accessToken"])
    assert me == {
        "data": {"me": {"displayName": "王小明", "phone": "13812345678", "roles": ["RESIDENT"]}}
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "23812345678"}, "phone"),
        ({"password": "short"}, "password"),
        ({"displayName": "   "}, "displayName"),
        ({"homeGridId": global_id("MicroGrid", 999)}, "homeGridId"),
        ({"homeGridId": "not-an-id"}, "homeGridId"),
    ],
)
async def test_register_refuses_bad_input_and_writes_nothing(
    client: GraphQLClient, overrides: dict[str, str], field: str
) -> None:
    await factories.community()
    payload = await register(client, **overrides)
    assert payload["accessToken"] is None and payload["user"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] in (
        [("INVALID_INPUT", field)],
        [("NOT_FOUND", field)],
    )
    assert await User.all().count() == 0


async def test_register_twice_with_one_phone_is_already_exists(client: GraphQLClient) -> None:
    await factories.community()
    await register(client)
    again = await register(client, displayName="Someone else")
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("ALREADY_EXISTS", "phone")]
    assert await User.all().count() == 1


async def test_wrong_phone_and_wrong_password_give_the_same_error(client: GraphQLClient) -> None:
    await factories.community()
    await register(client)
    wrong_password = await client.execute(LOGIN, {"phone": "13812345678", "password": "nope nope"})
    wrong_phone = await client.execute(LOGIN, {"phone": "13899999999", "password": "correct horse"})
    assert wrong_password == wrong_phone
    assert wrong_phone["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong_phone["data"]["login"]["accessToken"] is None


async def test_login_accepts_the_right_password(client: GraphQLClient) -> None:
    await factories.community()
    await register(client)
    result = await client.execute(LOGIN, {"phone": "13812345678", "password": "correct horse"})
    assert result["data"]["login"]["errors"] == []
    assert result["data"]["login"]["user"] == {"displayName": "王小明"}


async def test_refresh_rotates_and_reuse_revokes_the_family(tmp_path: Path) -> None:
    client = make_client(tmp_path / "media", refresh_grace_seconds=0)
    await factories.community()
    first = (await register(client))["refreshToken"]
    rotated = (await client.execute(REFRESH, {"token": first}))["data"]["refreshToken"]
    assert rotated["errors"] == [] and rotated["refreshToken"] not in (None, first)
    reused = (await client.execute(REFRESH, {"token": first}))["data"]["refreshToken"]
    assert reused["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    after_reuse = (await client.execute(REFRESH, {"token": rotated["refreshToken"]}))["data"]
    assert after_reuse["refreshToken"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert await RefreshToken.filter(revoked_at=None).count() == 0


async def test_logout_revokes_the_refresh_token(client: GraphQLClient) -> None:
    await factories.community()
    token = (await register(client))["refreshToken"]
    out = await client.execute("mutation($t: String!) { logout(refreshToken: $t) }", {"t": token})
    assert out == {"data": {"logout": True}}
    again = await client.execute("mutation($t: String!) { logout(refreshToken: $t) }", {"t": token})
    assert again == {"data": {"logout": False}}
    refreshed = (await client.execute(REFRESH, {"token": token}))["data"]["refreshToken"]
    assert refreshed["errors"] == [{"code": "INVALID_CREDENTIALS"}]


async def test_a_bad_expired_or_forged_token_is_refused_with_401(client: GraphQLClient) -> None:
    actor = await factories.user()
    settings = client.services.settings
    good = client.token_for(actor)
    claims = jwt.decode(good, options={"verify_signature": False})
    forged = jwt.encode(claims, "another-secret-of-at-least-32-bytes!!", algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    expired = jwt.encode(
        {**claims, "exp": 1, "iat": 0},
        settings.jwt_secret,
        algorithm="HS256",
        headers={"kid": jwt.get_unverified_header(good)["kid"]},
    )
    assert await client.execute(ME) == {"data": {"me": None}}
    for token, code in (
        ("garbage", "TOKEN_INVALID"),
        (forged, "TOKEN_INVALID"),
        (unsigned, "TOKEN_INVALID"),
        (expired, "TOKEN_EXPIRED"),
    ):
        response = await client.post({"query": ME}, token=token)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
        assert "data" not in response.json()
    assert (await client.execute(ME, token=good))["data"]["me"]["displayName"] == "Resident"


async def test_a_refresh_token_is_never_an_access_token(client: GraphQLClient) -> None:
    await factories.community()
    payload = await register(client)
    refused = await client.post({"query": ME}, token=payload["refreshToken"])
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"] == {"code": "TOKEN_INVALID"}


async def test_malformed_requests_answer_400(client: GraphQLClient) -> None:
    async with client.http() as http:
        bad_json = await http.post(
            "/graphql", content=b"{not json", headers={"content-type": "application/json"}
        )
        bad_query = await http.post("/graphql", json={"query": "{ me { "})
    assert bad_json.status_code == 400
    assert bad_query.status_code in (200, 400)
    assert "errors" in bad_query.json()


async def test_two_tabs_refreshing_with_one_token_both_stay_logged_in(
    client: GraphQLClient,
) -> None:
    await factories.community()
    shared = (await register(client))["refreshToken"]
    tabs = [(await client.execute(REFRESH, {"token": shared}))["data"]["refreshToken"]]
    tabs.append((await client.execute(REFRESH, {"token": shared}))["data"]["refreshToken"])
    assert [tab["errors"] for tab in tabs] == [[], []]
    assert tabs[0]["refreshToken"] != tabs[1]["refreshToken"]
    for tab in tabs:
        me = await client.execute(ME, token=tab["accessToken"])
        assert me["data"]["me"]["displayName"] == "王小明"
        again = (await client.execute(REFRESH, {"token": tab["refreshToken"]}))["data"]
        assert again["refreshToken"]["errors"] == []
    assert await RefreshToken.filter(revoked_at__not_isnull=True).count() == 0


@pytest.mark.parametrize("header", ["", "   ", "Bearer", "bearer "])
async def test_an_empty_authorization_header_is_anonymous(
    client: GraphQLClient, header: str
) -> None:
    response = await client.post({"query": ME}, headers={"Authorization": header})
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


async def test_a_token_in_another_scheme_is_refused_with_401(client: GraphQLClient) -> None:
    response = await client.post({"query": ME}, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "TOKEN_INVALID"}
