"""Unexpected exceptions reach the log with their stack, and clients a generic message.

The message carries the request id, so a resident's bug report finds its log line. Domain
errors and GraphQL's own errors (syntax, validation) are expected and shown as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.context import request_id
from schema.errors import is_expected

log = logging.getLogger("gridpoints.errors")
GENERIC_MESSAGE = "Unexpected error."


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._masked(error) for error in result.errors]

    def _masked(self, error: GraphQLError) -> GraphQLError:
        if is_expected(error):
            return error
        rid = request_id.get()
        log.error(
            "unexpected error in %s (request %s)", error.path, rid, exc_info=error.original_error
        )
        return GraphQLError(
            GENERIC_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": rid},
        )
