"""GraphiQL without the internet: its page at GET /graphql, its assets under /graphiql/.

Strawberry's own page loads React, GraphiQL and its plugins from a public CDN, so on an
intranet or offline it never gets past "Loading...". Here every asset comes from the gateway.

Where the assets come from, and why: the PyPI package `graphene-django-graphiql-static`
(pinned in pyproject.toml) ships the UMD builds of React 17.0.2, GraphiQL 3 and graphql-ws as
plain files. It is installed by `pip install -e .` like any other dependency, so the README's
`pip install -e . && gridpoints serve --demo` needs nothing but Python, as the embedded default
promises. Vendoring from the npm `graphiql` package would need Node.js at install time (or
minified blobs committed here). We use only its static files, never its Django code, and
each file is pinned by its SHA-384 below: the page carries them as Subresource Integrity, so a
changed file is refused by the browser, and a test checks the installed files against them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

ASSETS_URL = "/graphiql/"
PACKAGE = "graphene_django_graphiql_static"

# file name -> Subresource Integrity (sha384) of the file the package ships
ASSETS: dict[str, str] = {
    "react.production.min.js": "sha384-"
    "7Er69WnAl0+tY5MWEvnQzWHeDFjgHSnlQfDDeWUvv8qlRXtzaF/pNo18Q2aoZNiO",
    "react-dom.production.min.js": "sha384-"
    "vj2XpC1SOa8PHrb0YlBqKN7CQzJYO72jz4CkDQ+ePL1pwOV4+dn05rPrbLGUuvCv",
    "graphiql.min.js": "sha384-D/IKSk3XqkadtnKEtZYmq7ogOIY6TFrKojcZiAhIqroSy4U+N1sXmMv0NdoHhzgr",
    "graphiql.min.css": "sha384-d7FYWnzKaTlP7q6QjcR7cgBzQ7qg7I5ghGeuzwLjzmmLGfgi8fXpUaebuXTTzcVK",
    "graphql-ws.min.js": "sha384-Z97pAtGP4LFSTRa6ymyvHN5i5nEn5uIQXyjv5X4eECJAoA8xOfJ18/YcqYE5gqtW",
}
SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js")
STYLES = ("graphiql.min.css",)
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def asset_file(name: str) -> Traversable:
    return files(PACKAGE).joinpath("static", PACKAGE, name)


@cache
def asset_bytes(name: str) -> bytes:
    """Read once (about 1.1 MB in all), so no request waits on the disk."""
    return asset_file(name).read_bytes()


def integrity(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def _tag(name: str) -> str:
    url, sri = ASSETS_URL + name, ASSETS[name]
    if name.endswith(".css"):
        return f'<link rel="stylesheet" href="{url}" integrity="{sri}" crossorigin="anonymous">'
    return f'<script src="{url}" integrity="{sri}" crossorigin="anonymous"></script>'


# Headers typed into GraphiQL go with HTTP requests; the socket is opened only when a
# subscription runs, and sends the Authorization header in connection_init.
_BOOT = """
const endpoint = new URL(%(path)s, location.href);
const socketUrl = endpoint.href.replace(/^http/, "ws");
let socketHeaders = {};
const fetcher = GraphiQL.createFetcher({
  url: endpoint.href,
  wsClient: graphqlWs.createClient({
    url: socketUrl, lazy: true, connectionParams: () => socketHeaders,
  }),
});
function withSocketHeaders(params, options) {
  socketHeaders = (options && options.headers) || {};
  return fetcher(params, options);
}
ReactDOM.render(
  React.createElement(GraphiQL, {
    fetcher: withSocketHeaders,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
  }),
  document.getElementById("graphiql"),
);
"""


def page(graphql_path: str = "/graphql") -> str:
    """The GraphiQL page: every script and style from ASSETS_URL, with its integrity."""
    tags = "\n".join(_tag(name) for name in (*STYLES, *SCRIPTS, "graphql-ws.min.js"))
    boot = _BOOT % {"path": json.dumps(graphql_path)}
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GridPoints GraphiQL</title>
<link rel="icon" href="data:,">
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
{tags}
</head>
<body>
<div id="graphiql">Loading...</div>
<script>{boot}</script>
</body>
</html>
"""


def page_response() -> HTMLResponse:
    return HTMLResponse(page())


async def serve_asset(request: Request) -> Response:
    """Only the pinned files, never anything else of the package."""
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response("Not found.", status_code=404, media_type="text/plain")
    return Response(
        asset_bytes(name),
        media_type=MEDIA_TYPES[name[name.rfind(".") :]],
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


def routes() -> list[Route]:
    for name in ASSETS:
        asset_bytes(name)  # at startup, and a missing package fails here, not in a browser
    return [Route(ASSETS_URL + "{name}", serve_asset, methods=["GET", "HEAD"])]
