"""The points economy over HTTP: who may call each mutation, refusals that write nothing,
retries that act once, and what each viewer may read of wallets, offers and vouchers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from marketplace import adjustments, merchants, offers, redemption
from models.actor import Actor
from models.enums import MerchantStatus, OfferStatus, Role
from models.ledger import Account
from models.market import Merchant, Offer, Voucher
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL

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

MARKET_TABLES = (
    "account",
    "points_transfer",
    "points_entry",
    "merchant",
    "merchant_operator",
    "offer",
    "voucher",
    "earning_rule",
    "user_role",
)


@pytest.fixture
def client(tmp_path: Path) -> GraphQLClient:
    """The app as tests/api/conftest.py makes it (Redis on the second run), with rate limits
    scaled out of the way: their windows in the shared Redis outlive a test, and the user ids
    they count by start again at 1 in every test."""
    return make_client(tmp_path / "media", redis_url=TEST_REDIS_URL, rate_limit_scale=1_000)


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row the marketplace writes, to prove a refusal wrote nothing."""
    return {table: await fetch(f"SELECT * FROM {table} ORDER BY id") for table in MARKET_TABLES}


async def balance(actor: Actor) -> int:
    account = await Account.get_or_none(user_id=actor.user_id)
    return 0 if account is None else int(account.balance)


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
    merchant = await merchants.register_merchant(
        actor=owner, name="Sunny Grocery", category="Grocery", address="1 Jinhua Road"
    )
    await merchants.approve_merchant(actor=admin, merchant_id=merchant.id)
    offer = await offers.create_offer(
        actor=owner,
        merchant_id=merchant.id,
        title="Rice 5 kg",
        description="Northeast rice",
        points_price=price,
        stock=stock,
        per_user_limit=per_user_limit,
    )
    resident = await factories.user(name="Resident")
    if funds:
        await fund(admin, resident, funds)
    return Shop(admin, owner, await Merchant.get(id=merchant.id), offer, resident)


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


# ---------------------------------------------------------------- who may call what


