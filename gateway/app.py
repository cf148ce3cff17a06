"""The Starlette application: GraphQL at /graphql, health probes, uploaded media."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.http.typevars import RootValue
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from gateway import graphiql, jobs
from gateway.bearer import VIEWER_KEY, BearerTokenMiddleware
from gateway.clients import client_address
from gateway.db import close_database, open_database, ping_database
from gateway.edge import edge_middleware
from gateway.edge_view import EdgeGraphQL
from gateway.media import MediaFiles
from gateway.metrics import OPERATION_NAMES, OperationMetrics, metrics_endpoint
from gateway.persisted import persisted_documents
from gateway.scopes import MEDIA_URL, request_scope
from gateway.services import Services
from gateway.settings import Settings
from gateway.venue_calendar import calendar_route
from gateway.webapp import web_app
from gateway.websockets import GatewayTransportWSHandler, GatewayWebSocketAdapter
from resolvers.scope import RequestScope
from schema.context import Context
from schema.root import build_schema

READY_TIMEOUT_SECONDS = 2.0


def gateway_extensions(settings: Settings) -> tuple[Any, ...]:
    """Metrics always; OpenTelemetry tracing when switched on (it needs its own packages)."""
    if not settings.otel_enabled:
        return (OperationMetrics,)
    from strawberry.extensions.tracing import OpenTelemetryExtension

    return (OperationMetrics, OpenTelemetryExtension)


class GridPointsGraphQL(EdgeGraphQL[RootValue]):
    """The gateway's GraphQL view: its schema, WebSocket protocol, JSON encoder and context."""

    graphql_transport_ws_handler_class = GatewayTransportWSHandler  # type: ignore[assignment]
    websocket_adapter_class = GatewayWebSocketAdapter  # type: ignore[assignment]

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(production=settings.production, extra=gateway_extensions(settings)),
            graphql_ide="graphiql" if settings.graphiql else None,
            multipart_uploads_enabled=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=settings.cors_origins,
        )
        self.services = services
        self.persisted = persisted_documents(
            services.redis, settings.persisted_queries_max, settings.trusted_documents
        )
        manifest = self.persisted.manifest
        OPERATION_NAMES.trust_only(manifest.operation_names if manifest is not None else None)
        self.tokens = services.tokens

    def scope_for(self, viewer_id: int | None, address: str = "-") -> RequestScope:
        return request_scope(
            self.services.settings,
            viewer_id,
            publish=self.services.publish,
            issue_access_token=self.services.tokens.issue_access_token,
            allow=self.services.allow,
            client_address=address,
        )

    def encode_json(self, data: object) -> str:
        """orjson, not json.dumps: the same JSON for a fraction of the time (bench/RESULTS.md).
        A str, not bytes, so that WebSocket messages stay text frames. orjson refuses lone
        surrogates, which an error message may quote from a variable: the standard library
        writes those as `\\ud800` escapes."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page_response()

    async def get_context(self, request: object, response: object) -> Context:
        headers = getattr(request, "headers", {})
        # HTTP: verified by BearerTokenMiddleware; WebSocket: decided at connection_init
        viewer_id = getattr(request, "scope", {}).get(VIEWER_KEY)
        peer = getattr(getattr(request, "client", None), "host", None)
        address = client_address(peer, headers, self.services.settings.trusted_proxies)
        return Context(
            scope=self.scope_for(viewer_id, address),
            request=request,
            response=response,
            subscribe=self.services.broker.subscribe,
        )


def freeze_startup_objects() -> None:
    """Put what startup built (modules, the schema, the ORM's metadata: ~100,000 objects)
    beyond the cyclic garbage collector's reach. Full collections then scan only what
    requests leave behind, and no longer stop the event loop for ~70 ms every few seconds
    (p99 of the 100 req/s mix: 82 ms before, 20 ms after; bench/RESULTS.md)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = Services.create(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(settings.database_url, settings.database_pool_size)
        try:
            async with jobs.running(services):
                freeze_startup_objects()
                yield
        finally:
            await services.close()
            await close_database()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(ping_database(), READY_TIMEOUT_SECONDS)
            checks["database"] = "ok"
        except Exception:
            checks["database"] = "unreachable"
        if services.redis is not None:
            try:
                await asyncio.wait_for(services.redis.ping(), READY_TIMEOUT_SECONDS)
                checks["redis"] = "ok"
            except Exception:
                checks["redis"] = "unreachable"
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(checks, status_code=200 if ready else 503)

    graphql = GridPointsGraphQL(services)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    app = Starlette(
        middleware=[
            *edge_middleware(settings),
            # inside CORS, so that a browser can read the 401
            Middleware(BearerTokenMiddleware, tokens=services.tokens),
        ],
        routes=[
            Route("/graphql", graphql),  # every method: the view answers 405 in JSON
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint(services)),
            calendar_route(services),
            Mount(MEDIA_URL.rstrip("/"), MediaFiles(directory=settings.media_dir)),
            *(graphiql.routes() if settings.graphiql else []),
            Mount("/", web_app(settings.web_dist)),  # last: the web app takes what is left
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app
