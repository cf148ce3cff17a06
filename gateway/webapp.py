"""The community web app (web/dist, built by Vite) served at `/`.

Hashed assets under /assets/ never change under their name, so browsers keep them for a
year; index.html and the other root files are revalidated on every load, so a new build is
seen at once. Paths without a file extension are the app's own routes (/market, /reports/7):
they get index.html and the app's router takes over. Without a build, `/` says how to make one.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

REPOSITORY_WEB = Path(__file__).resolve().parent.parent / "web"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
BUILD_COMMAND = "npm --prefix web ci && npm --prefix web run build"

NO_BUILD_PAGE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>GridPoints</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
<h1>兴蓉社区 GridPoints</h1>
<p>网页应用尚未构建。The web app is not built yet: install Node.js 20 or later, then run
<code>{BUILD_COMMAND}</code> in the repository (or restart <code>gridpoints serve</code>,
which builds it when npm is found).</p>
<p>The GraphQL API and GraphiQL are at <a href="/graphql">/graphql</a>.</p>
</body></html>
"""


DEFAULT_DIST = REPOSITORY_WEB / "dist"


def is_built(dist: Path) -> bool:
    return (dist / "index.html").is_file()


def _is_client_route(path: str) -> bool:
    return not PurePosixPath(path).suffix


class WebAppFiles(StaticFiles):
    """Starlette's static files (ETags, HEAD, ranges, safe paths) with the app's cache rules
    and the single-page fallback."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        hashed = Path(full_path).parent.name == "assets"
        response.headers["cache-control"] = IMMUTABLE if hashed else REVALIDATE
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404:
                raise
            if not _is_client_route(path):
                return Response("Not Found", status_code=404, media_type="text/plain")
        index = Path(str(self.directory)) / "index.html"
        return FileResponse(index, headers={"cache-control": REVALIDATE})


class NotBuilt:
    """`/` when there is no build: how to get the app; other files are simply not there."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if _is_client_route(scope["path"]):
            response: Response = HTMLResponse(NO_BUILD_PAGE, headers={"cache-control": REVALIDATE})
        else:
            response = Response("Not Found", status_code=404, media_type="text/plain")
        await response(scope, receive, send)


def web_app(dist: Path | None = None) -> ASGIApp:
    """The ASGI app to mount at `/`, after every other route."""
    dist = dist or DEFAULT_DIST
    if not is_built(dist):
        return NotBuilt()
    # Compressed here as well as by nginx: the embedded default has no proxy in front, and the
    # app's JavaScript is a third of its gzipped size (bench/WEB.md).
    return GZipMiddleware(WebAppFiles(directory=dist, html=False), minimum_size=1024)
