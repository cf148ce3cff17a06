"""The points economy over HTTP: the operations, builders and checks test_market_*.py share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace import adjustments, redemption
from models.actor import Actor
from models.enums import Role
from models.market import Merchant, Offer, Voucher
from resolvers.ids import global_id
from tests import factories
from tests.harness import market

SET_RULE = """
mutation($reason: PointsReason!, $points: Int!, $cap: Int) {
  setEarningRule(input: {reason: $reason, points: $points, dailyCap: $cap}) {
    rule { reason points dailyCap } errors { code field }
  }
}"""
ADJUST = """
mutation($user: ID!, $amount: Int!, $memo: String!, $key: String!) {
  adjustPoints(input: {userId: $user, amount: $amount, memo: $memo, idempotencyKey: $key}) {
    entry { id amount reason balanceAfter memo } errors { code field }
  }
}"""
REGISTER = """
mutation($name: String!, $category: String!, $address: String!) {
  registerMerchant(input: {name: $name, category: $category, address: $address}) {
    merchant { name category address status } errors { code field }
  }
}"""
APPROVE = """
mutation($id: ID!) {
  approveMerchant(merchantId: $id) { merchant { name status } errors { code field } }
}"""
SUSPEND = """
mutation($id: ID!) {
  suspendMerchant(merchantId: $id) { merchant { name status } errors { code field } }
}"""
CREATE_OFFER = """
mutation($input: CreateOfferInput!) {
  createOffer(input: $input) {
    offer { title description pointsPrice stock remaining perUserLimit status merchant { name } }
    errors { code field }
  }
}"""
UPDATE_OFFER = """
mutation($input: UpdateOfferInput!) {
  updateOffer(input: $input) {
    offer { title pointsPrice stock remaining perUserLimit status } errors { code field }
  }
}"""
REDEEM = """
mutation($offer: ID!, $key: String!) {
  redeemOffer(input: {offerId: $offer, idempotencyKey: $key}) {
    voucher { id code status pointsSpent offer { title } } pointsBalance errors { code field }
  }
}"""
CANCEL = """
mutation($id: ID!) {
  cancelVoucher(voucherId: $id) { voucher { status pointsSpent } errors { code field } }
}"""
USE = """
mutation($code: String!) {
  useVoucher(input: {code: $code}) { voucher { status code } errors { code field } }
}"""
SETTLE = """
query($id: ID!, $from: DateTime!, $to: DateTime!) {
  settlement(merchantId: $id, periodStart: $from, periodEnd: $to) {
    issued used cancelled expired pointsReceived pointsReturned
  }
}"""
OFFERS = """
query($first: Int, $after: String, $merchant: ID) {
  offers(first: $first, after: $after, merchantId: $merchant) {
    edges { cursor node { title merchant { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
WALLET = """
{ me {
  pointsBalance
  pointsHistory(first: 20) { edges { node { amount reason balanceAfter } } }
  vouchers(first: 10) { edges { node { code status offer { title merchant { name } } } } }
} }"""
USER_WALLET = """
query($id: ID!) { node(id: $id) { ... on User {
  displayName pointsBalance
  pointsHistory { edges { node { amount } } }
  vouchers { edges { node { status code } } }
} } }"""


def iso(moment: datetime) -> str:
    return moment.isoformat()


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result["errors"]]


@dataclass
class Shop:
    admin: Actor
    owner: Actor
    merchant: Merchant
    offer: Offer
    resident: Actor

    @property
    def merchant_id(self) -> str:
        return global_id("Merchant", self.merchant.id)

    @property
    def offer_id(self) -> str:
        return global_id("Offer", self.offer.id)


async def fund(admin: Actor, user: Actor, points: int, key: str = "welcome") -> None:
    await adjustments.adjust_points(
        actor=admin, user_id=user.user_id, amount=points, memo="Welcome", idempotency_key=key
    )


async def open_shop(
    *, price: int = 10, stock: int = 5, per_user_limit: int | None = None, funds: int = 100
) -> Shop:
    """An approved merchant with one offer, its owner, an admin and a funded resident."""
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    owner = await factories.user(name="Owner")
    merchant, _ = await market.active_merchant(owner, by=admin, name="Sunny Grocery")
    offer = await market.offer_of(
        merchant, owner, price=price, stock=stock, per_user_limit=per_user_limit
    )
    resident = await factories.user(name="Resident")
    if funds:
        await fund(admin, resident, funds)
    return Shop(admin, owner, merchant, offer, resident)


async def redeemed(shop: Shop, holder: Actor | None = None, key: str = "r1") -> Voucher:
    done = await redemption.redeem_offer(
        actor=holder or shop.resident, offer_id=shop.offer.id, idempotency_key=key
    )
    return done.voucher


def offer_input(merchant_id: str, **overrides: Any) -> dict[str, Any]:
    values = {
        "merchantId": merchant_id,
        "title": "Cooking oil",
        "description": "5 L",
        "pointsPrice": 30,
        "stock": 3,
    }
    values.update(overrides)
    return values
