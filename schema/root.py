"""Assembles Query, Mutation and Subscription, and builds the schema once per process."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from resolvers import node as nodes
from schema.base import Node
from schema.budgets import MutationBudget
from schema.civic_ops import CivicMutation, CivicQuery
from schema.context import Info
from schema.error_phases import PhaseErrorCodes
from schema.extensions import (
    CodedParserCache,
    DomainErrorCodes,
    OperationLimits,
    ProductionOperationLimits,
)
from schema.market_ops import MarketMutation, MarketQuery
from schema.masking import MaskUnexpectedErrors
from schema.nodes import fetcher_of, wrapped
from schema.optional_args import drop_null_defaults
from schema.people_ops import PeopleMutation, PeopleQuery
from schema.points_ops import PointsMutation, PointsQuery, PointsSubscription
from schema.refusals import ReportRefusals
from schema.subscriptions import Subscription
from schema.venues_ops import VenueMutation, VenueQuery, VenueSubscription

CACHED_DOCUMENTS = 1000
MAX_TOKENS = 2000


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="The object with this id, if the viewer may see it through any other field."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return wrapped(await nodes.node(info.context.scope, id, fetcher_of))

    @strawberry.field(
        description="The objects with these ids, in order; null for each the viewer may not "
        "see. At most 100 ids."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global ids.")],
    ) -> list[Node | None]:
        found = await nodes.nodes(info.context.scope, ids, fetcher_of)
        return [wrapped(one) for one in found]


Query = merge_types(
    "Query", (NodeQuery, PeopleQuery, CivicQuery, MarketQuery, PointsQuery, VenueQuery)
)
Mutation = merge_types(
    "Mutation", (PeopleMutation, CivicMutation, MarketMutation, PointsMutation, VenueMutation)
)
Subscriptions = merge_types("Subscription", (Subscription, PointsSubscription, VenueSubscription))
Query.__strawberry_definition__.description = "What can be read."  # type: ignore[attr-defined]
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "What can be changed: by POST only; each returns a payload with `errors`."
)
Subscriptions.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "What can be listened to over a WebSocket (graphql-transport-ws)."
)


@cache
def build_schema(*, production: bool = False, extra: tuple[Any, ...] = ()) -> strawberry.Schema:
    """One schema per process and mode; extensions are classes or factories, built once.

    `extra` takes the gateway's own extensions (metrics, tracing), which schema/ cannot import.
    """
    extensions: list[Any] = [
        PhaseErrorCodes,  # first, so that it finishes last and sees every other code
        lambda: CodedParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        ProductionOperationLimits if production else OperationLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        CodedParserCache,
        MutationBudget,
        DomainErrorCodes,
        ReportRefusals,
        MaskUnexpectedErrors,
    ]
    if production:
        extensions.append(DisableIntrospection)
    extensions.extend(extra)
    schema = strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscriptions, extensions=extensions
    )
    drop_null_defaults(schema._schema)
    return schema
