"""Shared GraphQL shapes: the Node interface, Relay connections, the DateTime scalar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import strawberry
from tortoise.models import Model

from models.paging import Page
from resolvers.ids import cursor

T = TypeVar("T")
R = TypeVar("R", bound=Model)


# The arguments every connection takes.
First = Annotated[
    int | None,
    strawberry.argument(description="How many to return: 0 to 100; 20 when left out."),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Start after this cursor: the previous page's endCursor."),
]


@strawberry.interface(name="Node", description="An object with a global id, for node(id:).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id: pass it to node(id:), never parse it."
    )


@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when there are more items after.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with `after`."
    )
    start_cursor: str | None = strawberry.field(description="The first edge's cursor.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the next page."
    )


@strawberry.type(description="One item of a connection, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Where this item is, for `after`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, newest first where the list is by time.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow.")

    @classmethod
    def of(cls, page: Page[R], wrap: Callable[[R], T], *, after: str | None) -> Connection[T]:
        """The page's rows wrapped as edges; `after` is the cursor the page was asked after."""
        edges = [Edge(cursor=cursor(row.pk), node=wrap(row)) for row in page.items]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
