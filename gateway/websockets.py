"""WebSocket sessions over graphql-transport-ws, authorised like HTTP requests.

- Identity is fixed by `connection_init`: the token in its payload (`Authorization`,
  `authorization`, `headers.Authorization` or `authToken`), else the upgrade request's
  `Authorization` header, else anonymous. A bad or expired token closes the socket with 4401;
  nothing sent later changes who the socket speaks for.
- Every operation gets a fresh RequestScope: the viewer and their roles are read again and the
  dataloaders are new. An operation (or a subscription's event, which reads them again too)
  of a user who is gone or has lost a role they held at `connection_init` closes the socket
  with 4403.
- The socket is closed with 4401 when its access token expires.
- Mutations are refused (METHOD_NOT_ALLOWED): they go by POST, under every HTTP rule.
- Frames are bounded like JSON bodies (64 KB; `gridpoints serve` also tells uvicorn); a frame
  that is not a well-formed message closes the socket with 4400 and a reason, never a stack
  trace. The protocol's own codes stay: 4401 subscribe before ack, 4409 a duplicate id,
  4429 a second `connection_init`.

The legacy `graphql-ws` subprotocol is not offered.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Protocol

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.utils.aio import aclosing

from community.people import load_actor
from gateway.bearer import carries_token
from gateway.requests import JSON_BODY_LIMIT
from gateway.tokens import INVALID, TokenRejected, TokenService
from models.enums import Role
from schema.codes import TopLevelCode
from schema.context import Context, bearer_token

log = logging.getLogger("gridpoints.websocket")

MAX_FRAME_BYTES = JSON_BODY_LIMIT
MAX_ID_BYTES = 64  # close reasons quote the id, and a close frame holds 123 bytes
SOCKET_OPERATIONS = frozenset({OperationType.QUERY, OperationType.SUBSCRIPTION})

BAD_MESSAGE = 4400
UNAUTHORIZED = 4401
FORBIDDEN = 4403
TOO_BIG = 1009
TRY_AGAIN_LATER = 1013
_OPTIONAL_OBJECT = (dict, type(None))


class FrameTooLarge(Exception):
    pass


class HasTokens(Protocol):
    @property
    def tokens(self) -> TokenService: ...


class GatewayWebSocketAdapter(ASGIWebSocketAdapter):
    """Text frames of at most MAX_FRAME_BYTES, decoded as JSON or refused (never a crash)."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        while self.ws.application_state != WebSocketState.DISCONNECTED:
            try:
                text = await self.ws.receive_text()
            except KeyError as error:  # a binary frame
                raise NonTextMessageReceived from error
            except (WebSocketDisconnect, RuntimeError):
                return  # the peer left, or the socket is closed already
            if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
                raise FrameTooLarge()
            try:
                yield self.view.decode_json(text)
            except (ValueError, RecursionError) as error:  # deep nesting, huge numbers
                raise NonJsonMessageReceived from error


def _problem_with_id(message: Mapping[str, Any]) -> str | None:
    id_ = message.get("id")
    if not isinstance(id_, str) or not id_ or len(id_.encode()) > MAX_ID_BYTES:
        return f"The id must be a string of 1 to {MAX_ID_BYTES} bytes."
    return None


def _problem_with_subscribe(message: Mapping[str, Any]) -> str | None:
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "A subscribe payload must be an object."
    if not isinstance(payload.get("query"), str):
        return "A subscribe payload needs its query as a string."
    if not isinstance(payload.get("variables"), _OPTIONAL_OBJECT):
        return "Variables must be an object."
    if not isinstance(payload.get("extensions"), _OPTIONAL_OBJECT):
        return "Extensions must be an object."
    if not isinstance(payload.get("operationName"), str | None):
        return "The operation name must be a string."
    return None


def message_problem(message: object) -> str | None:
    """Why a decoded frame is not a graphql-transport-ws message a client may send, or None."""
    if not isinstance(message, dict):
        return "A message must be a JSON object."
    kind = message.get("type")
    if kind in ("connection_init", "ping", "pong"):
        if not isinstance(message.get("payload"), _OPTIONAL_OBJECT):
            return "The payload must be an object."
        return None
    if kind == "complete":
        return _problem_with_id(message)
    if kind == "subscribe":
        return _problem_with_id(message) or _problem_with_subscribe(message)
    return "Unknown message type." if isinstance(kind, str) else "The type must be a string."


def _given(*values: object) -> object:
    """The first value that is there: logged-out clients send "" or null for no token."""
    return next((value for value in values if value is not None and value != ""), None)


def connection_token(params: Mapping[str, Any], header: str | None) -> str | None:
    """The access token of connection_init's payload in any of the shapes clients send,
    else of the upgrade request's header; TokenRejected for a value that is no token."""
    headers = params.get("headers")
    nested = headers if isinstance(headers, dict) else {}
    raw = _given(
        params.get("Authorization"),
        params.get("authorization"),
        nested.get("Authorization"),
        nested.get("authorization"),
    )
    bare = _given(params.get("authToken"))
    if raw is None and bare is not None:
        raw = f"Bearer {bare}" if isinstance(bare, str) and " " not in bare.strip() else bare
    if raw is None:
        raw = header
    if raw is None or (isinstance(raw, str) and not carries_token(raw)):
        return None
    token = bearer_token(raw) if isinstance(raw, str) else None
    if token is None:
        raise TokenRejected(INVALID, "Send the access token as `Bearer <token>`.")
    return token


