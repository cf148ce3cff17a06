"""Who may not sign a report off lives in the workflow table, both of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from community.report_workflow import TRANSITIONS, Excluded, Step, verify_report
from models.civic import Report
from models.enums import ReportStatus as S
from models.errors import Forbidden
from tests.domain.civic_helpers import at_status, cast, snapshot


def test_the_table_names_both_exclusions_on_every_sign_off() -> None:
    sign_offs = {
        status: t.not_by for (step, status), t in TRANSITIONS.items() if step is Step.VERIFY
    }
    assert sign_offs == {
        S.RESOLVED: {Excluded.RESOLVER, Excluded.REPORTER},
        S.ESCALATED: {Excluded.RESOLVER, Excluded.REPORTER},
    }
    others = {t.not_by for (step, _), t in TRANSITIONS.items() if step is not Step.VERIFY}
    assert others == {frozenset()}


@pytest.mark.parametrize(
    ("took_part_as", "message"),
    [
        ("reporter_id", "Someone else must verify a report you made: it earns you points."),
        ("resolved_by_id", "You are not allowed to do this."),
    ],
    ids=["reported", "resolved"],
)
async def test_an_admin_who_reported_or_resolved_may_not_verify(
    tmp_path: Path, took_part_as: str, message: str
) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, S.RESOLVED)
    await Report.filter(id=report.id).update(**{took_part_as: people.admin.user_id})
    before = await snapshot(report.id)
    with pytest.raises(Forbidden) as refused:
        await verify_report(actor=people.admin, report_id=report.id)
    assert str(refused.value) == message
    assert await snapshot(report.id) == before
