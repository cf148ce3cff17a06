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

    def is_self_or_admin_of(self, *, user_id: int, community_id: int) -> bool:
        """The one "the user themselves or an admin of their community" test; the named
        policies that use it (a wallet, a phone) live in marketplace/ and community/."""
        return self.user_id == user_id or (self.is_admin and self.community_id == community_id)
