"""Per-operation dataloaders: every relation field costs one batched statement per level."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.functions import Count
from tortoise.models import Model

from models.enums import Role
from models.grid import Community, Courtyard, MicroGrid
from models.people import GridAssignment, User, UserRole

M = TypeVar("M", bound=Model)
K = TypeVar("K")
V = TypeVar("V")


def by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(id__in=set(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def grouped(
    fetch: Callable[[Sequence[K]], Coroutine[Any, Any, Iterable[tuple[K, V]]]],
) -> DataLoader[K, list[V]]:
    async def load(keys: Sequence[K]) -> list[list[V]]:
        groups: dict[K, list[V]] = defaultdict(list)
        for key, value in await fetch(keys):
            groups[key].append(value)
        return [groups.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def keyed(
    fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]], missing: Callable[[], V]
) -> DataLoader[K, V]:
    """A loader over a domain query that answers many keys at once, by key; `missing()`
    stands for a key it has no answer for."""

    async def load(keys: Sequence[K]) -> list[V]:
        found = await fetch(list(keys))
        return [found[key] if key in found else missing() for key in keys]

    return DataLoader(load_fn=load)


async def _roles(user_ids: Sequence[int]) -> list[tuple[int, Role]]:
    rows = (
        await UserRole.filter(user_id__in=set(user_ids))
        .order_by("role")
        .values_list("user_id", "role")
    )
    return [(int(user_id), Role(role)) for user_id, role in rows]


async def _assigned_grid_ids(user_ids: Sequence[int]) -> list[tuple[int, int]]:
    rows = (
        await GridAssignment.filter(user_id__in=set(user_ids))
        .order_by("micro_grid_id")
        .values_list("user_id", "micro_grid_id")
    )
    return list(dict.fromkeys((int(user), int(grid)) for user, grid in rows))


async def _grid_member_ids(grid_ids: Sequence[int]) -> list[tuple[int, int]]:
    rows = (
        await GridAssignment.filter(micro_grid_id__in=set(grid_ids))
        .order_by("-is_leader", "user_id")
        .values_list("micro_grid_id", "user_id")
    )
    return list(dict.fromkeys((int(grid), int(user)) for grid, user in rows))


async def _grids_of_courtyards(courtyard_ids: Sequence[int]) -> list[tuple[int, MicroGrid]]:
    rows = await MicroGrid.filter(courtyard_id__in=set(courtyard_ids)).order_by("id")
    return [(row.courtyard_id, row) for row in rows]


async def _courtyards_of(community_ids: Sequence[int]) -> list[tuple[int, Courtyard]]:
    rows = await Courtyard.filter(community_id__in=set(community_ids)).order_by("id")
    return [(row.community_id, row) for row in rows]


async def _resident_counts(grid_ids: Sequence[int]) -> list[tuple[int, int]]:
    rows = (
        await User.filter(home_grid_id__in=set(grid_ids))
        .group_by("home_grid_id")
        .annotate(n=Count("id"))
        .values_list("home_grid_id", "n")
    )
    return [(int(grid), int(n)) for grid, n in rows]


class Loaders:
    """Created per operation, so nothing is cached beyond one request."""

    def __init__(self) -> None:
        self.user = by_id(User)
        self.community = by_id(Community)
        self.courtyard = by_id(Courtyard)
        self.micro_grid = by_id(MicroGrid)
        self.roles = grouped(_roles)
        self.assigned_grid_ids = grouped(_assigned_grid_ids)
        self.grid_member_ids = grouped(_grid_member_ids)
        self.grids_of_courtyard = grouped(_grids_of_courtyards)
        self.courtyards_of_community = grouped(_courtyards_of)
        self.resident_count = grouped(_resident_counts)
        self.extra: dict[str, DataLoader[Any, Any]] = {}

    def named(self, name: str, make: Callable[[], DataLoader[K, V]]) -> DataLoader[K, V]:
        """A loader registered by another domain's resolvers, made once per operation."""
        if name not in self.extra:
            self.extra[name] = make()
        return self.extra[name]
