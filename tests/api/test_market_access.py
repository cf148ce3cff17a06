"""The points economy over HTTP: who may call each mutation; the anonymous and the wrong roles are
refused and nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.actor import Actor
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
    codes,
    iso,
    offer_input,
    open_shop,
    redeemed,
)
from tests.harness import market
from tests.harness.snapshots import market_rows as snapshot

# ---------------------------------------------------------------- who may call what


async def test_anonymous_callers_are_unauthenticated_and_nothing_changes(
    client: GraphQLClient,
) -> None:
    shop = await open_shop()
    voucher = await redeemed(shop)
    pending = await market.awaiting_approval(shop.resident)
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
    await market.active_merchant(
        rival_owner, by=shop.admin, name="Corner Shop", address="9 Jinhua Road"
    )
    pending = await market.awaiting_approval(neighbour)
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
