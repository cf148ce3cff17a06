"""Every aliased mutation field is charged before any runs (schema/budgets.py): one request
cannot hash many passwords or spend past the caller's budget, and anonymous `register` is
limited per client address."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from models.people import RefreshToken, User
from tests import factories
from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL


def _register(alias: str, phone: str) -> str:
    return (
        f'{alias}: register(input: {{phone: "{phone}", password: "a-long-password",'
        f' displayName: "Bot"}}) {{ accessToken errors {{ code }} }}'
    )


def _address() -> str:
    return "203.0." + ".".join(str(random.randrange(256)) for _ in range(2))


async def _send(client: GraphQLClient, query: str, address: str, token: str | None = None) -> Any:
    response = await client.post(
        {"query": query}, token=token, headers={"x-forwarded-for": address}
    )
    assert response.status_code == 200
    return response.json()


def _top_codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


async def test_thirty_aliased_registrations_run_none(client: GraphQLClient) -> None:
    await factories.community()
    query = "mutation { " + " ".join(_register(f"r{i}", f"139{i:08d}") for i in range(30)) + " }"
    result = await client.execute(query)
    assert result == {
        "errors": [
            {
                "message": "One request may log in or register once.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ],
    }
    assert await User.all().count() == 0 and await RefreshToken.all().count() == 0


async def test_two_aliased_logins_run_none(client: GraphQLClient) -> None:
    await factories.user(phone="13900000001")
    login = 'login(input: {phone: "13900000001", password: "wrong password"}) { errors { code } }'
    result = await client.execute(
        f"mutation {{ a: {login} ...More }} fragment More on Mutation {{ b: {login} }}"
    )
    assert "data" not in result and _top_codes(result) == ["RATE_LIMITED"]


async def test_anonymous_registration_is_limited_per_address(tmp_path: Path) -> None:
    await factories.community()
    client = make_client(tmp_path, redis_url=TEST_REDIS_URL, trusted_proxies=("127.0.0.1",))
    address = _address()
    outcomes = []
    for i in range(21):
        result = await _send(
            client, "mutation { " + _register("r", f"1390000{i:04d}") + " }", address
        )
        outcomes.append("ok" if result.get("data") else _top_codes(result)[0])
    assert outcomes == ["ok"] * 20 + ["RATE_LIMITED"]
    assert await User.all().count() == 20
    other = await _send(client, "mutation { " + _register("r", "13911111111") + " }", _address())
    assert other["data"]["r"]["errors"] == []


async def test_aliased_mutations_count_against_the_callers_budget(tmp_path: Path) -> None:
    client = make_client(tmp_path, rate_limit_scale=0.05)  # 6 mutations a minute, in-process
    actor = await factories.user()
    token = client.token_for(actor)

    def logouts(n: int) -> str:
        return (
            "mutation { " + " ".join(f'l{i}: logout(refreshToken: "x{i}")' for i in range(n)) + " }"
        )

    fresh = make_client(tmp_path, rate_limit_scale=0.05)
    over = await _send(fresh, logouts(7), _address(), fresh.token_for(actor))
    assert "data" not in over and _top_codes(over) == ["RATE_LIMITED"]
    within = await _send(client, logouts(6), _address(), token)
    assert within == {"data": {f"l{i}": False for i in range(6)}}
    spent = await _send(client, logouts(1), _address(), token)
    assert "data" not in spent and _top_codes(spent) == ["RATE_LIMITED"]
