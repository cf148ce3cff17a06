"""Resolvers for the points economy and the marketplace."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from marketplace import (
    history,
    ledger,
    merchants,
    offers,
    policies,
    visibility,
    vouchers,
)
from models.enums import VoucherStatus
from models.ledger import Entry
from models.market import Merchant, Offer, Voucher
from models.paging import Page
from models.people import User
from resolvers.ids import decode_cursor, decode_id
from resolvers.loaders import by_id
from resolvers.node import seen_through, viewing_community_id
from resolvers.rate_limits import RateLimit
from resolvers.scope import RequestScope

# ---------------------------------------------------------------- a user's points and vouchers


async def may_see_wallet(scope: RequestScope, user: User) -> bool:
    return policies.may_see_wallet(viewer=await scope.viewer(), owner=user)


async def points_balance(scope: RequestScope, user: User) -> int | None:
    if not await may_see_wallet(scope, user):
        return None
    return await ledger.balance_of(user_id=user.id)


async def points_history(
    scope: RequestScope, user: User, *, first: int | None, after: str | None
) -> Page[Entry] | None:
    if not await may_see_wallet(scope, user):
        return None
    return await history.points_history(user_id=user.id, first=first, after=decode_cursor(after))


async def user_vouchers(
    scope: RequestScope,
    user: User,
    *,
    status: VoucherStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Voucher] | None:
    if not await may_see_wallet(scope, user):
        return None
    return await vouchers.list_vouchers(
        holder_id=user.id, status=status, first=first, after=decode_cursor(after)
    )


async def user_merchants(scope: RequestScope, user: User) -> list[Merchant]:
    if not await may_see_wallet(scope, user):
        return []
    return await merchants.merchants_operated_by(user_id=user.id)


visible_entry = seen_through(history.get_entry, "entry_id")


# ---------------------------------------------------------------- merchants


def _merchant_id(merchant_id: str) -> int:
    return decode_id(merchant_id, "Merchant", field="merchantId")


async def visible_merchants(
    scope: RequestScope, merchant_ids: Sequence[int]
) -> dict[int, Merchant]:
    return await visibility.merchants_visible_to(
        actor=await scope.viewer(),
        merchant_ids=merchant_ids,
        viewing_community_id=await viewing_community_id(scope),
    )


async def merchant(scope: RequestScope, merchant_id: int) -> Merchant:
    row = await _merchant_loader(scope).load(merchant_id)
    assert row is not None  # offers RESTRICT their merchant's deletion
    return row


# ---------------------------------------------------------------- offers


async def list_offers(
    scope: RequestScope, *, first: int | None, after: str | None, merchant_id: str | None
) -> Page[Offer]:
    # the catalogue of the community the caller views: an anonymous visitor the public one
    community_id = await viewing_community_id(scope)
    if community_id is None:
        return Page(items=[], has_next=False)
    return await offers.list_redeemable_offers(
        first=first,
        after=decode_cursor(after),
        merchant_id=_merchant_id(merchant_id) if merchant_id else None,
        community_id=community_id,
    )


async def visible_offers(scope: RequestScope, offer_ids: Sequence[int]) -> dict[int, Offer]:
    return await visibility.offers_visible_to(
        actor=await scope.viewer(),
        offer_ids=offer_ids,
        viewing_community_id=await viewing_community_id(scope),
    )


def _offers_with_merchants(scope: RequestScope) -> DataLoader[int, Offer | None]:
    """Offers by id with their merchants in the same statement, priming the merchant loader."""

    async def load(ids: Sequence[int]) -> list[Offer | None]:
        rows = {
            row.id: row for row in await Offer.filter(id__in=set(ids)).select_related("merchant")
        }
        merchants = _merchant_loader(scope)
        for row in rows.values():
            merchants.prime(row.merchant_id, row.merchant)
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _merchant_loader(scope: RequestScope) -> DataLoader[int, Merchant | None]:
    return scope.loaders.named("merchant", lambda: by_id(Merchant))


async def offer(scope: RequestScope, offer_id: int) -> Offer:
    loader = scope.loaders.named("offer", lambda: _offers_with_merchants(scope))
    row = await loader.load(offer_id)
    assert row is not None  # vouchers RESTRICT their offer's deletion
    return row


# ---------------------------------------------------------------- redemption and vouchers


async def use_voucher(scope: RequestScope, *, code: str) -> Voucher:
    actor = await scope.require_viewer()
    await scope.limit(RateLimit.VOUCHER_USE, str(actor.user_id))
    return await vouchers.use_voucher(actor=actor, code=code)


visible_voucher = seen_through(vouchers.get_voucher, "voucher_id")


async def voucher_code(scope: RequestScope, voucher: Voucher) -> str | None:
    async def merchant_id() -> int:
        return (await offer(scope, voucher.offer_id)).merchant_id

    viewer = await scope.viewer()
    shown = await policies.may_see_voucher_code(
        viewer=viewer, voucher=voucher, merchant_id=merchant_id
    )
    return voucher.code if shown else None


async def voucher_holder(scope: RequestScope, voucher: Voucher) -> User | None:
    async def merchant_of() -> Merchant:
        return await merchant(scope, (await offer(scope, voucher.offer_id)).merchant_id)

    viewer = await scope.viewer()
    if not await policies.may_see_voucher(viewer=viewer, voucher=voucher, merchant=merchant_of):
        return None
    return await scope.loaders.user.load(voucher.holder_id)
