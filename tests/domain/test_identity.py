"""community/identity.py without GraphQL: registering residents and authenticating them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from community import identity, passwords
from models.errors import AlreadyExists, InvalidCredentials, InvalidInput
from models.people import User, UserRole
from tests import factories
from tests.api.matrix_world import QUICK_HASHER
from tests.harness.snapshots import rows_of

PEOPLE = ("app_user", "user_role")
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Test-strength argon2id: the hashing is argon2's, its cost is not what is tested."""
    monkeypatch.setattr(passwords, "_hasher", QUICK_HASHER)
    yield


async def test_register_normalises_the_phone_and_makes_a_resident_of_the_grids_community() -> None:
    grid = await factories.grid("Grid 1")
    user = await identity.register(
        phone="+86 139-1234-5678", password=PASSWORD, display_name=" Li Wei ", home_grid_id=grid.id
    )
    row = await User.get(id=user.id)
    assert (row.phone, row.display_name, row.home_grid_id) == ("13912345678", "Li Wei", grid.id)
    assert [r.role.value for r in await UserRole.filter(user_id=user.id)] == ["RESIDENT"]
    assert (await identity.authenticate(phone="139 1234 5678", password=PASSWORD)).id == user.id


@pytest.mark.parametrize(
    ("phone", "password", "name", "field"),
    [
        ("12345", PASSWORD, "Li Wei", "phone"),
        ("13912345678", "short", "Li Wei", "password"),
        ("13912345678", PASSWORD, "   ", "displayName"),
    ],
)
async def test_bad_registrations_are_refused_by_field_writing_nothing(
    phone: str, password: str, name: str, field: str
) -> None:
    await factories.community()
    before = await rows_of(PEOPLE)
    with pytest.raises(InvalidInput) as refused:
        await identity.register(phone=phone, password=password, display_name=name)
    assert refused.value.field == field
    assert await rows_of(PEOPLE) == before


async def test_a_phone_registers_once() -> None:
    await factories.community()
    await identity.register(phone="13912345678", password=PASSWORD, display_name="Li Wei")
    before = await rows_of(PEOPLE)
    with pytest.raises(AlreadyExists) as again:
        await identity.register(phone="+8613912345678", password=PASSWORD, display_name="Other")
    assert again.value.field == "phone"
    assert await rows_of(PEOPLE) == before


@pytest.mark.parametrize(
    ("phone", "password"),
    [("13912345678", "wrong password!"), ("13900000000", PASSWORD), ("not a phone", PASSWORD)],
)
async def test_a_wrong_password_and_an_unknown_phone_get_the_same_refusal(
    phone: str, password: str
) -> None:
    await factories.community()
    await identity.register(phone="13912345678", password=PASSWORD, display_name="Li Wei")
    with pytest.raises(InvalidCredentials):
        await identity.authenticate(phone=phone, password=password)
