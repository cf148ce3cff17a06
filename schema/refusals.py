"""A refused root field fails alone: the rest of the response keeps its data.

The contract makes list and connection root fields non-null (`merchants: [Merchant!]!`), so a
GraphQL error on one of them nulls the whole `data`: an anonymous `{ offers {...} merchants
{ id } }` lost the public offers too. Making those fields nullable would be a breaking change
for every generated client. Instead a field marked `FailsAlone` answers an empty list (or an
empty connection) and the response carries the UNAUTHENTICATED or FORBIDDEN error with that
field's path, as it would for a nullable field. Clients that read `errors` see the refusal;
Apollo's and urql's default error policies still treat the response as failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.info import Info

from models.errors import Forbidden, NotAuthenticated
from schema.base import Connection, PageInfo

# The refusals of the operation being executed (set by ReportRefusals for each operation).
_refusals: ContextVar[list[GraphQLError] | None] = ContextVar("gridpoints_refusals", default=None)


def empty_connection() -> Connection[Any]:
    return Connection(
        edges=[],
        page_info=PageInfo(
            has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
        ),
    )


class FailsAlone(FieldExtension):
    """On NotAuthenticated or Forbidden: the empty value, and the error beside the data."""

    def __init__(self, empty: Callable[[], Any] = list) -> None:
        self.empty = empty

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Any, Any],
        **kwargs: Any,
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except (NotAuthenticated, Forbidden) as error:
            refusals = _refusals.get()
            if refusals is None:  # outside ReportRefusals: the ordinary null bubbling
                raise
            raw = info._raw_info
            refusals.append(
                GraphQLError(
                    error.message,
                    nodes=raw.field_nodes,
                    path=raw.path.as_list(),
                    extensions={"code": error.code},
                )
            )
            return self.empty()


class ReportRefusals(SchemaExtension):
    """Adds the refusals of FailsAlone fields to the operation's errors."""

    def on_execute(self) -> Iterator[None]:
        refusals: list[GraphQLError] = []
        _refusals.set(refusals)
        yield
        result = self.execution_context.result
        if refusals and result is not None:
            result.errors = [*(result.errors or []), *refusals]
