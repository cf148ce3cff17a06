"""Who may see what of the points economy, each rule once, for every path (HTTP, WebSocket,
jobs, CLI). Field descriptions in schema/ state these rules; keep them in step.

Which offers and merchants a caller may fetch is marketplace/visibility.py (batched), who may
change them marketplace/operators.py (`may_oversee`, `require_operator`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from marketplace.operators import is_operator, may_oversee
from models.actor import Actor
from models.enums import VoucherStatus
from models.market import Merchant, Voucher
from models.people import User

WALLET_RULE = "Seen by the user and admins; null on other users."


def may_see_wallet(*, viewer: Actor | None, owner: User) -> bool:
    """A user's balance, pending and expiring points, history, vouchers and merchants: the
    user themselves and the admins of their community (WALLET_RULE)."""
    return viewer is not None and viewer.is_self_or_admin_of(
        user_id=owner.id, community_id=owner.community_id
    )


async def may_see_voucher_code(
    *, viewer: Actor | None, voucher: Voucher, merchant_id: Callable[[], Awaitable[int]]
) -> bool:
    """The holder always; the merchant's operators once it has been used (to check a claim).

    `merchant_id` is asked only when the holder's rule does not decide, so a holder's own
    list never looks the merchant up.
    """
    if viewer is None:
        return False
    if voucher.holder_id == viewer.user_id:
        return True
    if voucher.status is not VoucherStatus.USED:
        return False
    return await is_operator(user_id=viewer.user_id, merchant_id=await merchant_id())


async def may_see_voucher(
    *, viewer: Actor | None, voucher: Voucher, merchant: Callable[[], Awaitable[Merchant]]
) -> bool:
    """A voucher and its holder: the holder, the merchant's operators and the community's
    admins (`may_oversee`). `merchant` is asked only when the viewer is not the holder."""
    if viewer is None:
        return False
    if voucher.holder_id == viewer.user_id:
        return True
    return await may_oversee(actor=viewer, merchant=await merchant())
