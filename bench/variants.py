"""Gateway variants for A/B measurements, built around the unchanged `create_app()`.

Nothing here is used in production. Each variant changes one thing, so that a change already
made, or a suggestion, can be measured back to back against the gateway as it is:

- `stock_json_app`: the GraphQL view's JSON encoder put back to strawberry's default
  (`json.dumps`): the gateway before its orjson encoder.
- `no_gc_freeze_app`: startup objects left to the cyclic garbage collector: the gateway
  before `freeze_startup_objects()` (gateway/app.py).

They are factories: `uvicorn --factory bench.variants:stock_json_app` (same environment as
the gateway), so each process builds and patches only its own app.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.http.base import BaseView

import gateway.app
from gateway.app import GridPointsGraphQL
from gateway.logs import configure_logging
from gateway.settings import Settings


def _create() -> Starlette:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return gateway.app.create_app(settings)


def _graphql_view(app: Starlette) -> GridPointsGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and isinstance(route.endpoint, GridPointsGraphQL):
            return route.endpoint
    raise LookupError("no GraphQL route")


def stock_json_app() -> Starlette:
    app = _create()
    view = _graphql_view(app)
    view.encode_json = BaseView.encode_json.__get__(view)  # type: ignore[method-assign]
    return app


def no_gc_freeze_app() -> Starlette:
    gateway.app.freeze_startup_objects = lambda: None  # this process only
    return _create()