def _short(reason: str) -> str:
    """A close reason fits in 123 bytes of UTF-8."""
    return reason.encode()[:120].decode(errors="ignore")


class GatewayTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    viewer_roles: frozenset[Role] | None = None  # held at connection_init; None: anonymous
    expiry: asyncio.Task[None] | None = None

    @property
    def tokens(self) -> TokenService:
        view: HasTokens = self.view  # type: ignore[assignment]
        return view.tokens

    async def handle(self) -> None:
        try:
            await super().handle()
        except FrameTooLarge:
            await self._close(TOO_BIG, f"Messages are limited to {MAX_FRAME_BYTES} bytes.")

    async def shutdown(self) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        await super().shutdown()

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await self.websocket.close(code=code, reason=reason)

    async def handle_message(self, message: Message) -> None:
        problem = message_problem(message)
        if problem is not None:
            await self._close(BAD_MESSAGE, problem)
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_init_received or self.connection_timed_out:
            await super().handle_connection_init(message)  # 4429, as the protocol says
            return
        params = message.get("payload") or {}
        header = self.context.request.headers.get("authorization") if self.context.request else None
        try:
            token = connection_token(params, header)
            claims = self.tokens.verify(token) if token else None
        except TokenRejected as error:
            self._stop_waiting_for_init()
            await self._close(UNAUTHORIZED, error.code)
            return
        if claims is not None:
            try:
                actor = await load_actor(claims.user_id)
            except Exception:  # the database is unreachable: the client may retry
                log.warning("connection_init could not load its user", exc_info=True)
                self._stop_waiting_for_init()
                await self._close(TRY_AGAIN_LATER, "Try again later.")
                return
            if actor is None:
                self._stop_waiting_for_init()
                await self._close(FORBIDDEN, "Forbidden")
                return
            self.viewer_roles = actor.roles
            self.context.scope.viewer_id = claims.user_id
            self.expiry = asyncio.create_task(self._close_at(claims.expires_at))
        await super().handle_connection_init({"type": "connection_init", "payload": params})

    def _stop_waiting_for_init(self) -> None:
        self.connection_init_received = True
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()

    async def _close_at(self, expires_at: float) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self._close(UNAUTHORIZED, TopLevelCode.TOKEN_EXPIRED.value)

    def _operation_context(self) -> Context:
        """A new scope per operation: the viewer and roles read anew, fresh dataloaders."""
        return dataclasses.replace(self.context, scope=self.context.scope.new_operation())

    async def _still_authorized(self, context: Context) -> bool:
        if self.viewer_roles is None:
            return True
        actor = await context.scope.viewer()
        return actor is not None and self.viewer_roles <= actor.roles

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        context = self._operation_context()
        try:
            if not await self._still_authorized(context):
                self.operations.pop(operation.id, None)
                await self._close(FORBIDDEN, "Forbidden")
                return
            results = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
                allowed_operation_types=SOCKET_OPERATIONS,
            )
            async with aclosing(results):
                first = True
                async for result in results:
                    if first and isinstance(result, PreExecutionError):
                        await self._refuse(operation, result)
                        return
                    if not isinstance(result, ExecutionResult):
                        await operation.send_initial_errors(
                            [GraphQLError("Incremental delivery is not offered here.")]
                        )
                        return
                    if not first and not await self._still_authorized(context):
                        # a subscription's event: its viewer was just read again
                        self.operations.pop(operation.id, None)
                        await self._close(FORBIDDEN, "Forbidden")
                        return
                    await operation.send_next(result)
                    first = False
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except asyncio.CancelledError:
            raise
        except WebSocketDisconnected:
            return  # the peer left mid-operation
        except Exception:
            log.exception("WebSocket operation failed")
            failure = GraphQLError(
                "Unexpected error.",
                extensions={"code": TopLevelCode.INTERNAL_SERVER_ERROR.value},
            )
            with contextlib.suppress(Exception):
                await operation.send_initial_errors([failure])

    async def _refuse(self, operation: Operation[Context, None], result: PreExecutionError) -> None:
        assert result.errors
        error = result.errors[0]
        reason = self._get_pre_execution_close_reason(error)
        if reason is not None:  # not a document: the protocol closes the socket
            self.operations.pop(operation.id, None)
            await self._close(BAD_MESSAGE, _short(reason))
            return
        if isinstance(error.original_error, InvalidOperationTypeError):
            refusal = GraphQLError(
                "Mutations are sent by POST over HTTP, not over the WebSocket.",
                extensions={"code": TopLevelCode.METHOD_NOT_ALLOWED.value},
            )
            await operation.send_initial_errors([refusal])
            return
        await operation.send_initial_errors(result.errors)
