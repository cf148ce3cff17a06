"""Strawberry's ASGI view with the gateway's own HTTP edge: request parsing, persisted
documents, a coded JSON body for every refusal, and the GraphQL-over-HTTP media type and
status codes.

Stock strawberry parses bodies with `json.loads` and answers its refusals in text/plain; a
`UnicodeDecodeError`, `RecursionError` or non-object top level escapes as a 500 and drops the
keep-alive connection. Here the body is read by gateway/bodies.py, hashes are resolved by
gateway/persisted.py, and every refusal (ours or strawberry's `HTTPException`) leaves as
`{"errors": [{"message", "extensions": {"code"}}]}` on a connection that stays usable.
"""

from __future__ import annotations

import logging
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.typevars import RootValue
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult

from gateway.bodies import RequestRefused, read_request
from gateway.edge_errors import GRAPHQL_RESPONSE_JSON, NO_STORE, error_response
from gateway.error_codes import ensure_codes
from gateway.persisted import PersistedDocuments
from gateway.requests import BodyTooLarge
from schema.codes import TopLevelCode
from schema.context import Context
from schema.masking import GENERIC_MESSAGE

log = logging.getLogger("gridpoints.errors")
ALLOW = {"Allow": "GET, POST"}
NO_QUERY = "No GraphQL query found in the request."


class EdgeRequestAdapter(StarletteRequestAdapter):
    @property
    def request(self) -> Request:
        return self._request


class EdgeGraphQL(GraphQL[Context, RootValue]):
    request_adapter_class = EdgeRequestAdapter
    persisted: PersistedDocuments

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        accept = request.headers.get("accept", "")
        try:
            response = await self.run(request)
        except RequestRefused as refused:
            response = error_response(
                refused.message,
                refused.code,
                refused.status,
                accept=accept,
                headers=refused.headers,
            )
        except HTTPException as error:  # strawberry's own refusals
            response = _from_http_exception(error, accept)
        except BodyTooLarge:
            raise  # answered 413 by RequestGuardMiddleware
        except ClientDisconnect:
            return  # nobody is left to answer
        except Exception:
            # A bug of ours: logged with its stack, answered in JSON on a connection that
            # stays open, instead of Starlette's text/plain 500 that closes it.
            log.exception("unexpected error answering %s %s", request.method, request.url.path)
            response = error_response(
                GENERIC_MESSAGE, TopLevelCode.INTERNAL_SERVER_ERROR, 500, accept=accept
            )
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """Without GraphiQL (production), a GET without a query is a request missing it."""
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    async def parse_http_body(self, request_adapter: AsyncHTTPRequestAdapter) -> Any:
        assert isinstance(request_adapter, EdgeRequestAdapter)
        raw = await read_request(request_adapter.request, self.multipart_uploads_enabled)
        query = await self.persisted.document_for(raw)
        if not query:
            raise RequestRefused(NO_QUERY)
        return GraphQLRequestData(
            query=query,
            variables=raw.variables,
            operation_name=raw.operation_name,
            extensions=raw.extensions,
            protocol="http",
        )

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            cause = error.__cause__
            if isinstance(cause, CannotGetOperationTypeError):
                raise RequestRefused(
                    cause.as_http_error_reason(), TopLevelCode.OPERATION_NOT_FOUND
                ) from error
            if isinstance(cause, InvalidOperationTypeError):
                raise RequestRefused(
                    "Only queries may be sent by GET; send mutations by POST.",
                    TopLevelCode.METHOD_NOT_ALLOWED,
                    status=405,
                    headers={"Allow": "POST"},
                ) from error
            if isinstance(cause, MissingQueryError):
                raise RequestRefused(NO_QUERY) from error
            raise

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        response.media_type = GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else None
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        ensure_codes(processed)  # type: ignore[arg-type]
        if _before_execution(result):
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """GraphQL-over-HTTP: the graphql-response+json media type where asked for, and 400
        for a request that never reached execution (no `data`)."""
        response = super().create_response(response_data, sub_response)
        response.headers.setdefault("cache-control", NO_STORE)
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if isinstance(response_data, dict) and "data" not in response_data:
                response.status_code = 400
        return response


def _before_execution(result: ExecutionResult) -> bool:
    """Parse, validation and variable-coercion failures: no data, and no error has a path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not error.path for error in errors)


def _from_http_exception(error: HTTPException, accept: str) -> Response:
    if error.status_code == 405:
        return error_response(
            error.reason, TopLevelCode.METHOD_NOT_ALLOWED, 405, accept=accept, headers=ALLOW
        )
    status = error.status_code if 400 <= error.status_code < 500 else 400
    return error_response(error.reason, TopLevelCode.BAD_REQUEST, status, accept=accept)
