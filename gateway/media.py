"""Uploaded photos at /media/: only content-addressed names, with headers that keep a browser
from ever treating one as a page.

`nosniff` stops content sniffing; the Content-Security-Policy (`default-src 'none'; sandbox`)
means that even a file opened as a document runs no script and loads nothing. The names are
the sha256 of the (re-encoded) content, so a URL's bytes never change: cache them for a year.
"""

from __future__ import annotations

import re

from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CONTENT_ADDRESSED = re.compile(r"^[0-9a-f]{64}\.(jpg|png|webp)$")
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "cross-origin",
}


class MediaFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        if not CONTENT_ADDRESSED.match(path):
            response: Response = PlainTextResponse("Not Found", status_code=404)
        else:
            response = await super().get_response(path, scope)
        response.headers.update(MEDIA_HEADERS)
        if response.status_code in (200, 304):
            response.headers["cache-control"] = IMMUTABLE
        return response
