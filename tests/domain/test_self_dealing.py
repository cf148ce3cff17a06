"""Nobody mints points for themselves: the guards on adjusting, verifying, checking in and
approving one's own, with nothing changed when they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from community.events import check_in, sign_up
from community.report_workflow import verify_report
from marketplace.adjustments import adjust_points
from marketplace.merchants import approve_merchant
from models.enums import MerchantStatus, PointsReason, ReportStatus, Role, SignupStatus
from models.errors import Forbidden
from models.ledger import Transfer
from models.market import Merchant
from tests import factories
from tests.domain.civic_helpers import cast, submitted
from tests.domain.market_helpers import balance, pending_merchant
from tests.harness.events import an_event
from tests.harness.reports import Crew, walk


async def test_an_admin_cannot_adjust_their_own_points() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    with pytest.raises(Forbidden):
        await adjust_points(
            actor=admin, user_id=admin.user_id, amount=50, memo="for me", idempotency_key="self"
        )
    assert await Transfer.exclude(reason=PointsReason.FUNDING).count() == 0
    other = await factories.user(Role.COMMUNITY_ADMIN, name="Other admin")
    await adjust_points(
        actor=other, user_id=admin.user_id, amount=50, memo="bonus", idempotency_key="by-other"
    )
    assert await balance(admin) == 50


async def test_a_grid_worker_cannot_verify_their_own_report(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path, reporter=people.worker, micro_grid_id=people.grid.id)
    crew = Crew(people.second_worker, people.manager, people.worker, tmp_path)
    await walk(report, ReportStatus.RESOLVED, crew)
    with pytest.raises(Forbidden):
        await verify_report(actor=people.worker, report_id=report.id)
    assert await balance(people.worker) == 0
    verified = await verify_report(actor=people.second_worker, report_id=report.id)
    assert verified.status is ReportStatus.VERIFIED
    assert await balance(people.worker) == 10


async def test_an_organizer_cannot_check_themselves_in() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    event = await an_event(admin, capacity=5)
    signup = await sign_up(actor=admin, event_id=event.id)
    with pytest.raises(Forbidden):
        await check_in(actor=admin, event_id=event.id, user_id=admin.user_id)
    await signup.refresh_from_db()
    assert signup.status is SignupStatus.CONFIRMED
    assert await balance(admin) == 0


async def test_an_admin_cannot_approve_their_own_merchant() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    merchant = await pending_merchant(admin)
    with pytest.raises(Forbidden):
        await approve_merchant(actor=admin, merchant_id=merchant.id)
    assert (await Merchant.get(id=merchant.id)).status is MerchantStatus.PENDING
    other = await factories.user(Role.COMMUNITY_ADMIN, name="Other admin")
    approved = await approve_merchant(actor=other, merchant_id=merchant.id)
    assert approved.status is MerchantStatus.ACTIVE
