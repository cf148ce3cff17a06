"""Points over HTTP: funding (retries fund once, bad input writes nothing), the policy, the
treasury, settlement (twice is refused), pending and expiring points on the wallet, and every
entry explained by its source, the rule version that priced it and who approved it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from community.report_workflow import verify_report
from marketplace.policy import set_policy
from marketplace.redemption import redeem_offer
from marketplace.vouchers import use_voucher
from models import clock
from models.enums import ExpiryRule, ReportStatus
from resolvers.ids import global_id
from tests.api.client import GraphQLClient
from tests.domain.civic_helpers import at_status, cast
from tests.domain.market_helpers import active_merchant, admin, fund, offer_of, resident
from tests.domain.points_helpers import points_snapshot, pool_balance

FUND = """mutation($amount: Int!, $memo: String!, $key: String!) {
  fundPool(input: {amount: $amount, memo: $memo, idempotencyKey: $key}) {
    funding { amount memo fundedBy { displayName } } poolBalance errors { code field } } }"""
POLICY = """mutation($rule: ExpiryRule!, $months: Int, $cap: Int) {
  setPointsPolicy(input: {expiryRule: $rule, expiryMonths: $months, monthlyIssuanceCap: $cap}) {
    policy { expiryRule expiryMonths monthlyIssuanceCap } errors { code field } } }"""
SETTLE = """mutation($id: ID!, $end: DateTime!, $ref: String!) {
  settleMerchant(input: {merchantId: $id, periodEnd: $end, reference: $ref}) {
    settlement { points vouchers reference merchant { name } } errors { code field } } }"""
WALLET = """{ me { pointsBalance pendingPoints expiringPoints { points lastDay message }
  pointsHistory(first: 10) { edges { node { amount reason
    source { __typename ... on Report { id status } ... on Voucher { id }
      ... on PointsAdjustment { memo } }
    ruleVersion { version points } approvedBy { displayName } } } } } }"""


async def test_funding_is_for_admins_once_per_key_and_bad_input_writes_nothing(
    client: GraphQLClient,
) -> None:
    boss, someone = await admin(), await resident()
    start = await pool_balance(boss.community_id)
    variables = {"amount": 300, "memo": "Street office grant", "key": "g-1"}
    first = (await client.execute(FUND, variables, as_=boss))["data"]["fundPool"]
    again = (await client.execute(FUND, variables, as_=boss))["data"]["fundPool"]
    assert (
        first
        == again
        == {
            "funding": {
                "amount": 300,
                "memo": "Street office grant",
                "fundedBy": {"displayName": "Admin"},
            },
            "poolBalance": start + 300,
            "errors": [],
        }
    )
    assert await pool_balance(boss.community_id) == start + 300

    refused = await client.execute(FUND, variables, as_=someone)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    before = await points_snapshot()
    for bad, field in (
        ({"amount": 0}, "amount"),
        ({"memo": ""}, "memo"),
        ({"key": ""}, "idempotencyKey"),
    ):
        result = await client.execute(FUND, {**variables, "key": "g-2", **bad}, as_=boss)
        assert result["data"]["fundPool"]["errors"] == [{"code": "INVALID_INPUT", "field": field}]
    reused = await client.execute(FUND, {**variables, "amount": 301}, as_=boss)
    assert reused["data"]["fundPool"]["errors"] == [
        {"code": "ALREADY_EXISTS", "field": "idempotencyKey"}
    ]
    assert await points_snapshot() == before


async def test_the_policy_is_set_by_admins_and_bad_months_write_nothing(
    client: GraphQLClient,
) -> None:
    boss = await admin()
    before = await points_snapshot()
    bad = await client.execute(POLICY, {"rule": "MONTHS_AFTER_EARNING"}, as_=boss)
    assert bad["data"]["setPointsPolicy"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "expiryMonths"}
    ]
    assert await points_snapshot() == before
    done = await client.execute(
        POLICY, {"rule": "MONTHS_AFTER_EARNING", "months": 12, "cap": 500}, as_=boss
    )
    assert done["data"]["setPointsPolicy"] == {
        "policy": {
            "expiryRule": "MONTHS_AFTER_EARNING",
            "expiryMonths": 12,
            "monthlyIssuanceCap": 500,
        },
        "errors": [],
    }
    again = await client.execute(
        POLICY, {"rule": "MONTHS_AFTER_EARNING", "months": 12, "cap": 500}, as_=boss
    )
    assert (
        again["data"]["setPointsPolicy"] == done["data"]["setPointsPolicy"]
    )  # a retry is harmless


async def test_settling_twice_is_refused_and_the_statement_shows_both_periods(
    client: GraphQLClient,
) -> None:
    boss = await admin()
    merchant, owner = await active_merchant()
    offer = await offer_of(merchant, owner, price=10)
    buyer = await resident()
    await fund(buyer, 20, by=boss)
    for key in ("a", "b"):
        bought = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=key)
        if key == "a":
            await use_voucher(actor=owner, code=bought.voucher.code)
    end = (clock.now() - timedelta(microseconds=1)).isoformat()
    variables = {"id": global_id("Merchant", merchant.id), "end": end, "ref": "BANK-7"}
    first = await client.execute(SETTLE, variables, as_=boss)
    assert first["data"]["settleMerchant"] == {
        "settlement": {
            "points": 10,
            "vouchers": 1,
            "reference": "BANK-7",
            "merchant": {"name": merchant.name},
        },
        "errors": [],
    }
    before = await points_snapshot()
    twice = await client.execute(SETTLE, variables, as_=boss)
    assert twice["data"]["settleMerchant"] == {
        "settlement": None,
        "errors": [{"code": "ALREADY_EXISTS", "field": "periodEnd"}],
    }
    assert await points_snapshot() == before
    statement = await client.execute(
        "query($id: ID!) { merchantStatement(merchantId: $id) { settled { points reference } "
        "open { usedPoints issuedPoints balance } } }",
        {"id": variables["id"]},
        as_=owner,
    )
    assert statement["data"]["merchantStatement"] == {
        "settled": [{"points": 10, "reference": "BANK-7"}],
        "open": {"usedPoints": 0, "issuedPoints": 10, "balance": 10},
    }


async def test_a_wallet_shows_pending_and_expiring_points_and_explains_every_entry(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast()
    await set_policy(
        actor=people.admin,
        expiry_rule=ExpiryRule.END_OF_FOLLOWING_YEAR,
        expiry_months=None,
        monthly_issuance_cap=None,
    )
    report = await at_status(people, tmp_path, ReportStatus.RESOLVED)
    held = (await client.execute(WALLET, as_=people.reporter))["data"]["me"]
    assert (held["pointsBalance"], held["pendingPoints"], held["expiringPoints"]) == (0, 10, [])

    await verify_report(actor=people.worker, report_id=report.id)
    await fund(people.reporter, 5, by=people.admin)
    me = (await client.execute(WALLET, as_=people.reporter))["data"]["me"]
    year = clock.local_date(clock.now()).year + 1
    assert me["pendingPoints"] == 0 and me["pointsBalance"] == 15
    assert me["expiringPoints"] == [
        {"points": 15, "lastDay": f"{year}-12-31", "message": f"15 points expire on {year}-12-31"}
    ]
    adjustment, award = [edge["node"] for edge in me["pointsHistory"]["edges"]]
    assert award == {
        "amount": 10,
        "reason": "REPORT_VERIFIED",
        "source": {
            "__typename": "Report",
            "id": global_id("Report", report.id),
            "status": "VERIFIED",
        },
        "ruleVersion": {"version": 1, "points": 10},
        "approvedBy": {"displayName": "Worker"},
    }
    assert adjustment["source"] == {"__typename": "PointsAdjustment", "memo": "Test funds"}
    assert adjustment["ruleVersion"] is None
    assert adjustment["approvedBy"] == {"displayName": "Admin"}


async def test_a_rule_change_makes_a_new_version_and_past_awards_keep_theirs(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast()
    first = await at_status(people, tmp_path, ReportStatus.RESOLVED)
    await verify_report(actor=people.worker, report_id=first.id)
    change = await client.execute(
        "mutation { setEarningRule(input: {reason: REPORT_VERIFIED, points: 25}) "
        "{ rule { points version } errors { code } } }",
        as_=people.admin,
    )
    assert change["data"]["setEarningRule"]["rule"] == {"points": 25, "version": 2}
    versions = await client.execute(
        "{ earningRuleVersions(reason: REPORT_VERIFIED) { version points } }", as_=people.reporter
    )
    assert versions["data"]["earningRuleVersions"] == [
        {"version": 2, "points": 25},
        {"version": 1, "points": 10},
    ]
    me = (await client.execute(WALLET, as_=people.reporter))["data"]["me"]
    assert [e["node"]["ruleVersion"] for e in me["pointsHistory"]["edges"]] == [
        {"version": 1, "points": 10}
    ]


async def test_the_treasury_is_for_admins(client: GraphQLClient) -> None:
    boss, someone = await admin(), await resident()
    document = "{ treasury { poolBalance wallets holds liability total { funded issued } } }"
    refused = await client.execute(document, as_=someone)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    shown: dict[str, Any] = (await client.execute(document, as_=boss))["data"]["treasury"]
    assert shown["poolBalance"] == await pool_balance(boss.community_id)
    assert shown["liability"] == shown["wallets"] + shown["holds"]
    assert shown["total"]["funded"] >= shown["poolBalance"]
