"""The report journey as the community runs it, over HTTP with real tokens and real uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.enums import Role
from models.ledger import Account
from resolvers.ids import global_id
from tests import factories
from tests.api.civic_support import multipart
from tests.api.client import GraphQLClient
from tests.images import PNG, pixels

SUBMIT = """
mutation($input: SubmitReportInput!) {
  submitReport(input: $input) {
    report { id status category microGrid { name } photoUrls dueAt overdue }
    errors { code field message }
  }
}"""
STEP = """
mutation($id: ID!, $note: String) {
  %s(input: {reportId: $id, note: $note}) { report { status } errors { code field } }
}"""
DISPATCH = """
mutation($id: ID!, $to: ID!) {
  dispatchReport(input: {reportId: $id, assigneeId: $to}) {
    report { status assignee { displayName } } errors { code }
  }
}"""
TIMELINE = """
query($id: ID!) { node(id: $id) { ... on Report {
  status pointsAwarded reporter { displayName }
  timeline { fromStatus toStatus note actor { displayName } }
} } }"""


async def upload_report(client: GraphQLClient, token: str, grid_id: str) -> dict[str, Any]:
    """Submitted as the app does: a GraphQL multipart request with one photo."""
    report = {
        "category": "SAFETY_HAZARD",
        "description": "Loose manhole cover",
        "microGridId": grid_id,
    }
    return await multipart(client, SUBMIT, report, [("cover.png", PNG, "image/png")], token=token)


async def test_hazard_from_submission_to_verification(
    client: GraphQLClient, tmp_path: Path
) -> None:
    grid = await factories.grid("Grid 3")
    rider = await factories.user(Role.MOBILE_REPORTER, name="Rider")
    worker = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    manager = await factories.user(Role.PROPERTY_MANAGER, name="Manager")
    submitted = await upload_report(
        client, client.token_for(rider), global_id("MicroGrid", grid.id)
    )
    payload = submitted["data"]["submitReport"]
    assert payload["errors"] == []
    report = payload["report"]
    assert (report["status"], report["category"], report["microGrid"]) == (
        "SUBMITTED",
        "SAFETY_HAZARD",
        {"name": "Grid 3"},
    )
    assert len(report["photoUrls"]) == 1 and report["photoUrls"][0].startswith("/media/")
    assert report["overdue"] is False and report["dueAt"] is not None
    stored = list((tmp_path / "media").iterdir())
    assert [pixels(p.read_bytes()) for p in stored] == [pixels(PNG)]

    rid = report["id"]
    accepted = await client.execute(STEP % "acceptReport", {"id": rid}, as_=worker)
    assert accepted["data"]["acceptReport"] == {"report": {"status": "ACCEPTED"}, "errors": []}
    dispatched = await client.execute(
        DISPATCH, {"id": rid, "to": global_id("User", manager.user_id)}, as_=worker
    )
    assert dispatched["data"]["dispatchReport"]["report"] == {
        "status": "DISPATCHED",
        "assignee": {"displayName": "Manager"},
    }
    resolved = await client.execute(
        STEP % "resolveReport", {"id": rid, "note": "Cover bolted"}, as_=manager
    )
    assert resolved["data"]["resolveReport"] == {"report": {"status": "RESOLVED"}, "errors": []}
    wrong = await client.execute(STEP % "verifyReport", {"id": rid}, as_=manager)
    assert wrong["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    verified = await client.execute(
        STEP % "verifyReport", {"id": rid, "note": "Checked on site"}, as_=worker
    )
    assert verified["data"]["verifyReport"] == {"report": {"status": "VERIFIED"}, "errors": []}

    seen = await client.execute(TIMELINE, {"id": rid}, as_=rider)
    node = seen["data"]["node"]
    assert node["pointsAwarded"] == 10
    assert [
        (s["fromStatus"], s["toStatus"], s["actor"]["displayName"]) for s in node["timeline"]
    ] == [
        (None, "SUBMITTED", "Rider"),
        ("SUBMITTED", "ACCEPTED", "Worker"),
        ("ACCEPTED", "DISPATCHED", "Worker"),
        ("DISPATCHED", "RESOLVED", "Manager"),
        ("RESOLVED", "VERIFIED", "Worker"),
    ]
    assert (await Account.get(user_id=rider.user_id)).balance == 10
    queue = await client.execute("{ reports { edges { node { status } } } }", as_=worker)
    assert queue["data"]["reports"]["edges"] == [{"node": {"status": "VERIFIED"}}]
