"""Civic work over HTTP: bad input, wrong steps and refused uploads write and store nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from community import report_workflow, reports
from models.civic import Report
from models.enums import ReportCategory
from tests import factories
from tests.api.civic_support import (
    ACCEPT,
    DISPATCH,
    ESCALATE,
    MAX_PHOTO_BYTES,
    REJECT,
    RESOLVE,
    RESOLVE_WITH_PHOTOS,
    SET_LEVEL,
    SUBMIT,
    VERIFY,
    Refusal,
    assert_refused,
    cast,
    codes,
    errors_of,
    gid,
    media_files,
    multipart,
)
from tests.api.client import GraphQLClient
from tests.harness.snapshots import civic_rows as snapshot
from tests.images import JPEG, PNG

# ---------------------------------------------------------------- refusals write nothing


async def test_reports_refuse_bad_input_and_wrong_steps(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    submitted = gid("Report", await people.report())
    accepted = gid("Report", await people.report("ACCEPTED"))
    dispatched = gid("Report", await people.report("DISPATCHED"))
    rejected = gid("Report", await people.report("REJECTED"))
    verified = gid("Report", await people.report("VERIFIED"))
    homeless = await factories.user(name="Newcomer")
    manager = gid("User", people.manager.user_id)
    base = {
        "category": "NOISE",
        "description": "Loud music",
        "microGridId": gid("MicroGrid", people.grid),
    }
    cases: list[Refusal] = [
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "description": "  "}},
            ("INVALID_INPUT", "description"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "description": "x" * 2001}},
            ("INVALID_INPUT", "description"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "address": "x" * 201}},
            ("INVALID_INPUT", "address"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "latitude": 91.0, "longitude": 104.0}},
            ("INVALID_INPUT", "latitude"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "latitude": 30.6}},
            ("INVALID_INPUT", "longitude"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "microGridId": gid("MicroGrid", 999)}},
            ("NOT_FOUND", "microGridId"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "microGridId": "nonsense"}},
            ("NOT_FOUND", "microGridId"),
        ),
        (
            homeless,
            SUBMIT,
            {"input": {**base, "microGridId": None}},
            ("INVALID_INPUT", "microGridId"),
        ),
        (people.worker, ACCEPT, {"id": accepted}, ("INVALID_TRANSITION", None)),
        (people.worker, ACCEPT, {"id": gid("Report", 999)}, ("NOT_FOUND", "reportId")),
        (people.worker, ACCEPT, {"id": "nonsense"}, ("NOT_FOUND", "reportId")),
        (people.worker, DISPATCH, {"id": submitted, "to": manager}, ("INVALID_TRANSITION", None)),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("User", people.neighbour.user_id)},
            ("INVALID_INPUT", "assigneeId"),
        ),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("User", 999)},
            ("INVALID_INPUT", "assigneeId"),
        ),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("MicroGrid", people.grid)},
            ("NOT_FOUND", "assigneeId"),
        ),
        (people.manager, RESOLVE, {"id": dispatched}, ("INVALID_INPUT", "note")),
        (people.manager, RESOLVE, {"id": dispatched, "note": "   "}, ("INVALID_INPUT", "note")),
        (
            people.manager,
            RESOLVE,
            {"id": dispatched, "note": "x" * 2001},
            ("INVALID_INPUT", "note"),
        ),
        (people.manager, RESOLVE, {"id": submitted, "note": "Done"}, ("NOT_FOUND", "reportId")),
        (people.worker, VERIFY, {"id": submitted}, ("INVALID_TRANSITION", None)),
        (people.worker, VERIFY, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.worker, REJECT, {"id": submitted}, ("INVALID_INPUT", "note")),
        (people.worker, REJECT, {"id": dispatched, "note": "No"}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": rejected}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": 0}, ("INVALID_INPUT", "hours")),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": -3}, ("INVALID_INPUT", "hours")),
        (
            people.admin,
            SET_LEVEL,
            {"category": "NOISE", "hours": 720.5},
            ("INVALID_INPUT", "hours"),
        ),
    ]
    await assert_refused(client, cases)
    assert media_files(tmp_path) == []


TOO_BIG = PNG + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(PNG))


@pytest.mark.parametrize(
    "files",
    [
        pytest.param([("big.png", TOO_BIG, "image/png")], id="larger than 8 MB"),
        pytest.param([("notes.png", b"just some notes, no image", "image/png")], id="text as png"),
        pytest.param([("a.gif", b"GIF89a" + b"\x00" * 32, "image/gif")], id="a gif"),
        pytest.param(
            [(f"{i}.png", PNG + bytes([i]), "image/png") for i in range(7)], id="seven photos"
        ),
        pytest.param(
            [("ok.jpg", JPEG, "image/jpeg"), ("fake.jpg", b"<svg/>", "image/jpeg")],
            id="one good, one bad",
        ),
    ],
)
async def test_refused_uploads_store_nothing(
    client: GraphQLClient, tmp_path: Path, files: list[tuple[str, bytes, str]]
) -> None:
    people = await cast(tmp_path)
    before = await snapshot()
    result = await multipart(
        client,
        SUBMIT,
        {"category": "FACILITY", "description": "Lift stuck", "microGridId": None},
        files,
        token=client.token_for(people.reporter),
    )
    assert result == {
        "data": {
            "submitReport": {
                "report": None,
                "errors": [{"code": "INVALID_INPUT", "field": "photos"}],
            }
        }
    }
    assert media_files(tmp_path) == []
    assert await snapshot() == before


async def test_submitting_twice_files_two_reports_one_photo_the_second_flagged(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    token = client.token_for(people.reporter)
    values = {"category": "SANITATION", "description": "Overflowing bins", "microGridId": None}
    photos = [("bins.jpg", JPEG, "image/jpeg"), ("bins.png", PNG, "image/png")]
    first = await multipart(client, SUBMIT, values, photos, token=token)
    second = await multipart(client, SUBMIT, values, photos, token=token)
    reports_ = [result["data"]["submitReport"] for result in (first, second)]
    assert [r["errors"] for r in reports_] == [[], []]
    stored = media_files(tmp_path)
    assert len(stored) == 2 and {name.rsplit(".", 1)[1] for name in stored} == {"jpg", "png"}
    for report in (r["report"] for r in reports_):
        assert sorted(url.removeprefix("/media/") for url in report["photoUrls"]) == stored
        assert (report["status"], report["microGrid"]) == ("SUBMITTED", {"name": "Grid 1"})
    assert [r["report"]["likelyDuplicate"] for r in reports_] == [False, True]
    assert await Report.all().count() == 2
    async with client.http() as http:
        served = await http.get(reports_[0]["report"]["photoUrls"][0])
    name = reports_[0]["report"]["photoUrls"][0].removeprefix("/media/")
    assert served.status_code == 200 and served.content == (tmp_path / "media" / name).read_bytes()


async def test_resolving_with_photos(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    report = await reports.submit_report(
        actor=people.reporter,
        category=ReportCategory.FACILITY,
        description="Broken gate",
        micro_grid_id=people.grid.id,
        photos=[PNG],
        media_dir=people.media,
    )
    await report_workflow.accept_report(actor=people.worker, report_id=report.id)
    await report_workflow.dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    original = media_files(tmp_path)
    rid = gid("Report", report)
    manager = client.token_for(people.manager)
    action = {"reportId": rid, "note": "New hinge"}
    before = await snapshot()
    for files, token in (
        ([("fix.png", b"not an image", "image/png")], manager),
        ([(f"{i}.jpg", JPEG + bytes([i]), "image/jpeg") for i in range(7)], manager),
        ([("fix.jpg", JPEG, "image/jpeg")], client.token_for(people.worker)),
    ):
        refused = await multipart(client, RESOLVE_WITH_PHOTOS, action, files, token=token)
        if token == manager:
            assert errors_of(refused) == [("INVALID_INPUT", "photos")]
        else:
            assert refused["data"] is None and codes(refused) == ["FORBIDDEN"]
        assert media_files(tmp_path) == original
    no_note = await multipart(
        client,
        RESOLVE_WITH_PHOTOS,
        {"reportId": rid},
        [("fix.jpg", JPEG, "image/jpeg")],
        token=manager,
    )
    assert errors_of(no_note) == [("INVALID_INPUT", "note")]
    assert media_files(tmp_path) == original
    assert await snapshot() == before

    photos = [("fix.jpg", JPEG, "image/jpeg"), ("same.png", PNG, "image/png")]
    resolved = await multipart(client, RESOLVE_WITH_PHOTOS, action, photos, token=manager)
    payload = resolved["data"]["resolveReportWithPhotos"]
    assert payload["errors"] == [] and payload["report"]["status"] == "RESOLVED"
    stored = media_files(tmp_path)
    jpeg = next(name for name in stored if name.endswith(".jpg"))
    assert payload["report"]["photoUrls"] == [f"/media/{original[0]}", f"/media/{jpeg}"]
    # A retry finds the report resolved, and stores nothing new.
    again = await multipart(
        client,
        RESOLVE_WITH_PHOTOS,
        action,
        [("late.jpg", JPEG + b"late", "image/jpeg")],
        token=manager,
    )
    assert errors_of(again) == [("INVALID_TRANSITION", None)]
    assert media_files(tmp_path) == stored
