"""marketplace/policies.py: who may see a wallet, a voucher and its code, without GraphQL."""

from __future__ import annotations

from marketplace.policies import may_see_voucher, may_see_voucher_code, may_see_wallet
from marketplace.redemption import redeem_offer
from marketplace.vouchers import use_voucher
from models.actor import Actor
from models.enums import Role
from models.market import Merchant, Voucher
from models.people import User
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    fund,
    new_key,
    offer_of,
    outsider,
    resident,
)


class Asked:
    """Records whether a policy needed the merchant, so the holder's own path costs nothing."""

    def __init__(self, merchant: Merchant) -> None:
        self.merchant = merchant
        self.times = 0

    async def merchant_of(self) -> Merchant:
        self.times += 1
        return self.merchant

    async def merchant_id(self) -> int:
        self.times += 1
        return self.merchant.id


async def _row(actor: Actor) -> User:
    return await User.get(id=actor.user_id)


async def test_a_wallet_is_seen_by_its_owner_and_their_communitys_admins_only() -> None:
    owner = await resident("Owner")
    wallet = await _row(owner)
    assert may_see_wallet(viewer=owner, owner=wallet) is True
    assert may_see_wallet(viewer=await admin(), owner=wallet) is True
    assert may_see_wallet(viewer=await resident("Neighbour"), owner=wallet) is False
    assert may_see_wallet(viewer=None, owner=wallet) is False
    elsewhere = await outsider("Admin elsewhere")
    foreign_admin = Actor(
        user_id=elsewhere.user_id,
        community_id=elsewhere.community_id,
        roles=frozenset({Role.RESIDENT, Role.COMMUNITY_ADMIN}),
    )
    assert may_see_wallet(viewer=foreign_admin, owner=wallet) is False


async def _voucher() -> tuple[Merchant, Actor, Actor, Voucher]:
    merchant, operator = await active_merchant()
    offer = await offer_of(merchant, operator, price=10, stock=5)
    holder = await resident("Holder")
    await fund(holder, 100)
    bought = await redeem_offer(actor=holder, offer_id=offer.id, idempotency_key=new_key())
    return merchant, operator, holder, bought.voucher


async def test_a_voucher_is_seen_by_its_holder_its_merchants_operators_and_admins() -> None:
    merchant, operator, holder, voucher = await _voucher()
    asked = Asked(merchant)
    assert await may_see_voucher(viewer=holder, voucher=voucher, merchant=asked.merchant_of)
    assert asked.times == 0  # the holder's own: the merchant is not looked up
    assert await may_see_voucher(viewer=operator, voucher=voucher, merchant=asked.merchant_of)
    assert await may_see_voucher(viewer=await admin(), voucher=voucher, merchant=asked.merchant_of)
    neighbour = await resident("Neighbour")
    assert not await may_see_voucher(viewer=neighbour, voucher=voucher, merchant=asked.merchant_of)
    assert not await may_see_voucher(viewer=None, voucher=voucher, merchant=asked.merchant_of)
    assert asked.times == 3


async def test_a_code_is_the_holders_and_the_operators_only_once_used() -> None:
    merchant, operator, holder, voucher = await _voucher()
    asked = Asked(merchant)
    assert await may_see_voucher_code(viewer=holder, voucher=voucher, merchant_id=asked.merchant_id)
    unused_for_operator = await may_see_voucher_code(
        viewer=operator, voucher=voucher, merchant_id=asked.merchant_id
    )
    assert unused_for_operator is False and asked.times == 0  # unused: not looked up either
    used = await use_voucher(actor=operator, code=voucher.code)
    assert await may_see_voucher_code(viewer=operator, voucher=used, merchant_id=asked.merchant_id)
    for other in (await admin(), await resident("Neighbour"), None):
        assert not await may_see_voucher_code(
            viewer=other, voucher=used, merchant_id=asked.merchant_id
        )
