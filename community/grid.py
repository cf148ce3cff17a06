"""The grid tree: creating the community, its courtyards and micro-grids."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.ledger import pool_of
from models.actor import Actor
from models.errors import AlreadyExists, Forbidden, NotFound
from models.grid import Community, Courtyard, MicroGrid
from models.inputs import required_text

MAX_NAME = 100


def _name(value: str, field: str) -> str:
    return required_text(value, field=field, max_length=MAX_NAME)


async def ensure_community(*, name: str) -> tuple[Community, bool]:
    """The community with this name, created with its reward pool if new; (row, created)."""
    existing = await Community.get_or_none(name=name)
    if existing is not None:
        return existing, False
    async with in_transaction():
        community = await Community.create(name=_name(name, "name"))
        await pool_of(community_id=community.id)
    return community, True


async def the_community(*, actor: Actor | None) -> Community | None:
    """The viewer's community; for anonymous callers, the first (single-community deployments)."""
    if actor is not None:
        return await Community.get_or_none(id=actor.community_id)
    return await Community.all().order_by("id").first()


async def create_courtyard(*, actor: Actor, name: str, party_branch: str | None) -> Courtyard:
    """Add a courtyard with its party branch (admins only)."""
    if not actor.is_admin:
        raise Forbidden()
    clean = _name(name, "name")
    branch = _name(party_branch, "partyBranch") if party_branch is not None else None
    try:
        return await Courtyard.create(
            community_id=actor.community_id, name=clean, party_branch=branch
        )
    except IntegrityError as exc:
        raise AlreadyExists("A courtyard with this name exists.", field="name") from exc


async def create_micro_grid(*, actor: Actor, courtyard_id: int, name: str) -> MicroGrid:
    """Add a micro-grid to a courtyard of the admin's community."""
    if not actor.is_admin:
        raise Forbidden()
    clean = _name(name, "name")
    courtyard = await Courtyard.get_or_none(id=courtyard_id, community_id=actor.community_id)
    if courtyard is None:
        raise NotFound("No such courtyard.", field="courtyardId")
    try:
        return await MicroGrid.create(courtyard_id=courtyard.id, name=clean)
    except IntegrityError as exc:
        raise AlreadyExists(
            "This courtyard has a micro-grid with this name.", field="name"
        ) from exc


async def micro_grids(*, actor: Actor | None) -> list[MicroGrid]:
    """Every micro-grid of the community `the_community` gives the caller."""
    home = await the_community(actor=actor)
    if home is None:
        return []
    return await MicroGrid.filter(courtyard__community_id=home.id).order_by("id")
