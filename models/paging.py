"""Keyset pagination over id: a page is a SQL LIMIT, never a slice of every row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise import fields
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.errors import InvalidInput

T = TypeVar("T", bound=Model)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput(f"first must be between 0 and {MAX_PAGE_SIZE}.", field="first")
    return first


def _largest_key(query: QuerySet[T]) -> int:
    """The largest key the table's id column holds: no cursor of ours lies beyond it."""
    big = isinstance(query.model._meta.pk, fields.BigIntField)
    return 2**63 - 1 if big else 2**31 - 1


async def keyset_page(
    query: QuerySet[T], *, first: int | None, after: int | None, newest_first: bool
) -> Page[T]:
    """One page ordered by id, starting after the row whose id is `after`."""
    size = page_size(first)
    if after is not None and after > _largest_key(query):
        raise InvalidInput("This cursor is not valid.", field="after")
    if after is not None:
        query = query.filter(id__lt=after) if newest_first else query.filter(id__gt=after)
    rows = await query.order_by("-id" if newest_first else "id").limit(size + 1)
    return Page(items=rows[:size], has_next=len(rows) > size)
