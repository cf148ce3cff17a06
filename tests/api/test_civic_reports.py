"""Civic work over HTTP: the report workflow, service levels, and who sees which report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from community import reports
from models.civic import Report
from models.enums import ReportCategory, Role
from models.sql import fetch
from tests import factories
from tests.api.civic_support import (
    ACCEPT,
    DISPATCH,
    ESCALATE,
    REJECT,
    REPORTS,
    RESOLVE,
    SET_LEVEL,
    SUBMIT,
    VERIFY,
    cast,
    codes,
    errors_of,
    gid,
)
from tests.api.client import GraphQLClient
from tests.harness.wallets import balance

# ---------------------------------------------------------------- the report workflow


TIMELINE = """
query($id: ID!) { node(id: $id) { ... on Report {
  status pointsAwarded overdue assignee { displayName }
  timeline { fromStatus toStatus note actor { displayName } }
} } }"""


async def test_an_escalated_report_goes_to_the_admins_and_is_verified_once(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    rid = gid("Report", await people.report())
    member = gid("User", people.member.user_id)
    escalated = await client.execute(
        ESCALATE, {"id": rid, "note": "Needs the property company"}, as_=people.worker
    )
    assert escalated["data"]["escalateReport"] == {"report": {"status": "ESCALATED"}, "errors": []}
    not_theirs = await client.execute(DISPATCH, {"id": rid, "to": member}, as_=people.worker)
    assert not_theirs["data"] is None and codes(not_theirs) == ["FORBIDDEN"]
    dispatched = await client.execute(
        DISPATCH, {"id": rid, "to": member, "note": "Please look"}, as_=people.admin
    )
    assert dispatched["data"]["dispatchReport"] == {
        "report": {"status": "DISPATCHED", "assignee": {"displayName": "Member"}},
        "errors": [],
    }
    again = await client.execute(DISPATCH, {"id": rid, "to": member}, as_=people.admin)
    assert errors_of(again) == [("INVALID_TRANSITION", None)]
    resolved = await client.execute(RESOLVE, {"id": rid, "note": "Replaced"}, as_=people.member)
    assert resolved["data"]["resolveReport"] == {"report": {"status": "RESOLVED"}, "errors": []}
    own_work = await client.execute(VERIFY, {"id": rid}, as_=people.member)
    assert own_work["data"] is None and codes(own_work) == ["FORBIDDEN"]
    for attempt in range(2):
        verified = await client.execute(VERIFY, {"id": rid, "note": "OK"}, as_=people.worker)
        expected = (
            {"report": {"status": "VERIFIED"}, "errors": []}
            if attempt == 0
            else {"report": None, "errors": [{"code": "INVALID_TRANSITION", "field": None}]}
        )
        assert verified["data"]["verifyReport"] == expected
    seen = await client.execute(TIMELINE, {"id": rid}, as_=people.reporter)
    assert seen["data"]["node"] == {
        "status": "VERIFIED",
        "pointsAwarded": 10,
        "overdue": False,
        "assignee": {"displayName": "Member"},
        "timeline": [
            {
                "fromStatus": None,
                "toStatus": "SUBMITTED",
                "note": None,
                "actor": {"displayName": "Reporter"},
            },
            {
                "fromStatus": "SUBMITTED",
                "toStatus": "ESCALATED",
                "note": "Needs the property company",
                "actor": {"displayName": "Worker"},
            },
            {
                "fromStatus": "ESCALATED",
                "toStatus": "DISPATCHED",
                "note": "Please look",
                "actor": {"displayName": "Admin"},
            },
            {
                "fromStatus": "DISPATCHED",
                "toStatus": "RESOLVED",
                "note": "Replaced",
                "actor": {"displayName": "Member"},
            },
            {
                "fromStatus": "RESOLVED",
                "toStatus": "VERIFIED",
                "note": "OK",
                "actor": {"displayName": "Worker"},
            },
        ],
    }
    assert await balance(people.reporter) == 10
    credits = await fetch(
        "SELECT COUNT(*) AS n FROM points_transfer t JOIN account a ON a.id = t.credit_account_id "
        "WHERE a.user_id = ?",
        people.reporter.user_id,
    )
    assert credits == [{"n": 1}]  # the report's hold, posted once


async def test_a_dispute_settled_on_the_spot_and_a_rejected_report(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    dispute = gid("Report", await people.report(category=ReportCategory.DISPUTE))
    for query, actor, note, status in (
        (ACCEPT, people.member, None, "ACCEPTED"),
        (RESOLVE, people.member, "Both agreed on the parking spot", "RESOLVED"),
        (VERIFY, people.worker, None, "VERIFIED"),
    ):
        done = await client.execute(query, {"id": dispute, "note": note}, as_=actor)
        (payload,) = done["data"].values()
        assert payload == {"report": {"status": status}, "errors": []}, query
    assert await balance(people.reporter) == 10

    noise = gid("Report", await people.report(category=ReportCategory.NOISE))
    for attempt in range(2):
        rejected = await client.execute(
            REJECT, {"id": noise, "note": "Not in our grid"}, as_=people.worker
        )
        assert rejected["data"]["rejectReport"] == (
            {"report": {"status": "REJECTED"}, "errors": []}
            if attempt == 0
            else {"report": None, "errors": [{"code": "INVALID_TRANSITION", "field": None}]}
        )
    seen = await client.execute(TIMELINE, {"id": noise}, as_=people.reporter)
    assert seen["data"]["node"]["timeline"][-1] == {
        "fromStatus": "SUBMITTED",
        "toStatus": "REJECTED",
        "note": "Not in our grid",
        "actor": {"displayName": "Worker"},
    }
    assert seen["data"]["node"]["pointsAwarded"] == 0
    assert await balance(people.reporter) == 10


async def test_the_reporter_may_escalate_an_overdue_report(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    report = await people.report("ACCEPTED")
    rid = gid("Report", report)
    early = await client.execute(ESCALATE, {"id": rid}, as_=people.reporter)
    assert early["data"] is None and codes(early) == ["FORBIDDEN"]
    await Report.filter(id=report.id).update(due_at=datetime.now(UTC) - timedelta(minutes=1))
    assert (await client.execute(TIMELINE, {"id": rid}, as_=people.reporter))["data"]["node"][
        "overdue"
    ] is True
    escalated = await client.execute(
        ESCALATE, {"id": rid, "note": "Still dark"}, as_=people.reporter
    )
    assert escalated["data"]["escalateReport"] == {"report": {"status": "ESCALATED"}, "errors": []}
    again = await client.execute(ESCALATE, {"id": rid, "note": "Still dark"}, as_=people.reporter)
    assert errors_of(again) == [("INVALID_TRANSITION", None)]


async def test_service_levels_are_set_by_admins_and_set_the_next_deadlines(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    defaults = [
        {"category": "SAFETY_HAZARD", "hours": 1.0},
        {"category": "SANITATION", "hours": 24.0},
        {"category": "FACILITY", "hours": 24.0},
        {"category": "DISPUTE", "hours": 24.0},
        {"category": "NOISE", "hours": 24.0},
        {"category": "OTHER", "hours": 24.0},
    ]
    levels = "{ serviceLevels { category hours } }"
    assert (await client.execute(levels, as_=people.reporter))["data"]["serviceLevels"] == defaults
    anonymous = await client.execute(levels)
    assert anonymous["data"] == {"serviceLevels": []} and codes(anonymous) == ["UNAUTHENTICATED"]
    changed = [
        {**level, "hours": 4.5} if level["category"] == "NOISE" else level for level in defaults
    ]
    for hours in (2, 4.5):
        result = await client.execute(
            SET_LEVEL, {"category": "NOISE", "hours": hours}, as_=people.admin
        )
        assert result["data"]["setServiceLevel"]["errors"] == []
    assert result["data"]["setServiceLevel"]["serviceLevels"] == changed
    assert await fetch("SELECT category, hours FROM service_level") == [
        {"category": "NOISE", "hours": 4.5}
    ]
    assert (await client.execute(levels, as_=people.reporter))["data"]["serviceLevels"] == changed

    submitted = await client.execute(
        SUBMIT,
        {"input": {"category": "NOISE", "description": "Drilling at night"}},
        as_=people.reporter,
    )
    assert submitted["data"]["submitReport"]["errors"] == []
    report = await Report.get(description="Drilling at night")
    assert report.due_at is not None and report.micro_grid_id == people.grid.id
    assert report.due_at - report.created_at == timedelta(hours=4.5)


# ---------------------------------------------------------------- who sees which report


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("reporter", ["mine"]),
        ("neighbour", ["neighbours"]),
        ("rider", ["elsewhere"]),
        ("member", ["mine", "neighbours"]),
        ("worker", ["mine", "neighbours"]),
        ("other_worker", ["elsewhere"]),
        ("manager", ["neighbours"]),
        ("admin", ["mine", "neighbours", "elsewhere"]),
    ],
)
async def test_reports_lists_what_each_role_may_see(
    client: GraphQLClient, tmp_path: Path, who: str, sees: list[str]
) -> None:
    people = await cast(tmp_path)
    rider = await factories.user(Role.MOBILE_REPORTER, name="Rider")
    await people.report(description="mine")
    await people.report(
        "DISPATCHED",
        category=ReportCategory.NOISE,
        description="neighbours",
        reporter=people.neighbour,
    )
    await reports.submit_report(
        actor=rider,
        category=ReportCategory.SAFETY_HAZARD,
        description="elsewhere",
        micro_grid_id=people.other_grid.id,
        media_dir=people.media,
    )
    viewer = rider if who == "rider" else getattr(people, who)
    listed = await client.execute(REPORTS, as_=viewer)
    names = [edge["node"]["description"] for edge in listed["data"]["reports"]["edges"]]
    # Staff get a queue, oldest first; residents their own, newest first.
    assert names == (
        sees if who in ("member", "worker", "manager", "admin", "other_worker") else sees[::-1]
    )
    for description, report in [(r.description, r) for r in await Report.all()]:
        node = await client.execute(TIMELINE, {"id": gid("Report", report)}, as_=viewer)
        assert (node["data"]["node"] is not None) is (description in sees), description
    dispatched = await client.execute(REPORTS, {"status": "DISPATCHED"}, as_=viewer)
    expected = ["neighbours"] if "neighbours" in sees else []
    assert [e["node"]["description"] for e in dispatched["data"]["reports"]["edges"]] == expected


async def test_reports_pages_and_refuses_nobody(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    for n in range(3):
        await people.report(description=f"Report {n}")
    first = await client.execute(REPORTS, {"first": 2}, as_=people.worker)
    page = first["data"]["reports"]
    assert [e["node"]["description"] for e in page["edges"]] == ["Report 0", "Report 1"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await client.execute(
        REPORTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, as_=people.worker
    )
    assert [e["node"]["description"] for e in rest["data"]["reports"]["edges"]] == ["Report 2"]
    assert rest["data"]["reports"]["pageInfo"]["hasNextPage"] is False
    anonymous = await client.execute(REPORTS)
    assert anonymous["data"] == {
        "reports": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    }  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]
    # Staff see who reported, but not their wallet or phone.
    query = "{ reports { edges { node { reporter { displayName phone pointsBalance } } } } }"
    seen = await client.execute(query, as_=people.worker)
    assert seen["data"]["reports"]["edges"][0]["node"]["reporter"] == {
        "displayName": "Reporter",
        "phone": None,
        "pointsBalance": None,
    }
