"""The Starlette application: GraphQL at /graphql, health probes, uploaded media."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from strawberry.http.typevars import RootValue

from gateway.db import close_database, open_database, ping_database
from gateway.services import Services
from gateway.settings import Settings
from resolvers.scope import RequestScope
from schema.context import Context
from schema.root import build_schema

MEDIA_URL = "/media/"


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class GridPointsGraphQL(GraphQL[Context, RootValue]):
    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(production=settings.production),
            graphql_ide="graphiql" if settings.graphiql else None,
            multipart_uploads_enabled=True,
        )
        self.services = services

    def scope_for(self, viewer_id: int | None) -> RequestScope:
        settings = self.services.settings
        return RequestScope(
            viewer_id=viewer_id,
            media_dir=settings.media_dir,
            media_url=MEDIA_URL,
            voucher_days=settings.voucher_days,
            refresh_token_days=settings.refresh_token_days,
            publish=self.services.publish,
            issue_access_token=self.services.tokens.issue_access_token,
        )

    async def get_context(self, request: object, response: object) -> Context:
        headers = getattr(request, "headers", {})
        token = bearer_token(headers.get("authorization"))
        viewer_id = self.services.tokens.user_id_from(token) if token else None
        return Context(
            scope=self.scope_for(viewer_id),
            request=request,
            response=response,
            user_id_from_token=self.services.tokens.user_id_from,
            subscribe=self.services.broker.subscribe,
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = Services.create(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(settings.database_url, settings.database_pool_size)
        try:
            yield
        finally:
            await services.close()
            await close_database()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await ping_database()
            checks["database"] = "ok"
        except Exception:
            checks["database"] = "unreachable"
        if services.redis is not None:
            try:
                await services.redis.ping()
                checks["redis"] = "ok"
            except Exception:
                checks["redis"] = "unreachable"
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(checks, status_code=200 if ready else 503)

    graphql = GridPointsGraphQL(services)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount(MEDIA_URL.rstrip("/"), StaticFiles(directory=settings.media_dir)),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app
