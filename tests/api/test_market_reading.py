"""The points economy over HTTP: what each viewer may read of wallets, offers and vouchers, and a
double tap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from models.enums import OfferStatus
from models.market import Offer, Voucher
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.api.market_support import (
    ADJUST,
    OFFERS,
    REDEEM,
    USE,
    USER_WALLET,
    WALLET,
    codes,
    open_shop,
    redeemed,
)
from tests.harness import market
from tests.harness.wallets import balance

# ---------------------------------------------------------------- reading


def _row(merchant_id: int, title: str, price: int = 1, **fields: Any) -> Offer:
    """An offer row with one unit, written as is (no rule checks it)."""
    return Offer(
        merchant_id=merchant_id,
        title=title,
        description="",
        points_price=price,
        stock_added=1,
        remaining=1,
        **fields,
    )


async def test_offers_are_paged_newest_first_with_cursors(client: GraphQLClient) -> None:
    shop = await open_shop()
    resident = shop.resident
    other_owner = await factories.user(name="Other owner")
    second, _ = await market.active_merchant(
        other_owner, by=shop.admin, name="Corner Shop", address="9 Jinhua Road"
    )
    pending = await market.awaiting_approval(other_owner)
    await Offer.filter(id=shop.offer.id).update(title="Offer 0")
    rows = []
    for n in range(1, 56):
        rows.append(_row(shop.merchant.id if n % 2 else second.id, f"Offer {n}", n))
        if n % 10 == 0:  # never listed: paused, a pending merchant's, ended, lapsed
            rows.append(_row(shop.merchant.id, "Hidden", status=OfferStatus.PAUSED))
    rows += [
        _row(pending.id, "Hidden"),
        _row(second.id, "Hidden", status=OfferStatus.ENDED),
        _row(second.id, "Hidden", valid_until=datetime.now(UTC) - timedelta(hours=1)),
    ]
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
    paused = await market.offer_of(
        shop.merchant, shop.owner, title="Soy sauce", description="", price=5, stock=2
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
    pending = await market.awaiting_approval(shop.resident)
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
