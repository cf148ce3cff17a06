"""The node table: for each type `node(id:)` can return, how its visible rows are fetched and
how a row becomes its GraphQL type. One explicit table, in one module, is the registry.

Why not strawberry's `relay.Node` with `resolve_nodes`: its `node(id:)` takes a `GlobalID`
input that refuses a malformed id, or one naming an unknown type, with an error, where ours
answers null (the contract: "null for each the viewer may not see"; the authorization matrix
and the fuzz rely on it), and its interface brings its own `id` description into the SDL.
Ours keeps both, and each type's fetcher is its domain's batched visibility rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resolvers import civic, market, people, venues
from resolvers.node import FetchMany, one_at_a_time
from schema.base import Node
from schema.civic import EventSignupType, EventType, NoticeType, ReportType, SuggestionType
from schema.ledger import PointsEntryType
from schema.market import MerchantType, OfferType, VoucherType
from schema.people import CommunityType, CourtyardType, MicroGridType, UserType
from schema.venues import BookingType, VenueType


@dataclass(frozen=True, slots=True)
class NodeKind:
    fetch: FetchMany
    wrap: Callable[[Any], Node]


NODES: dict[str, NodeKind] = {
    "User": NodeKind(one_at_a_time(people.visible_user), UserType.of),
    "Community": NodeKind(one_at_a_time(people.visible_community), CommunityType.of),
    "Courtyard": NodeKind(one_at_a_time(people.visible_courtyard), CourtyardType.of),
    "MicroGrid": NodeKind(one_at_a_time(people.visible_micro_grid), MicroGridType.of),
    "Report": NodeKind(one_at_a_time(civic.visible_report), ReportType.of),
    "Event": NodeKind(one_at_a_time(civic.visible_event), EventType.of),
    "EventSignup": NodeKind(one_at_a_time(civic.visible_signup), EventSignupType.of),
    "Suggestion": NodeKind(one_at_a_time(civic.visible_suggestion), SuggestionType.of),
    "Notice": NodeKind(one_at_a_time(civic.visible_notice), NoticeType.of),
    "PointsEntry": NodeKind(one_at_a_time(market.visible_entry), PointsEntryType.of),
    "Merchant": NodeKind(market.visible_merchants, MerchantType.of),
    "Offer": NodeKind(market.visible_offers, OfferType.of),
    "Voucher": NodeKind(one_at_a_time(market.visible_voucher), VoucherType.of),
    "Venue": NodeKind(one_at_a_time(venues.visible_venue), VenueType.of),
    "Booking": NodeKind(one_at_a_time(venues.visible_booking), BookingType.of),
}


def fetcher_of(type_name: str) -> FetchMany | None:
    kind = NODES.get(type_name)
    return kind.fetch if kind is not None else None


def wrapped(found: tuple[str, Any] | None) -> Node | None:
    if found is None:
        return None
    type_name, row = found
    return NODES[type_name].wrap(row)
