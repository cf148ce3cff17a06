"""The points economy over HTTP: earning rules, a merchant from registration to suspension, redeem-
use-settle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.enums import MerchantStatus, Role
from models.market import Merchant, Offer
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.api.market_support import (
    APPROVE,
    CANCEL,
    CREATE_OFFER,
    OFFERS,
    REDEEM,
    REGISTER,
    SET_RULE,
    SETTLE,
    SUSPEND,
    UPDATE_OFFER,
    USE,
    codes,
    fund,
    iso,
    offer_input,
    open_shop,
)
from tests.harness.wallets import balance

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
