"""Resolvers for holds, lots and expiry, the funded pool and treasury, settlement, and the
explanation of every entry (its source, the rule version that priced it, who approved it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from community import events, report_queries, suggestions
from marketplace import holds, lots, vouchers
from marketplace.lots import Expiring
from models import clock
from models.actor import Actor
from models.ledger import Entry, Transfer
from models.people import User
from models.points import EarningRuleVersion, MerchantSettlement, PointsLot
from resolvers import market
from resolvers.loaders import by_id, keyed
from resolvers.scope import RequestScope

# ---------------------------------------------------------------- a wallet


async def pending_points(scope: RequestScope, user: User) -> int | None:
    if not await market.may_see_wallet(scope, user):
        return None
    return await holds.pending_points(user_id=user.id)


async def expiring_points(scope: RequestScope, user: User) -> list[Expiring] | None:
    if not await market.may_see_wallet(scope, user):
        return None
    return await lots.expiring(user_id=user.id, now=clock.now())


# ---------------------------------------------------------------- every entry explained


def _transfers(scope: RequestScope) -> DataLoader[int, Transfer | None]:
    return scope.loaders.named("transfer", lambda: by_id(Transfer))


async def transfer_of(scope: RequestScope, entry: Entry) -> Transfer:
    found = await _transfers(scope).load(entry.transfer_id)
    assert found is not None  # entries RESTRICT their transfer's deletion
    return found


def _rule_versions(scope: RequestScope) -> DataLoader[int, EarningRuleVersion | None]:
    return scope.loaders.named("rule_version", lambda: by_id(EarningRuleVersion))


async def rule_version_of(scope: RequestScope, entry: Entry) -> EarningRuleVersion | None:
    transfer = await transfer_of(scope, entry)
    if transfer.rule_version_id is None:
        return None
    return await _rule_versions(scope).load(transfer.rule_version_id)


async def approver_of(scope: RequestScope, entry: Entry) -> User | None:
    """Who approved the movement: the verifier, the organiser who checked in, the reviewing
    or adjusting admin; None for jobs (expiry, time-outs)."""
    transfer = await transfer_of(scope, entry)
    if transfer.actor_id is None:
        return None
    return await scope.loaders.user.load(transfer.actor_id)


# What explains an entry, by the transfer's source_type: the domain's batch lookup of what the
# actor may see, so a page of entries costs one statement per kind, not one per entry. The
# node() path keeps the single lookups (get_report, get_signup, ...), which share the rules.
VisibleMany = Callable[[Actor, list[int]], Awaitable[Mapping[int, Model]]]
_SEEN_BY_VIEWER: dict[str, VisibleMany] = {
    "report": lambda actor, ids: report_queries.reports_visible_to(actor=actor, report_ids=ids),
    "event_signup": lambda actor, ids: events.signups_visible_to(actor=actor, signup_ids=ids),
    "suggestion": lambda actor, ids: suggestions.suggestions_visible_to(
        actor=actor, suggestion_ids=ids
    ),
    "voucher": lambda actor, ids: vouchers.vouchers_visible_to(actor=actor, voucher_ids=ids),
}
# Rows the entry's own visibility (its wallet's) already covers.
_SEEN_WITH_THE_ENTRY: dict[str, type[Model]] = {
    "lot": PointsLot,
    "settlement": MerchantSettlement,
}


def _seen_by_viewer(scope: RequestScope, kind: str) -> DataLoader[int, Model | None]:
    fetch = _SEEN_BY_VIEWER[kind]

    async def visible(ids: list[int]) -> Mapping[int, Model | None]:
        actor = await scope.viewer()
        return {} if actor is None else await fetch(actor, ids)

    def make() -> DataLoader[int, Model | None]:
        return keyed(visible, lambda: None)

    return scope.loaders.named(f"source:{kind}", make)


def _seen_with_the_entry(scope: RequestScope, kind: str) -> DataLoader[int, Model | None]:
    model = _SEEN_WITH_THE_ENTRY[kind]

    def make() -> DataLoader[int, Model | None]:
        return by_id(model)

    return scope.loaders.named(f"source:{kind}", make)


async def source_of(scope: RequestScope, entry: Entry) -> Model | None:
    """What the entry is for, if the viewer may see it: a report, an event sign-up, a
    suggestion, a voucher, an adjustment or funding (the transfer), an expired lot, a
    settlement."""
    transfer = await transfer_of(scope, entry)
    kind, pk = transfer.source_type, transfer.source_id
    if kind is None or pk is None:
        return None
    if kind in ("adjustment", "funding"):
        return transfer
    if kind in _SEEN_BY_VIEWER:
        return await _seen_by_viewer(scope, kind).load(pk)
    if kind in _SEEN_WITH_THE_ENTRY:
        return await _seen_with_the_entry(scope, kind).load(pk)
    return None
