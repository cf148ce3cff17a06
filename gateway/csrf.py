"""CSRF prevention the way Apollo Server does it: a POST whose content type a browser may send
cross-site without a preflight (none, text/plain, application/x-www-form-urlencoded,
multipart/form-data) must carry a header that no simple request can: `Apollo-Require-Preflight`
or `X-Apollo-Operation-Name`, any non-empty value. A page on another origin then cannot send it
without a CORS preflight, which only GRIDPOINTS_CORS_ORIGINS pass. JSON POSTs force a preflight
by their content type already.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.edge_errors import error_response
from schema.codes import TopLevelCode

PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
SIMPLE_TYPES = ("", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = (
    "This request could be sent by any web page: add an `Apollo-Require-Preflight: true` header "
    "(or `X-Apollo-Operation-Name`) to multipart and other non-JSON POSTs."
)


class CSRFPreventionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type in SIMPLE_TYPES and not any(headers.get(h) for h in PREFLIGHT_HEADERS):
            response = error_response(
                MESSAGE, TopLevelCode.CSRF_PREVENTED, 400, accept=headers.get("accept", "")
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
