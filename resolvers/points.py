"""Resolvers for holds, lots and expiry, the funded pool and treasury, settlement, and the
explanation of every entry (its source, the rule version that priced it, who approved it)."""

from __future__ import annotations

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from marketplace import holds, lots
from marketplace.lots import Expiring
from models import clock
from models.ledger import Entry, Transfer
from models.people import User
from models.points import EarningRuleVersion, MerchantSettlement, PointsLot
from resolvers import civic, market
from resolvers.loaders import by_id
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


async def source_of(scope: RequestScope, entry: Entry) -> Model | None:
    """What the entry is for, if the viewer may see it: a report, an event sign-up, a
    suggestion, a voucher, an adjustment or funding (the transfer), an expired lot, a
    settlement."""
    transfer = await transfer_of(scope, entry)
    kind, pk = transfer.source_type, transfer.source_id
    if kind is None or pk is None:
        return None
    if kind == "report":
        return await civic.visible_report(scope, pk)
    if kind == "event_signup":
        return await civic.visible_signup(scope, pk)
    if kind == "suggestion":
        return await civic.visible_suggestion(scope, pk)
    if kind == "voucher":
        return await market.visible_voucher(scope, pk)
    if kind in ("adjustment", "funding"):
        return transfer
    if kind == "lot":
        return await PointsLot.get_or_none(id=pk)
    if kind == "settlement":
        return await MerchantSettlement.get_or_none(id=pk)
    return None
