"""Shared GraphQL shapes: the Node interface, Relay connections, the DateTime scalar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from tortoise.models import Model

from models.paging import Page
from resolvers.ids import cursor

T = TypeVar("T")
R = TypeVar("R", bound=Model)


@strawberry.interface(name="Node")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[R], wrap: Callable[[R], T], *, after: int | None) -> Connection[T]:
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
