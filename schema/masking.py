"""Unexpected exceptions reach the log with their stack, and clients a generic message.

The message carries the request id, so a resident's bug report finds its log line. Domain
errors and GraphQL's own errors (syntax, validation) are expected and shown as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import asyncpg
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from tortoise.exceptions import DBConnectionError

from schema.context import request_id
from schema.errors import is_expected

log = logging.getLogger("gridpoints.errors")
GENERIC_MESSAGE = "Unexpected error."
UNAVAILABLE_MESSAGE = "The service is briefly unavailable. Try again in a moment."
_UNREACHABLE = (
    OSError,
    TimeoutError,
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.OperatorInterventionError,  # SQLSTATE 57: shutting down, crashed, starting
    asyncpg.exceptions.ConnectionDoesNotExistError,
)
# A connection the server terminated mid-operation can leave asyncpg's protocol in a state it
# refuses to leave (MagicStack/asyncpg#1069; SQLAlchemy treats it as a disconnect too). Other
# InternalClientErrors (pool misuse, codecs) are bugs and stay internal errors.
_BROKEN_PROTOCOL = "cannot switch to state"


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, _UNREACHABLE):
        return True
    return isinstance(error, asyncpg.exceptions.InternalClientError) and _BROKEN_PROTOCOL in str(
        error
    )


def database_unreachable(error: BaseException | None) -> bool:
    """Is this (or what caused it) the database being down or restarting?"""
    seen = 0
    while error is not None and seen < 10:
        if _unreachable(error):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def masked(
    error: BaseException | None,
    *,
    nodes: Any = None,
    path: Any = None,
) -> GraphQLError:
    """What a client sees of an unexpected exception; the log gets the stack."""
    rid = request_id.get()
    if database_unreachable(error):
        log.warning("database unreachable in %s (request %s)", path, rid)
        code, message = "SERVICE_UNAVAILABLE", UNAVAILABLE_MESSAGE
    else:
        log.error("unexpected error in %s (request %s)", path, rid, exc_info=error)
        code, message = "INTERNAL_SERVER_ERROR", GENERIC_MESSAGE
    return GraphQLError(
        message, nodes=nodes, path=path, extensions={"code": code, "requestId": rid}
    )


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [
            error
            if is_expected(error)
            else masked(error.original_error, nodes=error.nodes, path=error.path)
            for error in result.errors
        ]
