"""The demo community: exact shape, valid logins, a balanced ledger with a few weeks of activity
behind every screen, idempotent and atomic."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.queryset import QuerySet

from community.passwords import verify_password
from gateway.demo import COMMUNITY_NAME, PREVIOUS_NAMES, DemoSummary, build_plan, load_demo
from models.civic import Event, EventSignup, Notice, Report, Suggestion
from models.enums import (
    AccountKind,
    MerchantStatus,
    NoticeKind,
    OfferStatus,
    PointsReason,
    ReportStatus,
    Role,
    SignupStatus,
    SuggestionStatus,
    VoucherStatus,
)
from models.grid import Community, Courtyard, MicroGrid, ResidentGroup
from models.ledger import Account, Entry, Transfer
from models.market import Merchant, MerchantOperator, Offer, Voucher
from models.people import GridAssignment, User, UserRole
from tests.dbsetup import truncate_all

PASSWORD = "demo-password-1"
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


async def _load() -> DemoSummary:
    return await load_demo(password=PASSWORD)


async def _row_counts() -> dict[str, int]:
    models = Tortoise.apps["gridpoints"].values()
    return {model.__name__: await model.all().count() for model in models}


async def _roles_by_user() -> dict[int, set[Role]]:
    roles: dict[int, set[Role]] = {}
    for user_id, role in await UserRole.all().values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(Role(role))
    return roles


async def _people_snapshot() -> list[tuple[str, str, str | None]]:
    users = await User.all().order_by("phone").prefetch_related("home_grid")
    return [(u.phone, u.display_name, u.home_grid.name if u.home_grid else None) for u in users]


async def test_grid_tree_has_the_exact_shape() -> None:
    await _load()

    assert await Community.filter(name=COMMUNITY_NAME).count() == 1
    yards = await Courtyard.all()
    assert len(yards) == 19
    assert all(y.name.endswith("院落") for y in yards)
    assert sorted(y.party_branch or "" for y in yards) == sorted(
        f"第{n}院落党支部" for n in range(1, 20)
    )
    assert await ResidentGroup.all().count() == 34
    grids = await MicroGrid.all()
    assert len(grids) == 68
    assert all(g.resident_group_id is not None for g in grids)
    assert len({g.resident_group_id for g in grids}) == 34
    assert len({g.courtyard_id for g in grids}) == 19


async def test_every_grid_has_one_leader_among_140_grid_members() -> None:
    await _load()

    members = await GridAssignment.filter(role=Role.GRID_MEMBER).values_list(
        "user_id", "micro_grid_id", "is_leader"
    )
    assert len({user_id for user_id, _, _ in members}) == 140
    assert await UserRole.filter(role=Role.GRID_MEMBER).count() == 140
    leaders = Counter(grid_id for _, grid_id, is_leader in members if is_leader)
    grid_ids = await MicroGrid.all().values_list("id", flat=True)
    assert {grid_id: leaders[grid_id] for grid_id in grid_ids} == dict.fromkeys(grid_ids, 1)
    with_members = {grid_id for _, grid_id, is_leader in members if not is_leader}
    assert with_members == set(grid_ids)


async def test_grid_workers_share_every_grid_between_them() -> None:
    await _load()

    beats = await GridAssignment.filter(role=Role.GRID_WORKER).values_list(
        "user_id", "micro_grid_id"
    )
    per_worker = Counter(user_id for user_id, _ in beats)
    assert len(per_worker) == 6
    assert set(per_worker.values()) <= {11, 12}
    assert len({grid_id for _, grid_id in beats}) == 68
    assert await GridAssignment.filter(role=Role.GRID_WORKER, is_leader=True).count() == 0


async def test_residents_have_home_grids_and_distinct_mainland_phones() -> None:
    await _load()

    roles = await _roles_by_user()
    users = await User.all()
    plain_residents = [u for u in users if roles[u.id] == {Role.RESIDENT}]
    assert len(plain_residents) == 1000
    assert all(u.home_grid_id is not None for u in plain_residents)
    assert all(Role.RESIDENT in roles[u.id] for u in users)
    phones = [u.phone for u in users]
    assert all(MAINLAND_MOBILE.match(phone) for phone in phones)
    assert len(set(phones)) == len(phones)
    assert all(u.display_name for u in users)


async def test_staff_counts_and_riders_have_no_home_grid() -> None:
    await _load()

    roles = await _roles_by_user()
    held = Counter(role for user_roles in roles.values() for role in user_roles)
    assert held[Role.GRID_WORKER] == 6
    assert held[Role.PROPERTY_MANAGER] == 4
    assert held[Role.COMMUNITY_ADMIN] == 1
    assert held[Role.MERCHANT] == 4
    riders = [
        user_id for user_id, user_roles in roles.items() if Role.MOBILE_REPORTER in user_roles
    ]
    assert len(riders) == 5
    assert await User.filter(id__in=riders, home_grid_id__isnull=False).count() == 0


async def test_merchants_are_active_with_owner_account_and_offers() -> None:
    await _load()

    roles = await _roles_by_user()
    merchants = await Merchant.all()
    assert len(merchants) == 4
    for merchant in merchants:
        assert merchant.status == MerchantStatus.ACTIVE
        assert Role.MERCHANT in roles[merchant.owner_id]
        assert await MerchantOperator.exists(merchant_id=merchant.id, user_id=merchant.owner_id)
        assert await Account.exists(merchant_id=merchant.id, kind=AccountKind.MERCHANT)
        offers = await Offer.filter(merchant_id=merchant.id)
        assert 2 <= len(offers) <= 5
        for offer in offers:
            assert offer.points_price > 0
            assert 0 <= offer.remaining <= offer.stock_added
    assert await Account.filter(kind=AccountKind.POOL).count() == 1


async def test_offers_include_sold_out_expiring_and_paused_ones() -> None:
    await _load()

    offers = await Offer.all()
    soon = datetime.now(UTC) + timedelta(days=7)
    assert [o.title for o in offers if o.remaining == 0] == ["限量蛋黄酥"]
    assert {o.title for o in offers if o.valid_until and o.valid_until < soon} == {
        "中秋月饼礼盒",
        "应季水果一份",
    }
    assert [o.title for o in offers if o.status == OfferStatus.PAUSED] == ["染发八折券"]
    assert sum(o.status == OfferStatus.ACTIVE for o in offers) == len(offers) - 1


async def test_ledger_balances_and_every_wallet_matches_its_entries() -> None:
    await _load()

    accounts = await Account.all()
    assert sum(account.balance for account in accounts) == 0  # double entry
    for account in accounts:
        entries = await _column(Entry.filter(account_id=account.id), "amount")
        assert account.balance == sum(entries), account.id
        if account.kind in (AccountKind.WALLET, AccountKind.MERCHANT):
            assert account.balance >= 0, account.id
    assert await Entry.all().count() == 2 * await Transfer.all().count()


async def _column(query: QuerySet[Any], name: str) -> list[Any]:
    """One column of a query's rows (tortoise's stubs type flat value lists as tuples)."""
    return [row[0] for row in await query.values_list(name)]


async def _sample_resident() -> int:
    return (await User.get(phone=build_plan().residents[0].phone)).id


async def test_the_sample_resident_has_something_on_every_page() -> None:
    await _load()
    resident = await _sample_resident()

    wallet = await Account.get(user_id=resident, kind=AccountKind.WALLET)
    reasons = set(await _column(Entry.filter(account_id=wallet.id), "reason"))
    assert reasons == {
        PointsReason.ADJUSTMENT,
        PointsReason.REDEMPTION,
        PointsReason.REFUND,
        PointsReason.REPORT_VERIFIED,
        PointsReason.SUGGESTION_ADOPTED,
    }
    assert wallet.balance > 0
    held = Counter(await _column(Voucher.filter(holder_id=resident), "status"))
    assert held == {VoucherStatus.ISSUED: 2, VoucherStatus.USED: 1, VoucherStatus.CANCELLED: 1}
    states = set(await _column(Report.filter(reporter_id=resident), "status"))
    assert states == {
        ReportStatus.VERIFIED,
        ReportStatus.DISPATCHED,
        ReportStatus.SUBMITTED,
        ReportStatus.REJECTED,
    }
    mine = set(await _column(Suggestion.filter(author_id=resident), "status"))
    assert mine == {SuggestionStatus.ADOPTED, SuggestionStatus.SUBMITTED}
    assert await EventSignup.filter(user_id=resident, status=SignupStatus.CONFIRMED).count() == 1


async def test_bulletin_has_every_kind_of_notice_and_a_full_event_with_a_waitlist() -> None:
    await _load()

    kinds = set(await _column(Notice.all(), "kind"))
    assert kinds == set(NoticeKind)
    full = await Event.get(capacity=3)
    signups = Counter(await _column(EventSignup.filter(event_id=full.id), "status"))
    assert signups == {SignupStatus.CONFIRMED: 3, SignupStatus.WAITLISTED: 1}
    assert await Event.all().count() == 3
    statuses = set(await _column(Suggestion.all(), "status"))
    assert statuses == set(SuggestionStatus)


async def test_the_sample_merchant_has_used_vouchers_to_settle() -> None:
    await _load()

    bakery = await Merchant.get(owner__phone=build_plan().merchants[0].owner_phone)
    used = await Voucher.filter(offer__merchant_id=bakery.id, status=VoucherStatus.USED).count()
    assert used == 4
    account = await Account.get(merchant_id=bakery.id, kind=AccountKind.MERCHANT)
    assert account.balance > 0


async def test_the_community_is_xingrong_of_xiaojiahe_street() -> None:
    await _load()

    assert COMMUNITY_NAME == "兴蓉社区"
    community = await Community.get()
    assert community.name == "兴蓉社区"
    addresses = await _column(Merchant.all(), "address")
    assert all(a.startswith("肖家河街道兴蓉路") for a in addresses)
    assert "星荣" not in "".join(await _column(Notice.all(), "title"))


async def test_a_database_with_the_old_misspelt_demo_is_left_alone() -> None:
    await Community.create(name=PREVIOUS_NAMES[0])

    await _load()

    assert await _column(Community.all(), "name") == [PREVIOUS_NAMES[0]]
    assert await User.all().count() == 0


async def test_sample_logins_hold_their_roles_and_the_password() -> None:
    summary = await _load()

    expected = {
        "admin": Role.COMMUNITY_ADMIN,
        "grid_worker": Role.GRID_WORKER,
        "grid_member": Role.GRID_MEMBER,
        "resident": Role.RESIDENT,
        "merchant": Role.MERCHANT,
        "property_manager": Role.PROPERTY_MANAGER,
        "rider": Role.MOBILE_REPORTER,
    }
    assert set(summary.sample_logins) == set(expected)
    roles = await _roles_by_user()
    for login, role in expected.items():
        user = await User.get(phone=summary.sample_logins[login])
        assert role in roles[user.id], login
    admin = await User.get(phone=summary.sample_logins["admin"])
    assert await verify_password(admin.password_hash, PASSWORD)


async def test_summary_matches_the_database() -> None:
    summary = await _load()

    assert summary.courtyards == await Courtyard.all().count() == 19
    assert summary.resident_groups == 34
    assert summary.micro_grids == 68
    assert summary.grid_members == 140
    assert summary.grid_workers == 6
    assert summary.property_managers == 4
    assert summary.mobile_reporters == 5
    assert summary.residents == 1000
    assert summary.merchants == await Merchant.all().count()
    assert summary.offers == await Offer.all().count()


async def test_second_run_changes_nothing() -> None:
    first = await _load()
    counts = await _row_counts()
    people = await _people_snapshot()
    hashes = set(await User.all().values_list("password_hash", flat=True))

    second = await load_demo(password="another-password")

    assert second == first
    assert await _row_counts() == counts
    assert await _people_snapshot() == people
    assert set(await User.all().values_list("password_hash", flat=True)) == hashes


async def test_same_people_on_a_fresh_database() -> None:
    await _load()
    people = await _people_snapshot()
    await truncate_all()

    await _load()

    assert await _people_snapshot() == people


async def test_progress_finishes_every_step() -> None:
    calls: list[tuple[str, int, int]] = []

    await load_demo(password=PASSWORD, progress=lambda *call: calls.append(call))

    by_step: dict[str, list[tuple[int, int]]] = {}
    for step, done, total in calls:
        by_step.setdefault(step, []).append((done, total))
    for step, counts in by_step.items():
        done_so_far = [d for d, _ in counts]
        assert done_so_far == sorted(done_so_far), step
        assert len({total for _, total in counts}) == 1, step
        assert counts[-1][0] == counts[-1][1], step
    assert by_step["people"][-1] == (1160, 1160) == (await User.all().count(),) * 2
    assert by_step["roles"][-1][1] == await UserRole.all().count()
    assert by_step["merchants"][-1] == (4, 4)
    assert calls[0] == ("password", 0, 1)


async def test_a_failure_leaves_nothing_loaded() -> None:
    def fail_at_merchants(step: str, done: int, total: int) -> None:
        if step == "merchants":
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await load_demo(password=PASSWORD, progress=fail_at_merchants)

    assert set((await _row_counts()).values()) == {0}
