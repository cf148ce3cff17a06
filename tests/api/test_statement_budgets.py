"""A constant number of SQL statements per operation, whatever the page size (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from community.report_workflow import accept_report
from community.reports import submit_report
from marketplace.earning import award
from marketplace.redemption import redeem_offer
from models.actor import Actor
from models.enums import PointsReason, ReportCategory, Role
from models.grid import MicroGrid
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.harness import market
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
