"""A constant number of SQL statements per operation, whatever the page size (issue 6)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from community.events import sign_up
from community.report_workflow import accept_report
from community.reports import submit_report
from community.suggestions import submit_suggestion
from marketplace.earning import award
from marketplace.ledger import AccountRef, Posting, pool_of, post
from marketplace.payouts import settle_merchant
from marketplace.redemption import redeem_offer
from models import clock
from models.actor import Actor
from models.enums import PointsReason, ReportCategory, Role
from models.grid import MicroGrid
from models.market import Merchant, Offer
from models.points import PointsLot
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.harness import market
from tests.harness.events import an_event
from tests.statements import counting_statements

OFFERS = """{ offers(first: 50) { edges { cursor node { id title pointsPrice remaining
  merchant { name } } } pageInfo { hasNextPage endCursor } } }"""
WALLET = """{ me { pointsBalance
  pointsHistory(first: 20) { edges { node { amount reason balanceAfter createdAt } } }
  vouchers(first: 10) { edges { node { code status offer { title merchant { name } } } } } } }"""
QUEUE = """{ reports(first: 50) { edges { node { id status category createdAt
  reporter { displayName } microGrid { name courtyard { name } }
  timeline { toStatus at actor { displayName } } } } } }"""
REDEEM = """mutation($offer: ID!, $key: String!) {
  redeemOffer(input: {offerId: $offer, idempotencyKey: $key}) {
    voucher { code status } pointsBalance errors { code } } }"""


async def _marketplace(offers: int, merchants: int = 5) -> tuple[list[int], Actor]:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    offer_ids: list[int] = []
    for m in range(merchants):
        owner = await factories.user(name=f"Owner {m}")
        merchant, _ = await market.active_merchant(owner, by=admin, name=f"Shop {m}")
        for i in range(offers // merchants):
            offer = await market.offer_of(
                merchant, owner, title=f"O{m}-{i}", description="d", price=5, stock=100
            )
            offer_ids.append(offer.id)
    return offer_ids, admin


async def _rich_resident(points: int) -> Actor:
    resident = await factories.user(name="Resident")
    async with in_transaction():
        await award(
            community_id=resident.community_id,
            user_id=resident.user_id,
            reason=PointsReason.SUGGESTION_ADOPTED,
            source_type="test",
            source_id=1,
            points=points,
        )
    return resident


async def test_offers_page_is_three_statements_at_most(client: GraphQLClient) -> None:
    await _marketplace(offers=50)
    resident = await factories.user()
    token = client.token_for(resident)
    with counting_statements() as sent:
        result = await client.execute(OFFERS, token=token)
    assert len(result["data"]["offers"]["edges"]) == 50
    assert len(sent) <= 3, sent


async def test_wallet_is_five_statements_at_most(client: GraphQLClient) -> None:
    offer_ids, _ = await _marketplace(offers=10)
    resident = await _rich_resident(1000)
    for n, offer_id in enumerate(offer_ids):
        await redeem_offer(actor=resident, offer_id=offer_id, idempotency_key=f"k{n}")
    with counting_statements() as sent:
        result = await client.execute(WALLET, as_=resident)
    me = result["data"]["me"]
    assert me["pointsBalance"] == 950
    assert len(me["pointsHistory"]["edges"]) == 11 and len(me["vouchers"]["edges"]) == 10
    assert len(sent) <= 5, sent


async def test_report_queue_is_six_statements_at_most(
    client: GraphQLClient, tmp_path: Path
) -> None:
    grid: MicroGrid = await factories.grid("Grid 1")
    worker = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    for n in range(50):
        reporter = await factories.user(name=f"Reporter {n}", home_grid=grid)
        report = await submit_report(
            actor=reporter,
            category=ReportCategory.OTHER,
            description=f"Issue {n}",
            media_dir=tmp_path,
        )
        if n % 2:
            await accept_report(actor=worker, report_id=report.id)
    with counting_statements() as sent:
        result = await client.execute(QUEUE, as_=worker)
    edges = result["data"]["reports"]["edges"]
    assert len(edges) == 50
    assert {len(e["node"]["timeline"]) for e in edges} == {1, 2}
    assert len(sent) <= 6, sent


async def test_redeem_is_ten_statements_at_most(client: GraphQLClient) -> None:
    """Eight before lots, and two for them: record what each lot gives, then take it."""
    offer_ids, _ = await _marketplace(offers=5)
    resident = await _rich_resident(100)
    variables = {"offer": global_id("Offer", offer_ids[0]), "key": "once"}
    with counting_statements() as sent:
        result = await client.execute(REDEEM, variables, as_=resident)
    assert result["data"]["redeemOffer"]["errors"] == []
    assert result["data"]["redeemOffer"]["pointsBalance"] == 95
    assert len(sent) <= 10, sent


WALLET_WITH_POINTS = """{ me { pointsBalance pendingPoints
  expiringPoints { points lastDay message }
  pointsHistory(first: 20) { edges { node { amount reason balanceAfter
    source { __typename ... on Voucher { pointsSpent } ... on PointsAdjustment { memo } }
    ruleVersion { version } approvedBy { displayName } } } } } }"""


async def _resident_with_lots(lots: int) -> Actor:
    """A resident whose points sit in `lots` lots, each expiring on a day of its own."""
    resident = await factories.user(name=f"{lots} lots")
    for n in range(lots):
        await award(
            community_id=resident.community_id,
            user_id=resident.user_id,
            reason=PointsReason.SUGGESTION_ADOPTED,
            source_type="test",
            source_id=1000 * lots + n,
            points=10,
        )
    await fetch(
        "UPDATE points_lot SET expires_at = ? WHERE account_id = "
        "(SELECT id FROM account WHERE user_id = ?) RETURNING id",
        datetime.now(UTC) + timedelta(days=40),
        resident.user_id,
    )
    return resident


async def test_the_wallet_and_redeem_cost_the_same_however_many_lots(
    client: GraphQLClient,
) -> None:
    """Budgets constant in the number of lots: a wallet of 1 lot and one of 60."""
    offer_ids, _ = await _marketplace(offers=5)
    sent_by_lots: dict[int, tuple[int, int]] = {}
    for lots in (1, 60):
        resident = await _resident_with_lots(lots)
        with counting_statements() as wallet:
            result = await client.execute(WALLET_WITH_POINTS, as_=resident)
        me = result["data"]["me"]
        assert me["pointsBalance"] == 10 * lots and len(me["expiringPoints"]) == 1
        variables = {"offer": global_id("Offer", offer_ids[lots % 5]), "key": f"k{lots}"}
        with counting_statements() as redeem:
            done = await client.execute(REDEEM, variables, as_=resident)
        assert done["data"]["redeemOffer"]["pointsBalance"] == 10 * lots - 5
        sent_by_lots[lots] = (len(wallet), len(redeem))
    assert sent_by_lots[1] == sent_by_lots[60], sent_by_lots
    wallet_statements, redeem_statements = sent_by_lots[60]
    assert wallet_statements <= 7 and redeem_statements <= 9, sent_by_lots


HISTORY_WITH_SOURCES = """{ me { pointsHistory(first: 100) { edges { node { amount
  source { __typename ... on Report { id status } ... on EventSignup { id createdAt }
    ... on Suggestion { id title } ... on Voucher { id pointsSpent }
    ... on PointsAdjustment { memo } ... on PointsExpiry { earned }
    ... on MerchantSettlement { id reference } } } } } } }"""
SOURCE_KINDS = (
    "Report",
    "EventSignup",
    "Suggestion",
    "Voucher",
    "PointsAdjustment",
    "PointsExpiry",
    "MerchantSettlement",
)


@dataclass(frozen=True)
class _Shop:
    admin: Actor
    merchant: Merchant
    offer: Offer


async def _cite(owner: Actor, source_type: str, source_id: int) -> None:
    """A wallet entry whose transfer names its source, posted as the awarding flows post
    theirs (without their rules' caps, which would stop a long history)."""
    pool = await pool_of(community_id=owner.community_id)
    async with in_transaction():
        await post(
            Posting(
                debit=AccountRef.pool(pool.id),
                credit=AccountRef.wallet(owner.user_id),
                amount=1,
                reason=PointsReason.ADJUSTMENT,
                source_type=source_type,
                source_id=source_id,
                idempotency_key=f"cite:{source_type}:{source_id}",
            )
        )


async def _one_entry_of_each_kind(owner: Actor, shop: _Shop, media: Path, key: str) -> None:
    await market.fund(owner, 10, by=shop.admin)
    await redeem_offer(actor=owner, offer_id=shop.offer.id, idempotency_key=key)
    report = await submit_report(
        actor=owner, category=ReportCategory.OTHER, description=key, media_dir=media
    )
    await _cite(owner, "report", report.id)
    event = await an_event(shop.admin, title=key)
    await _cite(owner, "event_signup", (await sign_up(actor=owner, event_id=event.id)).id)
    idea = await submit_suggestion(actor=owner, title=key, body="More benches")
    await _cite(owner, "suggestion", idea.id)
    lot = await PointsLot.filter(account__user_id=owner.user_id).order_by("-id").first()
    assert lot is not None
    await _cite(owner, "lot", lot.id)
    settled = await settle_merchant(
        actor=shop.admin, merchant_id=shop.merchant.id, period_end=clock.now(), reference=key
    )
    await _cite(owner, "settlement", settled.id)


async def test_a_history_explained_by_every_kind_of_source_costs_the_same_however_long(
    client: GraphQLClient, tmp_path: Path
) -> None:
    """One batched statement per kind of source: 3 entries of each kind cost what 14 do."""
    admin = await market.admin()
    merchant, operator = await market.active_merchant(by=admin)
    offer = await market.offer_of(merchant, operator, price=1, stock=100)
    shop = _Shop(admin, merchant, offer)
    home = await factories.grid()
    sent_by_entries: dict[int, int] = {}
    for per_kind in (3, 14):
        owner = await factories.user(name=f"{per_kind} of each", home_grid=home)
        for n in range(per_kind):
            await _one_entry_of_each_kind(owner, shop, tmp_path, key=f"{per_kind}-{n}")
        with counting_statements() as sent:
            result = await client.execute(HISTORY_WITH_SOURCES, as_=owner)
        edges = result["data"]["me"]["pointsHistory"]["edges"]
        shown = Counter(edge["node"]["source"]["__typename"] for edge in edges)
        assert shown == dict.fromkeys(SOURCE_KINDS, per_kind), shown
        sent_by_entries[len(edges)] = len(sent)
    assert sent_by_entries[21] == sent_by_entries[98], sent_by_entries
    assert sent_by_entries[98] <= 9, sent_by_entries