async def test_anonymous_callers_are_unauthenticated_and_nothing_changes(
    client: GraphQLClient,
) -> None:
    shop = await open_shop()
    voucher = await redeemed(shop)
    pending = await merchants.register_merchant(
        actor=shop.resident, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    now = datetime.now(UTC)
    calls: list[tuple[str, dict[str, Any]]] = [
        (SET_RULE, {"reason": "REPORT_VERIFIED", "points": 5}),
        (
            ADJUST,
            {
                "user": global_id("User", shop.resident.user_id),
                "amount": 5,
                "memo": "x",
                "key": "k",
            },
        ),
        (REGISTER, {"name": "Tea House", "category": "Food", "address": "3 Jinhua Road"}),
        (APPROVE, {"id": global_id("Merchant", pending.id)}),
        (SUSPEND, {"id": shop.merchant_id}),
        (CREATE_OFFER, {"input": offer_input(shop.merchant_id)}),
        (UPDATE_OFFER, {"input": {"offerId": shop.offer_id, "stockDelta": 5}}),
        (REDEEM, {"offer": shop.offer_id, "key": "anon"}),
        (CANCEL, {"id": global_id("Voucher", voucher.id)}),
        (USE, {"code": voucher.code}),
    ]
    before = await snapshot()
    for query, variables in calls:
        result = await client.execute(query, variables)
        assert result["data"] is None, query
        assert codes(result) == ["UNAUTHENTICATED"], query
    period = {"id": shop.merchant_id, "from": iso(now - timedelta(hours=1)), "to": iso(now)}
    statement = await client.execute(SETTLE, period)
    assert statement["data"] == {"settlement": None}
    assert codes(statement) == ["UNAUTHENTICATED"]
    assert await snapshot() == before


async def test_the_wrong_roles_are_forbidden_and_nothing_changes(client: GraphQLClient) -> None:
    shop = await open_shop()
    voucher = await redeemed(shop)
    neighbour = await factories.user(name="Neighbour")
    rival_owner = await factories.user(name="Rival")
    rival = await merchants.register_merchant(
        actor=rival_owner, name="Corner Shop", category="Grocery", address="9 Jinhua Road"
    )
    await merchants.approve_merchant(actor=shop.admin, merchant_id=rival.id)
    pending = await merchants.register_merchant(
        actor=neighbour, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    now = datetime.now(UTC)
    period = {"id": shop.merchant_id, "from": iso(now - timedelta(hours=1)), "to": iso(now)}
    rule = {"reason": "REPORT_VERIFIED", "points": 50}
    adjust = {
        "user": global_id("User", neighbour.user_id),
        "amount": 500,
        "memo": "Gift",
        "key": "gift",
    }
    approve = {"id": global_id("Merchant", pending.id)}
    create = {"input": offer_input(shop.merchant_id)}
    update = {"input": {"offerId": shop.offer_id, "pointsPrice": 1}}
    cases: list[tuple[Actor, str, dict[str, Any]]] = [
        (shop.resident, SET_RULE, rule),
        (shop.owner, SET_RULE, rule),
        (shop.resident, ADJUST, adjust),
        (shop.owner, ADJUST, adjust),
        (shop.resident, APPROVE, approve),
        (shop.owner, APPROVE, approve),
        (shop.resident, SUSPEND, {"id": shop.merchant_id}),
        (rival_owner, SUSPEND, {"id": shop.merchant_id}),
        (shop.resident, CREATE_OFFER, create),
        (rival_owner, CREATE_OFFER, create),
        (shop.admin, CREATE_OFFER, create),
        (shop.resident, UPDATE_OFFER, update),
        (rival_owner, UPDATE_OFFER, update),
        (shop.admin, UPDATE_OFFER, update),
        (neighbour, CANCEL, {"id": global_id("Voucher", voucher.id)}),
        (shop.owner, CANCEL, {"id": global_id("Voucher", voucher.id)}),
        (shop.resident, USE, {"code": voucher.code}),
        (shop.admin, USE, {"code": voucher.code}),
    ]
    before = await snapshot()
    for actor, query, variables in cases:
        result = await client.execute(query, variables, as_=actor)
        assert result["data"] is None, (actor, query)
        assert codes(result) == ["FORBIDDEN"], (actor, query)
    for actor in (shop.resident, rival_owner):
        statement = await client.execute(SETTLE, period, as_=actor)
        assert statement["data"] == {"settlement": None}
        assert codes(statement) == ["FORBIDDEN"]
    assert await snapshot() == before


# ---------------------------------------------------------------- refusals write nothing


async def test_earning_rule_and_adjustment_refusals(client: GraphQLClient) -> None:
    shop = await open_shop(funds=20)
    resident = global_id("User", shop.resident.user_id)
    adjust = {"user": resident, "amount": 5, "memo": "Fix", "key": "fix"}
    cases: list[tuple[str, dict[str, Any], str, tuple[str, str | None]]] = [
        (
            SET_RULE,
            {"reason": "REDEMPTION", "points": 5},
            "setEarningRule",
            ("INVALID_INPUT", "reason"),
        ),
        (
            SET_RULE,
            {"reason": "REPORT_VERIFIED", "points": -1},
            "setEarningRule",
            ("INVALID_INPUT", "points"),
        ),
        (
            SET_RULE,
            {"reason": "REPORT_VERIFIED", "points": 5, "cap": 0},
            "setEarningRule",
            ("INVALID_INPUT", "dailyCap"),
        ),
        (ADJUST, {**adjust, "amount": 0}, "adjustPoints", ("INVALID_INPUT", "amount")),
        (ADJUST, {**adjust, "amount": 100_001}, "adjustPoints", ("INVALID_INPUT", "amount")),
        (ADJUST, {**adjust, "memo": "  "}, "adjustPoints", ("INVALID_INPUT", "memo")),
        (ADJUST, {**adjust, "key": " "}, "adjustPoints", ("INVALID_INPUT", "idempotencyKey")),
        (ADJUST, {**adjust, "key": "k" * 101}, "adjustPoints", ("INVALID_INPUT", "idempotencyKey")),
        (
            ADJUST,
            {**adjust, "user": global_id("User", 999)},
            "adjustPoints",
            ("NOT_FOUND", "userId"),
        ),
        (ADJUST, {**adjust, "user": "not-an-id"}, "adjustPoints", ("NOT_FOUND", "userId")),
        (ADJUST, {**adjust, "amount": -21}, "adjustPoints", ("INSUFFICIENT_POINTS", None)),
        # The welcome key, reused for another amount, is refused rather than replayed.
        (
            ADJUST,
            {**adjust, "amount": 7, "key": "welcome"},
            "adjustPoints",
            ("ALREADY_EXISTS", "idempotencyKey"),
        ),
    ]
    before = await snapshot()
    for query, variables, field, expected in cases:
        result = await client.execute(query, variables, as_=shop.admin)
        payload = result["data"][field]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected], variables
        assert next(v for k, v in payload.items() if k != "errors") is None
    assert await snapshot() == before
    assert await balance(shop.resident) == 20


async def test_merchant_refusals(client: GraphQLClient) -> None:
    shop = await open_shop()
    cases: list[tuple[str, dict[str, Any], str, tuple[str, str]]] = [
        (
            REGISTER,
            {"name": " ", "category": "Food", "address": "x"},
            "registerMerchant",
            ("INVALID_INPUT", "name"),
        ),
        (
            REGISTER,
            {"name": "Tea", "category": "", "address": "x"},
            "registerMerchant",
            ("INVALID_INPUT", "category"),
        ),
        (
            REGISTER,
            {"name": "Tea", "category": "Food", "address": "x" * 201},
            "registerMerchant",
            ("INVALID_INPUT", "address"),
        ),
        (
            REGISTER,
            {"name": "sunny GROCERY", "category": "Food", "address": "x"},
            "registerMerchant",
            ("ALREADY_EXISTS", "name"),
        ),
    ]
    admin_cases: list[tuple[str, dict[str, Any], str, tuple[str, str]]] = [
        (
            APPROVE,
            {"id": global_id("Merchant", 999)},
            "approveMerchant",
            ("NOT_FOUND", "merchantId"),
        ),
        (APPROVE, {"id": shop.offer_id}, "approveMerchant", ("NOT_FOUND", "merchantId")),
        (
            SUSPEND,
            {"id": global_id("Merchant", 999)},
            "suspendMerchant",
            ("NOT_FOUND", "merchantId"),
        ),
    ]
    before = await snapshot()
    for actor, batch in ((shop.resident, cases), (shop.admin, admin_cases)):
        for query, variables, field, expected in batch:
            payload = (await client.execute(query, variables, as_=actor))["data"][field]
            assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected], variables
            assert payload["merchant"] is None
    assert await snapshot() == before


async def test_offer_refusals(client: GraphQLClient) -> None:
    shop = await open_shop()
    past, naive = datetime.now(UTC) - timedelta(days=1), "2099-01-01T00:00:00"
    ended = await offers.create_offer(
        actor=shop.owner,
        merchant_id=shop.merchant.id,
        title="Old",
        description="",
        points_price=5,
        stock=1,
    )
    await Offer.filter(id=ended.id).update(status=OfferStatus.ENDED)
    mid = shop.merchant_id
    create: list[tuple[dict[str, Any], tuple[str, str]]] = [
        (offer_input(mid, title="  "), ("INVALID_INPUT", "title")),
        (offer_input(mid, pointsPrice=0), ("INVALID_INPUT", "pointsPrice")),
        (offer_input(mid, stock=-1), ("INVALID_INPUT", "stock")),
        (offer_input(mid, perUserLimit=0), ("INVALID_INPUT", "perUserLimit")),
        (offer_input(mid, validUntil=iso(past)), ("INVALID_INPUT", "validUntil")),
        (offer_input(mid, validFrom=naive), ("INVALID_INPUT", "validFrom")),
        (offer_input(global_id("Merchant", 999)), ("NOT_FOUND", "merchantId")),
    ]
    update: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"offerId": shop.offer_id, "pointsPrice": 0}, ("INVALID_INPUT", "pointsPrice")),
        ({"offerId": shop.offer_id, "title": ""}, ("INVALID_INPUT", "title")),
        ({"offerId": shop.offer_id, "stockDelta": -6}, ("INVALID_INPUT", "stockDelta")),
        ({"offerId": shop.offer_id, "validUntil": iso(past)}, ("INVALID_INPUT", "validUntil")),
        ({"offerId": global_id("Offer", 999), "title": "x"}, ("NOT_FOUND", "offerId")),
        ({"offerId": global_id("Offer", ended.id), "title": "x"}, ("INVALID_TRANSITION", "status")),
        (
            {"offerId": global_id("Offer", ended.id), "status": "ACTIVE"},
            ("INVALID_TRANSITION", "status"),
        ),
    ]
    before = await snapshot()
    for query, field, batch in (
        (CREATE_OFFER, "createOffer", create),
        (UPDATE_OFFER, "updateOffer", update),
    ):
        for values, expected in batch:
            payload = (await client.execute(query, {"input": values}, as_=shop.owner))["data"][
                field
            ]
            assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected], values
            assert payload["offer"] is None
    assert await snapshot() == before

    # A suspended merchant may neither add nor change offers.
    await merchants.suspend_merchant(actor=shop.admin, merchant_id=shop.merchant.id)
    before = await snapshot()
    created = await client.execute(CREATE_OFFER, {"input": offer_input(mid)}, as_=shop.owner)
    assert created["data"]["createOffer"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": "merchantId"}
    ]
    updated = await client.execute(
        UPDATE_OFFER, {"input": {"offerId": shop.offer_id, "title": "x"}}, as_=shop.owner
    )
    assert updated["data"]["updateOffer"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": "merchantId"}
    ]
    assert await snapshot() == before


async def test_redemption_refusals_spend_nothing(client: GraphQLClient) -> None:
    shop = await open_shop(per_user_limit=1, funds=100)
    await redeemed(shop, key="first")
    admin, owner = shop.admin, shop.owner

    async def offer(title: str, **fields: Any) -> str:
        made = await offers.create_offer(
            actor=owner,
            merchant_id=shop.merchant.id,
            title=title,
            description="",
            points_price=fields.pop("price", 10),
            stock=fields.pop("stock", 5),
        )
        if fields:
            await Offer.filter(id=made.id).update(**fields)
        return global_id("Offer", made.id)

    pricey = await offer("TV", price=1_000)
    sold_out = await offer("Eggs", stock=0)
    paused = await offer("Milk", status=OfferStatus.PAUSED)
    lapsed = await offer("Bread", valid_until=datetime.now(UTC) - timedelta(minutes=1))
    future = await offer("Mooncakes", valid_from=datetime.now(UTC) + timedelta(days=1))
    other_owner = await factories.user(name="Other owner")
    pending = await merchants.register_merchant(
        actor=other_owner, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    unapproved = global_id(
        "Offer",
        (
            await offers.create_offer(
                actor=other_owner,
                merchant_id=pending.id,
                title="Noodles",
                description="",
                points_price=5,
                stock=5,
            )
        ).id,
    )
    cases: list[tuple[str, str, tuple[str, str | None]]] = [
        (pricey, "k-tv", ("INSUFFICIENT_POINTS", None)),
        (sold_out, "k-eggs", ("OUT_OF_STOCK", None)),
        (shop.offer_id, "k-second", ("LIMIT_REACHED", None)),
        (paused, "k-milk", ("OFFER_NOT_AVAILABLE", None)),
        (lapsed, "k-bread", ("OFFER_NOT_AVAILABLE", None)),
        (future, "k-mooncakes", ("OFFER_NOT_AVAILABLE", None)),
        (unapproved, "k-noodles", ("OFFER_NOT_AVAILABLE", None)),
        (global_id("Offer", 999), "k-missing", ("NOT_FOUND", "offerId")),
        (global_id("Voucher", 1), "k-wrong-type", ("NOT_FOUND", "offerId")),
        (paused, "   ", ("INVALID_INPUT", "idempotencyKey")),
        # The key of the first redemption, sent for another offer
        (pricey, "first", ("ALREADY_EXISTS", "idempotencyKey")),
    ]
    before = await snapshot()
    for offer_id, key, expected in cases:
        result = await client.execute(REDEEM, {"offer": offer_id, "key": key}, as_=shop.resident)
        payload = result["data"]["redeemOffer"]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected], key
        assert (payload["voucher"], payload["pointsBalance"]) == (None, None)
    assert await snapshot() == before
    assert await balance(shop.resident) == 90

    # A suspended merchant's offers stop at once.
    await merchants.suspend_merchant(actor=admin, merchant_id=shop.merchant.id)
    neighbour = await factories.user(name="Neighbour")
    await fund(admin, neighbour, 50, key="n")
    before = await snapshot()
    result = await client.execute(REDEEM, {"offer": shop.offer_id, "key": "n1"}, as_=neighbour)
    assert result["data"]["redeemOffer"]["errors"] == [
        {"code": "OFFER_NOT_AVAILABLE", "field": None}
    ]
    assert await snapshot() == before


async def test_voucher_and_settlement_refusals(client: GraphQLClient) -> None:
    shop = await open_shop()
    voucher = await redeemed(shop)
    cancelled = await redeemed(shop, key="r2")
    await client.execute(CANCEL, {"id": global_id("Voucher", cancelled.id)}, as_=shop.resident)
    rival_owner = await factories.user(name="Rival")
    rival = await merchants.register_merchant(
        actor=rival_owner, name="Corner Shop", category="Grocery", address="9 Jinhua Road"
    )
    await merchants.approve_merchant(actor=shop.admin, merchant_id=rival.id)
    now = datetime.now(UTC)
    before = await snapshot()

    for voucher_id, expected in (
        (global_id("Voucher", cancelled.id), ("INVALID_TRANSITION", "voucherId")),
        (global_id("Voucher", 999), ("NOT_FOUND", "voucherId")),
        ("nonsense", ("NOT_FOUND", "voucherId")),
    ):
        payload = (await client.execute(CANCEL, {"id": voucher_id}, as_=shop.resident))["data"]
        errors = payload["cancelVoucher"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [expected], voucher_id
        assert payload["cancelVoucher"]["voucher"] is None

    # To an operator every code that is not a usable voucher of theirs looks the same.
    for actor, code in (
        (shop.owner, "ABCD-EFGH-JKLMN"),
        (shop.owner, "not a code"),
        (shop.owner, cancelled.code),
        (rival_owner, voucher.code),
    ):
        payload = (await client.execute(USE, {"code": code}, as_=actor))["data"]["useVoucher"]
        assert payload == {
            "voucher": None,
            "errors": [{"code": "VOUCHER_NOT_USABLE", "field": None}],
        }

    for variables, expected in (
        (
            {"id": shop.merchant_id, "from": iso(now), "to": iso(now)},
            ("INVALID_INPUT", "periodEnd"),
        ),
        (
            {"id": shop.merchant_id, "from": "2024-01-01T00:00:00", "to": iso(now)},
            ("INVALID_INPUT", "periodStart"),
        ),
        (
            {
                "id": global_id("Merchant", 999),
                "from": iso(now - timedelta(days=1)),
                "to": iso(now),
            },
            ("NOT_FOUND", "merchantId"),
        ),
    ):
        result = await client.execute(SETTLE, variables, as_=shop.owner)
        assert result["data"] == {"settlement": None}
        refusals = [(e["extensions"]["code"], e["extensions"]["field"]) for e in result["errors"]]
        assert refusals == [expected], variables
    assert await snapshot() == before
    assert (await Voucher.get(id=voucher.id)).status == "ISSUED"


# ---------------------------------------------------------------- retries act once


async def test_redeeming_again_with_the_same_key_returns_the_same_voucher(
    client: GraphQLClient,
) -> None:
    shop = await open_shop(stock=1)
    variables = {"offer": shop.offer_id, "key": "tap-1"}
    first = await client.execute(REDEEM, variables, as_=shop.resident)
    payload = first["data"]["redeemOffer"]
    assert payload["errors"] == [] and payload["pointsBalance"] == 90
    voucher = payload["voucher"]
    assert (voucher["status"], voucher["pointsSpent"], voucher["offer"]) == (
        "ISSUED",
        10,
        {"title": "Rice 5 kg"},
    )
    stored = await Voucher.get(holder_id=shop.resident.user_id)
    assert voucher["id"] == global_id("Voucher", stored.id) and voucher["code"] == stored.code

    # The last unit is gone, yet the retry answers with the first voucher.
    again = await client.execute(REDEEM, variables, as_=shop.resident)
    assert again == first
    assert await balance(shop.resident) == 90
    assert (await Offer.get(id=shop.offer.id)).remaining == 0
    assert await Voucher.all().count() == 1
    assert await fetch("SELECT reason FROM points_transfer WHERE reason = 'REDEMPTION'") == [
        {"reason": "REDEMPTION"}
    ]
    # A new key is a new purchase, and the stock says no.
    other = await client.execute(REDEEM, {**variables, "key": "tap-2"}, as_=shop.resident)
    assert other["data"]["redeemOffer"]["errors"] == [{"code": "OUT_OF_STOCK", "field": None}]


async def test_adjusting_again_with_the_same_key_moves_points_once(client: GraphQLClient) -> None:
    shop = await open_shop(funds=0)
    variables = {
        "user": global_id("User", shop.resident.user_id),
        "amount": 25,
        "memo": "Volunteer bonus",
        "key": "bonus-1",
    }
    first = await client.execute(ADJUST, variables, as_=shop.admin)
    entry = first["data"]["adjustPoints"]["entry"]
    assert first["data"]["adjustPoints"]["errors"] == []
    assert {k: v for k, v in entry.items() if k != "id"} == {
        "amount": 25,
        "reason": "ADJUSTMENT",
        "balanceAfter": 25,
        "memo": "Volunteer bonus",
    }
    assert await client.execute(ADJUST, variables, as_=shop.admin) == first
    assert await balance(shop.resident) == 25
    # Keys belong to the admin who sent them: another admin's same key is a new transfer.
    other_admin = await factories.user(Role.COMMUNITY_ADMIN, name="Other admin")
    second = await client.execute(ADJUST, variables, as_=other_admin)
    assert second["data"]["adjustPoints"]["entry"]["balanceAfter"] == 50
    taken = await client.execute(
        ADJUST, {**variables, "amount": -30, "key": "fix-1", "memo": "Correction"}, as_=shop.admin
    )
    assert taken["data"]["adjustPoints"]["entry"]["balanceAfter"] == 20
    assert await balance(shop.resident) == 20


async def test_repeated_admin_and_voucher_actions(client: GraphQLClient) -> None:
    shop = await open_shop()
    rule = {"reason": "SUGGESTION_ADOPTED", "points": 30, "cap": 60}
    for _ in range(2):
        set_rule = await client.execute(SET_RULE, rule, as_=shop.admin)
        assert set_rule["data"]["setEarningRule"] == {
            "rule": {"reason": "SUGGESTION_ADOPTED", "points": 30, "dailyCap": 60},
            "errors": [],
        }
    assert await fetch("SELECT reason, points, daily_cap FROM earning_rule") == [
        {"reason": "SUGGESTION_ADOPTED", "points": 30, "daily_cap": 60}
    ]
    for _ in range(2):
        approved = await client.execute(APPROVE, {"id": shop.merchant_id}, as_=shop.admin)
        assert approved["data"]["approveMerchant"] == {
            "merchant": {"name": "Sunny Grocery", "status": "ACTIVE"},
            "errors": [],
        }
    assert await fetch(
        "SELECT role FROM user_role WHERE user_id = ? ORDER BY role", shop.owner.user_id
    ) == [{"role": "MERCHANT"}, {"role": "RESIDENT"}]

    voucher = await redeemed(shop)
    vid = global_id("Voucher", voucher.id)
    cancelled = await client.execute(CANCEL, {"id": vid}, as_=shop.resident)
    assert cancelled["data"]["cancelVoucher"] == {
        "voucher": {"status": "CANCELLED", "pointsSpent": 10},
        "errors": [],
    }
    again = await client.execute(CANCEL, {"id": vid}, as_=shop.resident)
    assert again["data"]["cancelVoucher"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": "voucherId"}
    ]
    assert await balance(shop.resident) == 100
    assert (await Offer.get(id=shop.offer.id)).remaining == 5

    used = await redeemed(shop, key="r2")
    first = await client.execute(USE, {"code": used.code}, as_=shop.owner)
    assert first["data"]["useVoucher"] == {
        "voucher": {"status": "USED", "code": used.code},
        "errors": [],
    }
    second = await client.execute(USE, {"code": used.code}, as_=shop.owner)
    assert second["data"]["useVoucher"]["errors"] == [{"code": "VOUCHER_NOT_USABLE", "field": None}]
    registered = await client.execute(
        REGISTER, {"name": "Sunny Grocery", "category": "x", "address": "y"}, as_=shop.resident
    )
    assert registered["data"]["registerMerchant"]["errors"] == [
        {"code": "ALREADY_EXISTS", "field": "name"}
    ]
    assert await Merchant.all().count() == 1


# ---------------------------------------------------------------- journeys


async def test_earning_rules_are_read_by_everyone_and_set_by_admins(
    client: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    query = "{ earningRules { reason points dailyCap } }"
    defaults = await client.execute(query, as_=resident)
    assert defaults == {
        "data": {
            "earningRules": [
                {"reason": "REPORT_VERIFIED", "points": 10, "dailyCap": None},
                {"reason": "EVENT_ATTENDED", "points": 0, "dailyCap": None},
                {"reason": "SUGGESTION_ADOPTED", "points": 20, "dailyCap": None},
            ]
        }
    }
    set_rule = await client.execute(
        SET_RULE, {"reason": "REPORT_VERIFIED", "points": 15, "cap": 45}, as_=admin
    )
    assert set_rule["data"]["setEarningRule"]["errors"] == []
    after = await client.execute(query, as_=resident)
    assert after["data"]["earningRules"][0] == {
        "reason": "REPORT_VERIFIED",
        "points": 15,
        "dailyCap": 45,
    }
    anonymous = await client.execute(query)
    assert anonymous["data"] == {"earningRules": []}  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_a_merchant_from_registration_to_suspension(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    owner = await factories.user(name="Owner")
    resident = await factories.user(name="Resident")
    await fund(admin, resident, 100)
    registered = await client.execute(
        REGISTER,
        {"name": "  Tea House ", "category": "Drinks", "address": "3 Jinhua Road"},
        as_=owner,
    )
    assert registered["data"]["registerMerchant"] == {
        "merchant": {
            "name": "Tea House",
            "category": "Drinks",
            "address": "3 Jinhua Road",
            "status": "PENDING",
        },
        "errors": [],
    }
    merchant = await Merchant.get(name="Tea House")
    mid = global_id("Merchant", merchant.id)
    listing = "{ merchants { name status } }"
    assert (await client.execute(listing, as_=resident))["data"]["merchants"] == []
    assert (await client.execute(listing, as_=owner))["data"]["merchants"] == [
        {"name": "Tea House", "status": "PENDING"}
    ]
    anonymous = await client.execute(listing)
    assert anonymous["data"] == {"merchants": []}  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]

    # A pending merchant may prepare offers; nobody sees them until it is approved.
    created = await client.execute(
        CREATE_OFFER, {"input": offer_input(mid, perUserLimit=2)}, as_=owner
    )
    assert created["data"]["createOffer"] == {
        "offer": {
            "title": "Cooking oil",
            "description": "5 L",
            "pointsPrice": 30,
            "stock": 3,
            "remaining": 3,
            "perUserLimit": 2,
            "status": "ACTIVE",
            "merchant": {"name": "Tea House"},
        },
        "errors": [],
    }
    offer = await Offer.get(merchant_id=merchant.id)
    oid = global_id("Offer", offer.id)
    assert (await client.execute(OFFERS, as_=resident))["data"]["offers"]["edges"] == []

    approved = await client.execute(APPROVE, {"id": mid}, as_=admin)
    assert approved["data"]["approveMerchant"] == {
        "merchant": {"name": "Tea House", "status": "ACTIVE"},
        "errors": [],
    }
    me = await client.execute("{ me { roles merchants { name status } } }", as_=owner)
    assert me["data"]["me"] == {
        "roles": ["MERCHANT", "RESIDENT"],
        "merchants": [{"name": "Tea House", "status": "ACTIVE"}],
    }
    assert (await client.execute(listing, as_=resident))["data"]["merchants"] == [
        {"name": "Tea House", "status": "ACTIVE"}
    ]
    seen = await client.execute(OFFERS, as_=resident)
    assert [e["node"] for e in seen["data"]["offers"]["edges"]] == [
        {"title": "Cooking oil", "merchant": {"name": "Tea House"}}
    ]

    updated = await client.execute(
        UPDATE_OFFER,
        {"input": {"offerId": oid, "stockDelta": 2, "pointsPrice": 25, "title": "Oil 5 L"}},
        as_=owner,
    )
    assert updated["data"]["updateOffer"] == {
        "offer": {
            "title": "Oil 5 L",
            "pointsPrice": 25,
            "stock": 5,
            "remaining": 5,
            "perUserLimit": 2,
            "status": "ACTIVE",
        },
        "errors": [],
    }
    paused = await client.execute(
        UPDATE_OFFER, {"input": {"offerId": oid, "status": "PAUSED"}}, as_=owner
    )
    assert paused["data"]["updateOffer"]["offer"]["status"] == "PAUSED"
    assert (await client.execute(OFFERS, as_=resident))["data"]["offers"]["edges"] == []
    resumed = await client.execute(
        UPDATE_OFFER, {"input": {"offerId": oid, "status": "ACTIVE"}}, as_=owner
    )
    assert resumed["data"]["updateOffer"]["offer"]["status"] == "ACTIVE"

    for _ in range(2):
        suspended = await client.execute(SUSPEND, {"id": mid}, as_=admin)
        assert suspended["data"]["suspendMerchant"] == {
            "merchant": {"name": "Tea House", "status": "SUSPENDED"},
            "errors": [],
        }
    assert (await client.execute(OFFERS, as_=resident))["data"]["offers"]["edges"] == []
    assert (await client.execute(listing, as_=resident))["data"]["merchants"] == []
    refused = await client.execute(REDEEM, {"offer": oid, "key": "k"}, as_=resident)
    assert refused["data"]["redeemOffer"]["errors"] == [
        {"code": "OFFER_NOT_AVAILABLE", "field": None}
    ]
    assert await balance(resident) == 100

    # Approving again reinstates it.
    await client.execute(APPROVE, {"id": mid}, as_=admin)
    bought = await client.execute(REDEEM, {"offer": oid, "key": "k"}, as_=resident)
    assert bought["data"]["redeemOffer"]["pointsBalance"] == 75
    ended = await client.execute(
        UPDATE_OFFER, {"input": {"offerId": oid, "status": "ENDED"}}, as_=owner
    )
    assert ended["data"]["updateOffer"]["offer"]["status"] == "ENDED"
    assert (await Merchant.get(id=merchant.id)).status is MerchantStatus.ACTIVE


async def test_redeem_use_and_settle(client: GraphQLClient) -> None:
    shop = await open_shop()
    start = datetime.now(UTC) - timedelta(minutes=5)
    bought = await client.execute(REDEEM, {"offer": shop.offer_id, "key": "a"}, as_=shop.resident)
    voucher = bought["data"]["redeemOffer"]["voucher"]
    changed_mind = await client.execute(
        REDEEM, {"offer": shop.offer_id, "key": "b"}, as_=shop.resident
    )
    assert changed_mind["data"]["redeemOffer"]["pointsBalance"] == 80
    cancelled = await client.execute(
        CANCEL, {"id": changed_mind["data"]["redeemOffer"]["voucher"]["id"]}, as_=shop.resident
    )
    assert cancelled["data"]["cancelVoucher"]["errors"] == []

    qr = await client.execute(
        "query($id: ID!) { node(id: $id) { ... on Voucher { qrPayload } } }",
        {"id": voucher["id"]},
        as_=shop.resident,
    )
    payload = qr["data"]["node"]["qrPayload"]
    assert payload == f"gridpoints:voucher:{voucher['code']}"
    used = await client.execute(USE, {"code": payload}, as_=shop.owner)
    assert used["data"]["useVoucher"] == {
        "voucher": {"status": "USED", "code": voucher["code"]},
        "errors": [],
    }
    period = {
        "id": shop.merchant_id,
        "from": iso(start),
        "to": iso(datetime.now(UTC) + timedelta(minutes=5)),
    }
    expected = {
        "issued": 2,
        "used": 1,
        "cancelled": 1,
        "expired": 0,
        "pointsReceived": 20,
        "pointsReturned": 10,
    }
    for overseer in (shop.owner, shop.admin):
        settled = await client.execute(SETTLE, period, as_=overseer)
        assert settled["data"]["settlement"] == expected
    assert await balance(shop.resident) == 90


# ---------------------------------------------------------------- reading


async def test_offers_are_paged_newest_first_with_cursors(client: GraphQLClient) -> None:
    shop = await open_shop()
    resident = shop.resident
    other_owner = await factories.user(name="Other owner")
    second = await merchants.register_merchant(
        actor=other_owner, name="Corner Shop", category="Grocery", address="9 Jinhua Road"
    )
    await merchants.approve_merchant(actor=shop.admin, merchant_id=second.id)
    pending = await merchants.register_merchant(
        actor=other_owner, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    await Offer.filter(id=shop.offer.id).update(title="Offer 0")
    hidden = {"status": OfferStatus.PAUSED}
    rows = []
    for n in range(1, 56):
        merchant_id = shop.merchant.id if n % 2 else second.id
        rows.append(
            Offer(
                merchant_id=merchant_id,
                title=f"Offer {n}",
                description="",
                points_price=n,
                stock_added=1,
                remaining=1,
            )
        )
        if n % 10 == 0:  # never listed: paused, a pending merchant's, ended, lapsed
            rows.append(
                Offer(
                    merchant_id=shop.merchant.id,
                    title="Hidden",
                    description="",
                    points_price=1,
                    stock_added=1,
                    remaining=1,
                    **hidden,
                )
            )
    rows.append(
        Offer(
            merchant_id=pending.id,
            title="Hidden",
            description="",
            points_price=1,
            stock_added=1,
            remaining=1,
        )
    )
    rows.append(
        Offer(
            merchant_id=second.id,
            title="Hidden",
            description="",
            points_price=1,
            stock_added=1,
            remaining=1,
            status=OfferStatus.ENDED,
        )
    )
    rows.append(
        Offer(
            merchant_id=second.id,
            title="Hidden",
            description="",
            points_price=1,
            stock_added=1,
            remaining=1,
            valid_until=datetime.now(UTC) - timedelta(hours=1),
        )
    )
    await Offer.bulk_create(rows)

    names = {shop.merchant.id: "Sunny Grocery", second.id: "Corner Shop"}
    titles = [f"Offer {n}" for n in range(55, -1, -1)]
    shops = [names[shop.merchant.id if n % 2 or n == 0 else second.id] for n in range(55, -1, -1)]
    expected = [{"title": t, "merchant": {"name": m}} for t, m in zip(titles, shops, strict=True)]
    for viewer in (resident, None):
        first = await client.execute(OFFERS, {"first": 50}, as_=viewer)
        page = first["data"]["offers"]
        assert [e["node"] for e in page["edges"]] == expected[:50]
        info = page["pageInfo"]
        assert info == {
            "hasNextPage": True,
            "hasPreviousPage": False,
            "startCursor": page["edges"][0]["cursor"],
            "endCursor": page["edges"][-1]["cursor"],
        }
        rest = await client.execute(OFFERS, {"first": 50, "after": info["endCursor"]}, as_=viewer)
        last = rest["data"]["offers"]
        assert [e["node"] for e in last["edges"]] == expected[50:]
        assert (last["pageInfo"]["hasNextPage"], last["pageInfo"]["hasPreviousPage"]) == (
            False,
            True,
        )
        assert last["pageInfo"]["endCursor"] == last["edges"][-1]["cursor"]

    only_second = await client.execute(
        OFFERS, {"first": 100, "merchant": global_id("Merchant", second.id)}, as_=resident
    )
    assert [e["node"]["title"] for e in only_second["data"]["offers"]["edges"]] == [
        f"Offer {n}" for n in range(54, 0, -2)
    ]
    default = await client.execute(OFFERS, as_=resident)
    assert len(default["data"]["offers"]["edges"]) == 20
    bad_cursor = await client.execute(OFFERS, {"after": "bogus"}, as_=resident)
    assert bad_cursor["data"] is None and codes(bad_cursor) == ["INVALID_INPUT"]
    for size in (101, -1):
        refused = await client.execute(OFFERS, {"first": size}, as_=resident)
        assert refused.get("data") is None
        assert [e["message"] for e in refused["errors"]] == ["first must be between 0 and 100."]


async def test_me_shows_balance_history_and_vouchers(client: GraphQLClient) -> None:
    shop = await open_shop()
    await redeemed(shop)
    voucher = await Voucher.get(holder_id=shop.resident.user_id)
    result = await client.execute(WALLET, as_=shop.resident)
    assert result == {
        "data": {
            "me": {
                "pointsBalance": 90,
                "pointsHistory": {
                    "edges": [
                        {"node": {"amount": -10, "reason": "REDEMPTION", "balanceAfter": 90}},
                        {"node": {"amount": 100, "reason": "ADJUSTMENT", "balanceAfter": 100}},
                    ]
                },
                "vouchers": {
                    "edges": [
                        {
                            "node": {
                                "code": voucher.code,
                                "status": "ISSUED",
                                "offer": {
                                    "title": "Rice 5 kg",
                                    "merchant": {"name": "Sunny Grocery"},
                                },
                            }
                        }
                    ]
                },
            }
        }
    }
    newcomer = await factories.user(name="Newcomer")
    empty = await client.execute(WALLET, as_=newcomer)
    assert empty["data"]["me"] == {
        "pointsBalance": 0,
        "pointsHistory": {"edges": []},
        "vouchers": {"edges": []},
    }


async def test_a_wallet_is_private_to_its_owner_and_admins(client: GraphQLClient) -> None:
    shop = await open_shop()
    voucher = await redeemed(shop)
    neighbour = await factories.user(name="Neighbour")
    variables = {"id": global_id("User", shop.resident.user_id)}
    for outsider in (neighbour, shop.owner):  # not in their directory (community/directory.py)
        seen = await client.execute(USER_WALLET, variables, as_=outsider)
        assert seen == {"data": {"node": None}}
    assert (await client.execute(USER_WALLET, variables))["data"]["node"] is None
    as_admin = await client.execute(USER_WALLET, variables, as_=shop.admin)
    # Admins see the wallet; a voucher's code stays with its holder (and the merchant, used).
    assert as_admin["data"]["node"] == {
        "displayName": "Resident",
        "pointsBalance": 90,
        "pointsHistory": {"edges": [{"node": {"amount": -10}}, {"node": {"amount": 100}}]},
        "vouchers": {"edges": [{"node": {"status": "ISSUED", "code": None}}]},
    }
    as_self = await client.execute(USER_WALLET, variables, as_=shop.resident)
    assert as_self["data"]["node"]["vouchers"] == {
        "edges": [{"node": {"status": "ISSUED", "code": voucher.code}}]
    }

    # Entries and vouchers by id: the holder and admins (and the merchant, for vouchers).
    entry = (await fetch("SELECT id FROM points_entry WHERE amount = -10"))[0]["id"]
    entry_query = "query($id: ID!) { node(id: $id) { ... on PointsEntry { amount } } }"
    entry_id = {"id": global_id("PointsEntry", int(entry))}
    assert (await client.execute(entry_query, entry_id, as_=shop.resident))["data"] == {
        "node": {"amount": -10}
    }
    assert (await client.execute(entry_query, entry_id, as_=shop.admin))["data"] == {
        "node": {"amount": -10}
    }
    for stranger in (neighbour, shop.owner, None):
        hidden_entry = await client.execute(entry_query, entry_id, as_=stranger)
        assert hidden_entry == {"data": {"node": None}}

    voucher_query = """
    query($id: ID!) { node(id: $id) { ... on Voucher {
      status code qrPayload holder { displayName pointsBalance vouchers { edges { node { id } } } }
    } } }"""
    voucher_id = {"id": global_id("Voucher", voucher.id)}
    assert (await client.execute(voucher_query, voucher_id, as_=neighbour))["data"] == {
        "node": None
    }
    before_use = await client.execute(voucher_query, voucher_id, as_=shop.owner)
    assert before_use["data"]["node"] == {
        "status": "ISSUED",
        "code": None,
        "qrPayload": None,
        "holder": {"displayName": "Resident", "pointsBalance": None, "vouchers": None},
    }
    await client.execute(USE, {"code": voucher.code}, as_=shop.owner)
    after_use = await client.execute(voucher_query, voucher_id, as_=shop.owner)
    assert after_use["data"]["node"]["code"] == voucher.code
    assert after_use["data"]["node"]["status"] == "USED"
    assert after_use["data"]["node"]["holder"]["pointsBalance"] is None


async def test_a_merchants_redemptions_are_for_its_operators(client: GraphQLClient) -> None:
    shop = await open_shop()
    first = await redeemed(shop, key="a")
    second = await redeemed(shop, key="b")
    await client.execute(USE, {"code": first.code}, as_=shop.owner)
    query = """
    query($id: ID!, $status: VoucherStatus) { node(id: $id) { ... on Merchant {
      name redemptions(status: $status) { edges { node { status code holder { displayName } } } }
    } } }"""
    variables = {"id": shop.merchant_id}
    as_owner = await client.execute(query, variables, as_=shop.owner)
    assert as_owner["data"]["node"]["redemptions"]["edges"] == [
        {"node": {"status": "ISSUED", "code": None, "holder": {"displayName": "Resident"}}},
        {"node": {"status": "USED", "code": first.code, "holder": {"displayName": "Resident"}}},
    ]
    issued = await client.execute(query, {**variables, "status": "ISSUED"}, as_=shop.admin)
    assert issued["data"]["node"]["redemptions"]["edges"] == [
        {"node": {"status": "ISSUED", "code": None, "holder": {"displayName": "Resident"}}}
    ]
    as_resident = await client.execute(query, variables, as_=shop.resident)
    assert as_resident["data"] == {"node": {"name": "Sunny Grocery", "redemptions": None}}
    assert codes(as_resident) == ["FORBIDDEN"]
    assert await Voucher.filter(id=second.id, status="ISSUED").exists()


async def test_offers_and_merchants_by_id_show_operators_everything(client: GraphQLClient) -> None:
    shop = await open_shop()
    paused = await offers.create_offer(
        actor=shop.owner,
        merchant_id=shop.merchant.id,
        title="Soy sauce",
        description="",
        points_price=5,
        stock=2,
    )
    await Offer.filter(id=paused.id).update(status=OfferStatus.PAUSED)
    offer_query = "query($id: ID!) { node(id: $id) { ... on Offer { title status } } }"
    paused_id = {"id": global_id("Offer", paused.id)}
    for viewer, expected in (
        (shop.owner, {"title": "Soy sauce", "status": "PAUSED"}),
        (shop.admin, {"title": "Soy sauce", "status": "PAUSED"}),
        (shop.resident, None),
        (None, None),
    ):
        seen = await client.execute(offer_query, paused_id, as_=viewer)
        assert seen == {"data": {"node": expected}}, viewer
    listed = await client.execute(offer_query, {"id": shop.offer_id}, as_=shop.resident)
    assert listed["data"]["node"] == {"title": "Rice 5 kg", "status": "ACTIVE"}

    merchant_query = """
    query($id: ID!) { node(id: $id) { ... on Merchant {
      name status offers { edges { node { title } } }
    } } }"""
    as_owner = await client.execute(merchant_query, {"id": shop.merchant_id}, as_=shop.owner)
    assert as_owner["data"]["node"]["offers"]["edges"] == [
        {"node": {"title": "Soy sauce"}},
        {"node": {"title": "Rice 5 kg"}},
    ]
    as_resident = await client.execute(merchant_query, {"id": shop.merchant_id}, as_=shop.resident)
    assert as_resident["data"]["node"] == {
        "name": "Sunny Grocery",
        "status": "ACTIVE",
        "offers": {"edges": [{"node": {"title": "Rice 5 kg"}}]},
    }
    pending = await merchants.register_merchant(
        actor=shop.resident, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    pending_id = {"id": global_id("Merchant", pending.id)}
    neighbour = await factories.user(name="Neighbour")
    assert (await client.execute(merchant_query, pending_id, as_=neighbour))["data"] == {
        "node": None
    }
    assert (await client.execute(merchant_query, pending_id, as_=shop.admin))["data"]["node"][
        "status"
    ] == "PENDING"
    # Which merchants a user runs is as private as their wallet.
    runs = "query($id: ID!) { node(id: $id) { ... on User { merchants { name } } } }"
    owner_id = {"id": global_id("User", shop.resident.user_id)}
    # (the neighbour may not even look the owner up: community/directory.py)
    assert (await client.execute(runs, owner_id, as_=neighbour))["data"]["node"] is None
    assert (await client.execute(runs, owner_id, as_=shop.admin))["data"]["node"] == {
        "merchants": [{"name": "Noodle Bar"}]
    }


async def test_history_and_vouchers_page_and_filter(client: GraphQLClient) -> None:
    shop = await open_shop()
    first = await redeemed(shop, key="a")
    await redeemed(shop, key="b")
    await client.execute(USE, {"code": first.code}, as_=shop.owner)
    query = """
    query($after: String, $status: VoucherStatus) { me {
      pointsHistory(first: 2, after: $after) {
        edges { node { amount balanceAfter } } pageInfo { hasNextPage endCursor }
      }
      vouchers(status: $status) { edges { node { status } } }
    } }"""
    page = (await client.execute(query, as_=shop.resident))["data"]["me"]
    assert [e["node"] for e in page["pointsHistory"]["edges"]] == [
        {"amount": -10, "balanceAfter": 80},
        {"amount": -10, "balanceAfter": 90},
    ]
    assert page["pointsHistory"]["pageInfo"]["hasNextPage"] is True
    assert page["vouchers"]["edges"] == [
        {"node": {"status": "ISSUED"}},
        {"node": {"status": "USED"}},
    ]
    after = page["pointsHistory"]["pageInfo"]["endCursor"]
    rest = await client.execute(query, {"after": after, "status": "USED"}, as_=shop.resident)
    me = rest["data"]["me"]
    assert [e["node"] for e in me["pointsHistory"]["edges"]] == [
        {"amount": 100, "balanceAfter": 100}
    ]
    assert me["pointsHistory"]["pageInfo"]["hasNextPage"] is False
    assert me["vouchers"]["edges"] == [{"node": {"status": "USED"}}]


async def test_a_double_tap_redeems_and_adjusts_once(client: GraphQLClient) -> None:
    shop = await open_shop(stock=3, funds=0)
    wallet = global_id("User", shop.resident.user_id)
    grant = {"user": wallet, "amount": 30, "memo": "Bonus", "key": "tap"}
    granted = await asyncio.gather(
        *(client.execute(ADJUST, grant, as_=shop.admin) for _ in range(4))
    )
    assert all(result == granted[0] for result in granted)
    assert granted[0]["data"]["adjustPoints"]["entry"]["balanceAfter"] == 30
    redeem = {"offer": shop.offer_id, "key": "tap"}
    bought = await asyncio.gather(
        *(client.execute(REDEEM, redeem, as_=shop.resident) for _ in range(4))
    )
    assert all(result == bought[0] for result in bought)
    assert bought[0]["data"]["redeemOffer"]["pointsBalance"] == 20
    assert await balance(shop.resident) == 20
    assert await Voucher.all().count() == 1
    assert (await Offer.get(id=shop.offer.id)).remaining == 2
