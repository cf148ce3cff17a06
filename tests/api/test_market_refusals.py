"""The points economy over HTTP: refusals of bad input and wrong steps write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace import merchants
from models.enums import OfferStatus
from models.market import Offer, Voucher
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.api.market_support import (
    ADJUST,
    APPROVE,
    CANCEL,
    CREATE_OFFER,
    REDEEM,
    REGISTER,
    SET_RULE,
    SETTLE,
    SUSPEND,
    UPDATE_OFFER,
    USE,
    fund,
    iso,
    offer_input,
    open_shop,
    redeemed,
)
from tests.harness import market
from tests.harness.snapshots import market_rows as snapshot
from tests.harness.wallets import balance

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
    ended = await market.offer_of(
        shop.merchant, shop.owner, title="Old", description="", price=5, stock=1
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
        price, stock = fields.pop("price", 10), fields.pop("stock", 5)
        made = await market.offer_of(
            shop.merchant, owner, title=title, description="", price=price, stock=stock
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
    pending = await market.awaiting_approval(other_owner)
    noodles = await market.offer_of(pending, other_owner, title="Noodles", description="", price=5)
    unapproved = global_id("Offer", noodles.id)
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
    await market.active_merchant(
        rival_owner, by=shop.admin, name="Corner Shop", address="9 Jinhua Road"
    )
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
