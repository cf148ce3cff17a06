"""Who is acting: read from the database on every request, so role changes apply at once."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    community_id: int
    roles: frozenset[Role]
    home_grid_id: int | None = None

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_admin(self) -> bool:
        return Role.COMMUNITY_ADMIN in self.roles
