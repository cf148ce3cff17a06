"""Metrics at /metrics, JSON logs with request ids, and nothing secret in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest

from gateway.logs import JsonFormatter, redact
from schema.context import request_id
from tests import factories
from tests.api.client import make_client

METRICS_TOKEN = "metrics-token-for-tests"


async def test_metrics_count_operations_by_name_and_errors_by_code(tmp_path: Path) -> None:
    client = make_client(tmp_path / "media", metrics_token=METRICS_TOKEN)
    await factories.community()
    async with client.http() as http:
        await http.post("/graphql", json={"query": "query WhoAmI { me { id } }"})
        await http.post(
            "/graphql",
            json={
                "query": 'mutation SignIn { login(input: {phone: "13800000000", '
                'password: "wrong-password"}) { errors { code } } }'
            },
        )
        metrics = await http.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
    text = metrics.text
    assert metrics.status_code == 200
    assert 'gridpoints_graphql_operations_total{operation="WhoAmI",type="query"}' in text
    assert 'gridpoints_graphql_errors_total{code="INVALID_CREDENTIALS"}' in text
    assert "gridpoints_redis_circuit_open" in text
    assert 'gridpoints_graphql_operation_seconds_bucket{le="0.002",operation="WhoAmI"}' in text


def test_log_lines_are_json_with_the_request_id_and_no_secrets() -> None:
    token = request_id.set("req-12345678")
    try:
        record = logging.LogRecord(
            "gridpoints",
            logging.INFO,
            __file__,
            1,
            "login for %s with %s",
            ("13812345678", "Bearer eyJhbGciOiJI.eyJzdWIi.c2ln"),
            None,
        )
        line = orjson.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "login for 138****5678 with Bearer [redacted]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phone 13900001111 asked", "phone 139****1111 asked"),
        ("token eyJa.eyJb.sig here", "token [redacted-token] here"),
        ("order 123456789012345", "order 123456789012345"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected
