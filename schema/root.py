"""Assembles Query, Mutation and Subscription, and builds the schema once per process."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from tortoise.models import Model

from models.grid import Community, Courtyard, MicroGrid
from models.people import User
from resolvers import node as nodes
from schema.base import Node
from schema.context import Info
from schema.errors import is_expected
from schema.extensions import DomainErrorCodes
from schema.people import CommunityType, CourtyardType, MicroGridType, UserType
from schema.people_ops import PeopleMutation, PeopleQuery

CACHED_DOCUMENTS = 1000

NODE_TYPES: dict[type[Model], Callable[[Any], Node]] = {
    User: UserType.of,
    Community: CommunityType.of,
    Courtyard: CourtyardType.of,
    MicroGrid: MicroGridType.of,
}


@strawberry.type
class NodeQuery:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        row = await nodes.node(info.context.scope, id)
        return NODE_TYPES[type(row)](row) if row is not None else None


Query = merge_types("Query", (NodeQuery, PeopleQuery))
Mutation = merge_types("Mutation", (PeopleMutation,))


def _mask_unexpected() -> SchemaExtension:
    return MaskErrors(should_mask_error=lambda error: not is_expected(error))


@cache
def build_schema(*, production: bool = False) -> strawberry.Schema:
    """One schema per process and mode; extensions are classes or factories, built once."""
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        DomainErrorCodes,
        _mask_unexpected,
    ]
    if production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
