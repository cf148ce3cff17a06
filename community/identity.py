"""Identity: registering residents and checking their phone and password."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from community.passwords import hash_password, verify_password
from models.enums import Role
from models.errors import AlreadyExists, InvalidCredentials, InvalidInput, NotFound
from models.grid import Community, MicroGrid
from models.inputs import printable, required_text
from models.people import User, UserRole

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_NAME_LENGTH = 60


def normalise_phone(phone: str) -> str:
    """Accept the forms people type (+86, spaces, dashes) and keep the 11 digits."""
    digits = re.sub(r"[\s-]", "", phone)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def check_phone(phone: str) -> str:
    normalised = normalise_phone(phone)
    if not MAINLAND_MOBILE.match(normalised):
        raise InvalidInput("Enter an 11-digit mainland mobile number.", field="phone")
    return normalised


def check_password(password: str) -> None:
    printable(password, field="password")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            field="password",
        )


def check_display_name(name: str) -> str:
    return required_text(name, field="displayName", max_length=MAX_NAME_LENGTH)


async def _community_for(home_grid_id: int | None) -> tuple[int, int | None]:
    if home_grid_id is not None:
        grid = await MicroGrid.get_or_none(id=home_grid_id).select_related("courtyard")
        if grid is None:
            raise NotFound("No such micro-grid.", field="homeGridId")
        return grid.courtyard.community_id, grid.id
    community = await Community.all().order_by("id").first()
    if community is None:
        raise NotFound("There is no community to join yet.")
    return community.id, None


async def register(
    *, phone: str, password: str, display_name: str, home_grid_id: int | None = None
) -> User:
    """Create a resident; with a home grid, they join that grid's community at once."""
    normalised = check_phone(phone)
    check_password(password)
    name = check_display_name(display_name)
    community_id, grid_id = await _community_for(home_grid_id)
    if await User.filter(phone=normalised).exists():
        raise AlreadyExists("This phone number is already registered.", field="phone")
    password_hash = await hash_password(password)
    try:
        async with in_transaction():
            user = await User.create(
                community_id=community_id,
                phone=normalised,
                password_hash=password_hash,
                display_name=name,
                home_grid_id=grid_id,
            )
            await UserRole.create(user_id=user.id, role=Role.RESIDENT)
    except IntegrityError as exc:  # two registrations of one phone at the same moment
        raise AlreadyExists("This phone number is already registered.", field="phone") from exc
    return user


async def authenticate(*, phone: str, password: str) -> User:
    """The user with this phone and password; the same error and timing for either mistake."""
    normalised = normalise_phone(phone)
    # A phone that cannot be registered is simply unknown (and is never sent to the database).
    valid = MAINLAND_MOBILE.match(normalised) is not None
    user = await User.get_or_none(phone=normalised) if valid else None
    ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise InvalidCredentials()
    return user
