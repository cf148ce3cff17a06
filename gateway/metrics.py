"""Prometheus metrics at /metrics: operations, errors, rate limits, pools, circuit state."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

OPERATIONS = Counter(
    "gridpoints_graphql_operations_total", "GraphQL operations", ["operation", "type"]
)
LATENCY = Histogram(
    "gridpoints_graphql_operation_seconds",
    "GraphQL operation latency",
    ["operation"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
ERRORS = Counter("gridpoints_graphql_errors_total", "GraphQL and payload errors", ["code"])
RATE_LIMITED = Gauge("gridpoints_rate_limit_refusals", "Attempts refused by rate limits")
REDIS_CIRCUIT_OPEN = Gauge("gridpoints_redis_circuit_open", "1 while Redis is bypassed")
DB_POOL_SIZE = Gauge("gridpoints_db_pool_connections", "Database pool connections", ["state"])


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by name, and counts errors by code."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = context.operation_name or "anonymous"
        kind = context.operation_type.value if _has_document(context) else "invalid"
        OPERATIONS.labels(name, kind).inc()
        LATENCY.labels(name).observe(time.perf_counter() - started)
        result = context.result
        for error in (result.errors or []) if result else []:
            ERRORS.labels((error.extensions or {}).get("code", "GRAPHQL")).inc()
        _count_payload_errors(result.data if result else None)


def _has_document(context: Any) -> bool:
    try:
        return context.graphql_document is not None and context.operation_type is not None
    except RuntimeError:
        return False


def _count_payload_errors(data: Any) -> None:
    if not isinstance(data, dict):
        return
    for value in data.values():
        if isinstance(value, dict):
            for error in value.get("errors") or []:
                if isinstance(error, dict) and "code" in error:
                    ERRORS.labels(str(error["code"])).inc()


def metrics_endpoint(services: Any) -> Any:
    async def metrics(request: Request) -> Response:
        RATE_LIMITED.set(services.limiter.hits_refused)
        REDIS_CIRCUIT_OPEN.set(1 if services.limiter.breaker.is_open else 0)
        _pool_gauges()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return metrics


def _pool_gauges() -> None:
    from tortoise import connections

    try:
        client = connections.get("default")
    except Exception:
        return
    pool = getattr(client, "_pool", None)
    if pool is None or not hasattr(pool, "get_size"):
        return
    DB_POOL_SIZE.labels("open").set(pool.get_size())
    DB_POOL_SIZE.labels("idle").set(pool.get_idle_size())
