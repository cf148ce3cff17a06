"""Queries and mutations for identity and the grid tree."""

from __future__ import annotations

from typing import Annotated

import strawberry

from community import grid, people, sessions
from resolvers import people as resolve
from schema.commands import ask_anyone, perform
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

    @strawberry.field(description="The viewer's community; for anonymous callers, the public one.")
    async def community(self, info: Info) -> CommunityType | None:
        row = await ask_anyone(info, grid.the_community)
        return CommunityType.of(row) if row else None

    @strawberry.field(description="Every micro-grid of that community.")
    async def micro_grids(self, info: Info) -> list[MicroGridType]:
        return [MicroGridType.of(row) for row in await ask_anyone(info, grid.micro_grids)]


# The mutations' arguments, with what each one is.
RegisterArg = Annotated[RegisterInput, strawberry.argument(description="The new account.")]
LoginArg = Annotated[LoginInput, strawberry.argument(description="The credentials.")]
RefreshToken = Annotated[str, strawberry.argument(description="The refresh token of the session.")]
EndedRefreshToken = Annotated[
    str, strawberry.argument(description="The refresh token of the session to end.")
]
CourtyardArg = Annotated[
    CreateCourtyardInput, strawberry.argument(description="The new courtyard.")
]
MicroGridArg = Annotated[
    CreateMicroGridInput, strawberry.argument(description="The new micro-grid.")
]
GrantRoleArg = Annotated[GrantRoleInput, strawberry.argument(description="Who gets which role.")]
HomeGridArg = Annotated[SetHomeGridInput, strawberry.argument(description="Who lives where.")]


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="Create a resident account and log in.")
    async def register(self, info: Info, input: RegisterArg) -> AuthPayload:
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

    @strawberry.mutation(description="Log in with phone and password (rate limited).")
    async def login(self, info: Info, input: LoginArg) -> AuthPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.login(scope, phone=input.phone, password=input.password),
            AuthPayload,
            **_session_fields,
        )

    @strawberry.mutation(description="Trade a refresh token for a new session (it rotates).")
    async def refresh_token(self, info: Info, refresh_token: RefreshToken) -> AuthPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.refresh(scope, refresh_token=refresh_token),
            AuthPayload,
            **_session_fields,
        )

    @strawberry.mutation(
        description="End a session: its refresh token stops working. False if unknown."
    )
    async def logout(self, refresh_token: EndedRefreshToken) -> bool:
        return await sessions.revoke_refresh_token(token=refresh_token)

    @strawberry.mutation(description="Add a courtyard (admins only).")
    async def create_courtyard(self, info: Info, input: CourtyardArg) -> CourtyardPayload:
        return await perform(
            info, grid.create_courtyard, input, CourtyardPayload, courtyard=CourtyardType.of
        )

    @strawberry.mutation(description="Add a micro-grid to a courtyard (admins only).")
    async def create_micro_grid(self, info: Info, input: MicroGridArg) -> MicroGridPayload:
        return await perform(
            info, grid.create_micro_grid, input, MicroGridPayload, micro_grid=MicroGridType.of
        )

    @strawberry.mutation(description="Give a user a role, with grids for grid roles (admins only).")
    async def grant_role(self, info: Info, input: GrantRoleArg) -> UserPayload:
        return await perform(info, people.grant_role, input, UserPayload, user=UserType.of)

    @strawberry.mutation(description="Set where a user lives (admins only).")
    async def set_home_grid(self, info: Info, input: HomeGridArg) -> UserPayload:
        return await perform(info, people.set_home_grid, input, UserPayload, user=UserType.of)
