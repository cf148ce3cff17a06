"""Queries and mutations for identity and the grid tree."""

from __future__ import annotations

import strawberry

from resolvers import people as resolve
from schema.context import Info
from schema.mutation import mutate
from schema.people import (
    AuthPayload,
    CommunityType,
    CourtyardPayload,
    CourtyardType,
    CreateCourtyardInput,
    CreateMicroGridInput,
    GrantRoleInput,
    LoginInput,
    MicroGridPayload,
    MicroGridType,
    RegisterInput,
    SetHomeGridInput,
    UserPayload,
    UserType,
)

_session_fields = {
    "access_token": lambda s: s.access_token,
    "refresh_token": lambda s: s.refresh_token,
    "user": lambda s: UserType.of(s.user),
}


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="The logged-in user, or null.")
    async def me(self, info: Info) -> UserType | None:
        row = await resolve.me(info.context.scope)
        return UserType.of(row) if row else None

    @strawberry.field
    async def community(self, info: Info) -> CommunityType | None:
        row = await resolve.community(info.context.scope)
        return CommunityType.of(row) if row else None

    @strawberry.field
    async def micro_grids(self, info: Info) -> list[MicroGridType]:
        return [MicroGridType.of(row) for row in await resolve.micro_grids(info.context.scope)]


@strawberry.type
class PeopleMutation:
    @strawberry.mutation
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.register(
                scope,
                phone=input.phone,
                password=input.password,
                display_name=input.display_name,
                home_grid_id=input.home_grid_id,
            ),
            AuthPayload,
            **_session_fields,
        )

    @strawberry.mutation
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.login(scope, phone=input.phone, password=input.password),
            AuthPayload,
            **_session_fields,
        )

    @strawberry.mutation
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.refresh(scope, refresh_token=refresh_token),
            AuthPayload,
            **_session_fields,
        )

    @strawberry.mutation
    async def logout(self, refresh_token: str) -> bool:
        return await resolve.logout(refresh_token=refresh_token)

    @strawberry.mutation
    async def create_courtyard(self, info: Info, input: CreateCourtyardInput) -> CourtyardPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.create_courtyard(
                scope, name=input.name, party_branch=input.party_branch
            ),
            CourtyardPayload,
            courtyard=CourtyardType.of,
        )

    @strawberry.mutation
    async def create_micro_grid(self, info: Info, input: CreateMicroGridInput) -> MicroGridPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.create_micro_grid(
                scope, courtyard_id=input.courtyard_id, name=input.name
            ),
            MicroGridPayload,
            micro_grid=MicroGridType.of,
        )

    @strawberry.mutation
    async def grant_role(self, info: Info, input: GrantRoleInput) -> UserPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.grant_role(
                scope, user_id=input.user_id, role=input.role, micro_grid_ids=input.micro_grid_ids
            ),
            UserPayload,
            user=UserType.of,
        )

    @strawberry.mutation
    async def set_home_grid(self, info: Info, input: SetHomeGridInput) -> UserPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.set_home_grid(
                scope, user_id=input.user_id, micro_grid_id=input.micro_grid_id
            ),
            UserPayload,
            user=UserType.of,
        )
