"""Prometheus metrics at /metrics: operations, errors, rate limits, pools, circuit state.

Every label comes from a bounded set, never straight from a client: an operation is labelled
by its name only when that name is known (an operation of the trusted documents, or, without
them, one of the first MAX_OPERATION_NAMES names this process saw), else "other"; error codes
outside our vocabularies are "other" too. /metrics is not public: it answers only a request
carrying `Authorization: Bearer <GRIDPOINTS_METRICS_TOKEN>`, and 404 while no token is set.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from schema.codes import TopLevelCode
from schema.errors import ErrorCode

MAX_OPERATION_NAMES = 100
OTHER = "other"
KNOWN_CODES = frozenset(code.value for code in TopLevelCode) | frozenset(
    code.value for code in ErrorCode
)

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


class OperationNames:
    """The operation names that may become label values."""

    def __init__(self) -> None:
        self.trusted: frozenset[str] | None = None
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def trust_only(self, names: frozenset[str] | None) -> None:
        self.trusted = names

    def label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if self.trusted is not None:
            return name if name in self.trusted else OTHER
        if name in self.seen:
            return name
        with self.lock:
            if len(self.seen) < MAX_OPERATION_NAMES:
                self.seen.add(name)
                return name
        return OTHER


OPERATION_NAMES = OperationNames()


def code_label(code: object) -> str:
    return code if isinstance(code, str) and code in KNOWN_CODES else OTHER


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by name, and counts errors by code."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        known = _has_document(context)
        kind = context.operation_type.value if known else "invalid"
        # Once the operation is found in the document, its name is a GraphQL Name from it.
        name = OPERATION_NAMES.label(context.operation_name if known else None)
        OPERATIONS.labels(name, kind).inc()
        LATENCY.labels(name).observe(time.perf_counter() - started)
        result = context.result
        for error in (result.errors or []) if result else []:
            ERRORS.labels(code_label((error.extensions or {}).get("code"))).inc()
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
                    ERRORS.labels(code_label(error["code"])).inc()


def _authorized(request: Request, token: str | None) -> bool:
    if token is None:
        return False
    presented = request.headers.get("authorization", "")
    return hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


def metrics_endpoint(services: Any) -> Any:
    async def metrics(request: Request) -> Response:
        if not _authorized(request, services.settings.metrics_token):
            return Response("Not Found", status_code=404, media_type="text/plain")
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
