"""The points economy over HTTP: retries with the same key act once."""

from __future__ import annotations

from models.enums import Role
from models.market import Merchant, Offer, Voucher
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.api.market_support import (
    ADJUST,
    APPROVE,
    CANCEL,
    REDEEM,
    REGISTER,
    SET_RULE,
    USE,
    open_shop,
    redeemed,
)
from tests.harness.wallets import balance

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
