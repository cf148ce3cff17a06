"""Lone surrogates ("\\ud800" in JSON) are refused as INVALID_INPUT, never an internal error,
and the JSON log formatter never loses a record, whatever it holds."""

from __future__ import annotations

import json
import logging
import sys

import orjson

from gateway.logs import JsonFormatter
from models.people import User
from tests import factories
from tests.api.client import GraphQLClient

REGISTER = (
    "mutation($input: RegisterInput!) { register(input: $input) "
    "{ accessToken errors { code field } } }"
)


async def _post_raw(client: GraphQLClient, body: str) -> dict[str, object]:
    """JSON text as written (with its \\ud800 escapes), not re-encoded by a client library."""
    async with client.http() as http:
        response = await http.post(
            "/graphql", content=body.encode(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 200
    result: dict[str, object] = response.json()
    return result


async def test_a_lone_surrogate_in_a_display_name_is_invalid_input(client: GraphQLClient) -> None:
    await factories.community()
    for field, value in (("displayName", "Mallory\\ud800"), ("password", "long-password\\udfff")):
        values = {"phone": "13912345678", "password": "a-long-password", "displayName": "Lin"}
        text = json.dumps({"query": REGISTER, "variables": {"input": values}})
        text = text.replace(json.dumps(values[field]), f'"{value}"')
        result = await _post_raw(client, text)
        assert result == {
            "data": {
                "register": {
                    "accessToken": None,
                    "errors": [{"code": "INVALID_INPUT", "field": field}],
                }
            }
        }
    assert await User.all().count() == 0


async def test_lone_surrogates_in_secrets_are_simply_wrong(client: GraphQLClient) -> None:
    await factories.user(phone="13900000000")
    operations = {
        "login": 'mutation($v: String!) { login(input: {phone: "13900000000", password: $v})'
        " { errors { code } } }",
        "refreshToken": "mutation($v: String!) { refreshToken(refreshToken: $v)"
        " { errors { code } } }",
        "logout": "mutation($v: String!) { logout(refreshToken: $v) }",
    }
    results = {}
    for name, query in operations.items():
        text = json.dumps({"query": query, "variables": {"v": "MARK"}})
        results[name] = await _post_raw(client, text.replace("MARK", "long-pass\\ud800"))
    refused = {"errors": [{"code": "INVALID_CREDENTIALS"}]}
    assert results == {
        "login": {"data": {"login": refused}},
        "refreshToken": {"data": {"refreshToken": refused}},
        "logout": {"data": {"logout": False}},
    }


def _record(msg: object, *args: object, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("bad \ud800 value")
        except ValueError:
            info = sys.exc_info()
    return logging.LogRecord("gridpoints.test", logging.ERROR, __file__, 1, msg, args, info)


def test_the_log_formatter_never_loses_a_record() -> None:
    formatter = JsonFormatter()
    records = [
        _record("name %s", "Mallory\ud800"),
        _record("lone \udfff in the format"),
        _record("%d apples", "not a number"),  # a broken format string
        _record("%s and %s", "one"),  # too few arguments
        _record({"a": "\ud800"}),  # not even a string
        _record("failed", exc=True),
        _record(b"bytes \xff"),
    ]
    lines = [formatter.format(record) for record in records]
    entries = [orjson.loads(line) for line in lines]
    assert [entry["level"] for entry in entries] == ["ERROR"] * len(records)
    assert entries[0]["message"] == "name Mallory\ufffd"
    assert entries[2]["message"] == "'%d apples' % ('not a number',)"
    assert "ValueError: bad \ufffd value" in entries[5]["error"]


async def _post_status(client: GraphQLClient, body: str) -> tuple[int, dict[str, object]]:
    async with client.http() as http:
        response = await http.post(
            "/graphql", content=body.encode(), headers={"content-type": "application/json"}
        )
    result: dict[str, object] = response.json()
    return response.status_code, result


async def test_a_lone_surrogate_in_a_name_is_a_malformed_request(client: GraphQLClient) -> None:
    await factories.community()
    values = {"phone": "13912345678", "password": "a-long-password", "displayName": "Lin"}
    good = json.dumps({"query": REGISTER, "variables": {"input": values}, "operationName": None})
    for bad in (
        good.replace('"displayName"', '"display\\ud800Name"'),  # an input field's name
        good.replace('"operationName": null', '"operationName": "R\\udfff"'),
        good.replace("RegisterInput!", "RegisterInput!\\ud800"),  # inside the document
    ):
        status, result = await _post_status(client, bad)
        assert status == 400
        errors = result["errors"]
        assert isinstance(errors, list)
        assert [error["extensions"]["code"] for error in errors] == ["BAD_REQUEST"]
    assert await User.all().count() == 0


async def test_a_lone_surrogate_quoted_back_in_an_error_is_still_json(
    client: GraphQLClient,
) -> None:
    text = json.dumps({"query": "query($n: Int) { offers(first: $n) { edges { cursor } } }"})
    body = text[:-1] + ', "variables": {"n": "MARK\\ud800"}}'
    status, result = await _post_status(client, body)
    assert status == 200
    errors = result["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "MARK" in errors[0]["message"]
