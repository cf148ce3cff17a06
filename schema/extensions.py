"""Schema extensions: error codes on domain errors, and the limit rules built once."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension

from models.errors import DomainError
from schema.codes import TopLevelCode
from schema.limits import check_limits


class DomainErrorCodes(SchemaExtension):
    """Give every error raised from a domain exception its code in `extensions.code`."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            if isinstance(error, GraphQLError) and isinstance(error.original_error, DomainError):
                original = error.original_error
                error.extensions = {**(error.extensions or {}), "code": original.code}
                if original.field is not None:
                    error.extensions["field"] = original.field


SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class OperationLimits(SchemaExtension):
    """Refuse over-deep, over-aliased, over-costly or over-paged operations before execution.

    Runs after the (cached) validation: listed after ValidationCache, its pre-validation step
    sees the validation's result and adds its own errors, so execution never starts.
    """

    hide_suggestions = False

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors = context.pre_execution_errors
        if errors:
            if self.hide_suggestions:
                for error in errors:
                    error.message = SUGGESTION.sub("", error.message)
        elif context.graphql_document is not None:
            found = check_limits(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            if found:
                context.pre_execution_errors = found
        yield


class ProductionOperationLimits(OperationLimits):
    hide_suggestions = True


TOKEN_LIMIT = re.compile(r"^Syntax Error: Document contains more than \d+ tokens")


class CodedParserCache(ParserCache):
    """strawberry's parser cache, with a code on what parsing refuses. graphql-core reports
    the token limit as a syntax error; it gets TOO_MANY_TOKENS. (The error is raised inside
    this hook, before later extensions could see it.)"""

    def on_parse(self) -> Iterator[None]:
        try:
            yield from super().on_parse()
        except GraphQLError as error:
            code = (
                TopLevelCode.TOO_MANY_TOKENS
                if TOKEN_LIMIT.match(error.message)
                else TopLevelCode.GRAPHQL_PARSE_FAILED
            )
            error.extensions = {"code": code.value, **(error.extensions or {})}
            raise
