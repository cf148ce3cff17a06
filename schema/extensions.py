"""Schema extensions: error codes on domain errors, and the limit rules built once."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from models.errors import DomainError


class DomainErrorCodes(SchemaExtension):
    """Give every error raised from a domain exception its code in `extensions.code`."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            if isinstance(error, GraphQLError) and isinstance(error.original_error, DomainError):
                error.extensions = {**(error.extensions or {}), "code": error.original_error.code}
