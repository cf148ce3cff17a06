"""Assembles Query, Mutation and Subscription, and builds the schema once per process."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.tools import merge_types
from tortoise.models import Model

from models.civic import Event, EventSignup, Notice, Report, Suggestion
from models.grid import Community, Courtyard, MicroGrid
from models.ledger import Entry
from models.market import Merchant, Offer, Voucher
from models.people import User
from models.venues import Booking, Venue
from resolvers import node as nodes
from schema.base import Node
from schema.civic import EventSignupType, EventType, NoticeType, ReportType, SuggestionType
from schema.civic_ops import CivicMutation, CivicQuery
from schema.context import Info
from schema.extensions import DomainErrorCodes, OperationLimits, ProductionOperationLimits
from schema.market import MerchantType, OfferType, PointsEntryType, VoucherType
from schema.market_ops import MarketMutation, MarketQuery
from schema.masking import MaskUnexpectedErrors
from schema.people import CommunityType, CourtyardType, MicroGridType, UserType
from schema.people_ops import PeopleMutation, PeopleQuery
from schema.points_ops import PointsMutation, PointsQuery, PointsSubscription
from schema.subscriptions import Subscription
from schema.venues import BookingType, VenueType
from schema.venues_ops import VenueMutation, VenueQuery, VenueSubscription

CACHED_DOCUMENTS = 1000
MAX_TOKENS = 2000

NODE_TYPES: dict[type[Model], Callable[[Any], Node]] = {
    User: UserType.of,
    Community: CommunityType.of,
    Courtyard: CourtyardType.of,
    MicroGrid: MicroGridType.of,
    Report: ReportType.of,
    Event: EventType.of,
    EventSignup: EventSignupType.of,
    Suggestion: SuggestionType.of,
    Notice: NoticeType.of,
    Entry: PointsEntryType.of,
    Merchant: MerchantType.of,
    Offer: OfferType.of,
    Voucher: VoucherType.of,
    Venue: VenueType.of,
    Booking: BookingType.of,
}


@strawberry.type
class NodeQuery:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        row = await nodes.node(info.context.scope, id)
        return NODE_TYPES[type(row)](row) if row is not None else None


Query = merge_types(
    "Query", (NodeQuery, PeopleQuery, CivicQuery, MarketQuery, PointsQuery, VenueQuery)
)
Mutation = merge_types(
    "Mutation", (PeopleMutation, CivicMutation, MarketMutation, PointsMutation, VenueMutation)
)
Subscriptions = merge_types("Subscription", (Subscription, PointsSubscription, VenueSubscription))


@cache
def build_schema(*, production: bool = False, extra: tuple[Any, ...] = ()) -> strawberry.Schema:
    """One schema per process and mode; extensions are classes or factories, built once.

    `extra` takes the gateway's own extensions (metrics, tracing), which schema/ cannot import.
    """
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        ProductionOperationLimits if production else OperationLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        DomainErrorCodes,
        MaskUnexpectedErrors,
    ]
    if production:
        extensions.append(DisableIntrospection)
    extensions.extend(extra)
    return strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscriptions, extensions=extensions
    )
