"""Merchants: registration, approval, suspension, operators and who sees which."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from marketplace.merchants import (
    approve_merchant,
    get_merchant,
    list_merchants,
    merchants_operated_by,
    register_merchant,
    suspend_merchant,
)
from marketplace.operators import is_operator
from models.enums import AccountKind, MerchantStatus, Role
from models.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from models.ledger import Account
from models.market import Merchant, MerchantOperator
from models.people import UserRole
from tests import factories
from tests.domain.market_helpers import (
    active_merchant,
    admin,
    count,
    outsider,
    pending_merchant,
    reload,
    resident,
    snapshot,
)


async def test_anyone_registers_a_pending_merchant_they_own_and_operate() -> None:
    owner = await resident("Owner")
    merchant = await register_merchant(
        actor=owner, name="  Lao Wang Noodles ", category="Food", address="8 Shuangqing Rd"
    )
    assert merchant.status is MerchantStatus.PENDING
    assert (merchant.name, merchant.owner_id) == ("Lao Wang Noodles", owner.user_id)
    assert merchant.community_id == owner.community_id
    assert await is_operator(user_id=owner.user_id, merchant_id=merchant.id)
    assert not await is_operator(user_id=(await resident()).user_id, merchant_id=merchant.id)
    assert await Account.filter(merchant_id=merchant.id).count() == 0


BAD_REGISTRATIONS = [
    ("name", {"name": "  "}),
    ("name", {"name": "x" * 101}),
    ("category", {"category": ""}),
    ("category", {"category": "c" * 51}),
    ("address", {"address": " \t"}),
    ("address", {"address": "a" * 201}),
]


async def test_blank_or_long_fields_are_refused() -> None:
    owner = await resident()
    before = await snapshot()
    for field, values in BAD_REGISTRATIONS:
        arguments = {"name": "Tea House", "category": "Drinks", "address": "2 Lane"} | values
        with pytest.raises(InvalidInput) as refused:
            await register_merchant(actor=owner, **arguments)
        assert refused.value.field == field, values
        assert await snapshot() == before, values


async def test_a_name_is_taken_once_per_community() -> None:
    first = await resident()
    await register_merchant(actor=first, name="Tea House", category="Drinks", address="2 Lane")
    before = await snapshot()
    for name in ("Tea House", "tea house"):
        with pytest.raises(AlreadyExists) as refused:
            await register_merchant(actor=first, name=name, category="x", address="y")
        assert refused.value.field == "name"
    assert await snapshot() == before
    elsewhere = await outsider()
    await register_merchant(actor=elsewhere, name="Tea House", category="Drinks", address="9 Rd")


async def test_two_registrations_of_one_name_at_once_make_one_merchant() -> None:
    a, b = await resident("A"), await resident("B")
    results = await asyncio.gather(
        register_merchant(actor=a, name="Twin", category="x", address="y"),
        register_merchant(actor=b, name="Twin", category="x", address="y"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Merchant) for r in results) == 1
    assert sum(isinstance(r, AlreadyExists) for r in results) == 1
    assert (await count("merchant"), await count("merchant_operator")) == (1, 1)


async def test_an_admin_approves_a_merchant_once() -> None:
    owner = await resident("Owner")
    merchant = await pending_merchant(owner)
    boss = await admin()

    approved = await approve_merchant(actor=boss, merchant_id=merchant.id)
    again = await approve_merchant(actor=boss, merchant_id=merchant.id)

    assert approved.status is MerchantStatus.ACTIVE and again.status is MerchantStatus.ACTIVE
    assert Role.MERCHANT in (await reload(owner)).roles
    assert await UserRole.filter(user_id=owner.user_id, role=Role.MERCHANT).count() == 1
    account = await Account.get(merchant_id=merchant.id)
    assert (account.kind, account.balance) == (AccountKind.MERCHANT, 0)
    assert await Account.filter(merchant_id=merchant.id).count() == 1


async def test_only_admins_approve_or_suspend() -> None:
    owner = await resident("Owner")
    merchant = await pending_merchant(owner)
    _, other_owner = await active_merchant()
    actors = (owner, other_owner, await factories.user(Role.GRID_WORKER), await resident())
    before = await snapshot()
    for actor in actors:
        with pytest.raises(Forbidden):
            await approve_merchant(actor=actor, merchant_id=merchant.id)
        with pytest.raises(Forbidden):
            await suspend_merchant(actor=actor, merchant_id=merchant.id)
    assert await snapshot() == before


async def test_unknown_merchants_and_other_communities_merchants_are_not_found() -> None:
    merchant = await pending_merchant(await resident())
    foreigner = await outsider()
    foreign_admin = replace(foreigner, roles=frozenset({Role.RESIDENT, Role.COMMUNITY_ADMIN}))
    boss = await admin()
    before = await snapshot()
    for actor, merchant_id in ((boss, merchant.id + 50), (foreign_admin, merchant.id)):
        for act in (approve_merchant, suspend_merchant):
            with pytest.raises(NotFound) as missing:
                await act(actor=actor, merchant_id=merchant_id)
            assert missing.value.field == "merchantId"
    assert await snapshot() == before


async def test_suspension_and_reinstatement() -> None:
    merchant, _ = await active_merchant()
    boss = await admin()
    suspended = await suspend_merchant(actor=boss, merchant_id=merchant.id)
    assert suspended.status is MerchantStatus.SUSPENDED
    assert (await Merchant.get(id=merchant.id)).status is MerchantStatus.SUSPENDED
    reinstated = await approve_merchant(actor=boss, merchant_id=merchant.id)
    assert reinstated.status is MerchantStatus.ACTIVE
    assert await Account.filter(merchant_id=merchant.id).count() == 1


async def test_who_sees_which_merchants() -> None:
    active, active_owner = await active_merchant()
    pending_owner = await resident("Pending owner")
    pending = await pending_merchant(pending_owner, "Pending")
    suspended, _ = await active_merchant()
    boss = await admin()
    await suspend_merchant(actor=boss, merchant_id=suspended.id)
    passer_by = await resident()

    def ids(merchants: list[Merchant]) -> set[int]:
        return {m.id for m in merchants}

    assert ids(await list_merchants(actor=passer_by)) == {active.id}
    assert ids(await list_merchants(actor=pending_owner)) == {active.id, pending.id}
    assert ids(await list_merchants(actor=boss)) == {active.id, pending.id, suspended.id}
    assert ids(await list_merchants(actor=await outsider())) == set()
    assert ids(await merchants_operated_by(user_id=pending_owner.user_id)) == {pending.id}
    assert ids(await merchants_operated_by(user_id=active_owner.user_id)) == {active.id}

    assert (await get_merchant(actor=passer_by, merchant_id=active.id)).id == active.id
    assert (await get_merchant(actor=pending_owner, merchant_id=pending.id)).id == pending.id
    assert (await get_merchant(actor=boss, merchant_id=suspended.id)).id == suspended.id
    for hidden in (pending.id, suspended.id, active.id + 99):
        with pytest.raises(NotFound):
            await get_merchant(actor=passer_by, merchant_id=hidden)


async def test_operators_are_listed_by_row() -> None:
    merchant, owner = await active_merchant()
    helper = await resident("Helper")
    await MerchantOperator.create(merchant_id=merchant.id, user_id=helper.user_id)
    assert await is_operator(user_id=helper.user_id, merchant_id=merchant.id)
    assert await is_operator(user_id=owner.user_id, merchant_id=merchant.id)
    assert not await is_operator(user_id=(await admin()).user_id, merchant_id=merchant.id)
