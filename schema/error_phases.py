"""Codes for GraphQL's own errors, by the phase that raised them.

graphql-core gives syntax, validation and variable-coercion errors no `extensions.code`; the
phase tells them apart better than their English text: an error from parsing is
GRAPHQL_PARSE_FAILED, from validation GRAPHQL_VALIDATION_FAILED, and a pathless one from
execution (variables that do not coerce) BAD_USER_INPUT. Errors that carry a code already (the
limits, domain errors, masked exceptions) keep it. It is the first extension of the schema,
so its hooks finish last and see every other extension's codes; the gateway's view adds a last
fallback (gateway/error_codes.py), so no error leaves without a code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.codes import TopLevelCode


def _uncoded(errors: Sequence[GraphQLError] | None) -> list[GraphQLError]:
    return [error for error in errors or () if not (error.extensions or {}).get("code")]


def _tag(errors: Sequence[GraphQLError] | None, code: TopLevelCode) -> None:
    for error in _uncoded(errors):
        if not error.path:
            error.extensions = {**(error.extensions or {}), "code": code.value}


class PhaseErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # ParserCache parses while entering its hook, so a syntax error skips every
            # on_parse exit and leaves through the operation as an exception.
            _tag([error], TopLevelCode.GRAPHQL_PARSE_FAILED)
            raise

    def on_parse(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors, TopLevelCode.GRAPHQL_PARSE_FAILED)

    def on_validate(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors, TopLevelCode.GRAPHQL_VALIDATION_FAILED)

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        _tag(getattr(result, "errors", None), TopLevelCode.BAD_USER_INPUT)
