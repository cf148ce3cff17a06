"""People and the grid tree: User, Community, Courtyard, MicroGrid and their mutations' shapes."""

from __future__ import annotations

import strawberry

from models.grid import Community, Courtyard, MicroGrid
from models.people import User
from resolvers import market, points
from resolvers import people as resolve
from resolvers.ids import decode_cursor, global_id
from schema.base import Connection, Node
from schema.context import Info
from schema.enums import Role, VoucherStatus
from schema.errors import UserError
from schema.market import MerchantType, PointsEntryType, VoucherType
from schema.points import ExpiringPointsType


@strawberry.type(name="User")
class UserType(Node):
    row: strawberry.Private[User]
    display_name: str

    @classmethod
    def of(cls, row: User) -> UserType:
        return cls(
            id=strawberry.ID(global_id("User", row.id)),
            row=row,
            display_name=row.display_name,
        )

    @strawberry.field(description="Visible to the user and to community admins only.")
    async def phone(self, info: Info) -> str | None:
        return await resolve.private_phone(info.context.scope, self.row)

    @strawberry.field
    async def roles(self, info: Info) -> list[Role]:
        return await info.context.scope.loaders.roles.load(self.row.id)

    @strawberry.field(description="Where a resident lives.")
    async def home_grid(self, info: Info) -> MicroGridType | None:
        if self.row.home_grid_id is None:
            return None
        grid = await info.context.scope.loaders.micro_grid.load(self.row.home_grid_id)
        return MicroGridType.of(grid) if grid else None

    @strawberry.field(description="The viewer's own balance; null on other users.")
    async def points_balance(self, info: Info) -> int | None:
        return await market.points_balance(info.context.scope, self.row)

    @strawberry.field(
        description="Points held for the user until their report is verified or they check in: "
        "not spendable yet. Seen by the user and admins; null on other users."
    )
    async def pending_points(self, info: Info) -> int | None:
        return await points.pending_points(info.context.scope, self.row)

    @strawberry.field(
        description="The user's points that will expire, soonest first, grouped by when "
        '("N points expire on DATE"). Seen by the user and admins; null on other users.'
    )
    async def expiring_points(self, info: Info) -> list[ExpiringPointsType] | None:
        rows = await points.expiring_points(info.context.scope, self.row)
        return None if rows is None else [ExpiringPointsType.of(row) for row in rows]

    @strawberry.field
    async def points_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PointsEntryType] | None:
        page = await market.points_history(info.context.scope, self.row, first=first, after=after)
        if page is None:
            return None
        return Connection.of(page, PointsEntryType.of, after=decode_cursor(after))

    @strawberry.field
    async def vouchers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: VoucherStatus | None = None,
    ) -> Connection[VoucherType] | None:
        page = await market.user_vouchers(
            info.context.scope, self.row, status=status, first=first, after=after
        )
        if page is None:
            return None
        return Connection.of(page, VoucherType.of, after=decode_cursor(after))

    @strawberry.field
    async def merchants(self, info: Info) -> list[MerchantType]:
        rows = await market.user_merchants(info.context.scope, self.row)
        return [MerchantType.of(row) for row in rows]

    @strawberry.field(description="The micro-grids a grid member or grid worker looks after.")
    async def assigned_grids(self, info: Info) -> list[MicroGridType]:
        loaders = info.context.scope.loaders
        grid_ids = await loaders.assigned_grid_ids.load(self.row.id)
        grids = await loaders.micro_grid.load_many(grid_ids)
        return [MicroGridType.of(grid) for grid in grids if grid]


@strawberry.type(name="Community")
class CommunityType(Node):
    row: strawberry.Private[Community]
    name: str

    @classmethod
    def of(cls, row: Community) -> CommunityType:
        return cls(
            id=strawberry.ID(global_id("Community", row.id)),
            row=row,
            name=row.name,
        )

    @strawberry.field
    async def courtyards(self, info: Info) -> list[CourtyardType]:
        rows = await info.context.scope.loaders.courtyards_of_community.load(self.row.id)
        return [CourtyardType.of(row) for row in rows]


@strawberry.type(name="Courtyard")
class CourtyardType(Node):
    row: strawberry.Private[Courtyard]
    name: str
    party_branch: str | None

    @classmethod
    def of(cls, row: Courtyard) -> CourtyardType:
        return cls(
            id=strawberry.ID(global_id("Courtyard", row.id)),
            row=row,
            name=row.name,
            party_branch=row.party_branch,
        )

    @strawberry.field
    async def community(self, info: Info) -> CommunityType:
        row = await info.context.scope.loaders.community.load(self.row.community_id)
        assert row is not None  # a foreign key with RESTRICT
        return CommunityType.of(row)

    @strawberry.field
    async def micro_grids(self, info: Info) -> list[MicroGridType]:
        rows = await info.context.scope.loaders.grids_of_courtyard.load(self.row.id)
        return [MicroGridType.of(row) for row in rows]


@strawberry.type(name="MicroGrid")
class MicroGridType(Node):
    row: strawberry.Private[MicroGrid]
    name: str

    @classmethod
    def of(cls, row: MicroGrid) -> MicroGridType:
        return cls(
            id=strawberry.ID(global_id("MicroGrid", row.id)),
            row=row,
            name=row.name,
        )

    @strawberry.field
    async def courtyard(self, info: Info) -> CourtyardType:
        row = await info.context.scope.loaders.courtyard.load(self.row.courtyard_id)
        assert row is not None  # a foreign key with RESTRICT
        return CourtyardType.of(row)

    @strawberry.field
    async def grid_members(self, info: Info) -> list[UserType]:
        users = await resolve.grid_members(info.context.scope, self.row.id)
        return [UserType.of(user) for user in users]

    @strawberry.field
    async def resident_count(self, info: Info) -> int:
        return sum(await info.context.scope.loaders.resident_count.load(self.row.id))


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    user: UserType | None = None
    errors: list[UserError]


@strawberry.input
class RegisterInput:
    phone: str
    password: str
    display_name: str
    home_grid_id: strawberry.ID | None = None


@strawberry.input
class LoginInput:
    phone: str
    password: str


@strawberry.input
class CreateCourtyardInput:
    name: str
    party_branch: str | None = None


@strawberry.type
class CourtyardPayload:
    courtyard: CourtyardType | None
    errors: list[UserError]


@strawberry.input
class CreateMicroGridInput:
    courtyard_id: strawberry.ID
    name: str


@strawberry.type
class MicroGridPayload:
    micro_grid: MicroGridType | None
    errors: list[UserError]


@strawberry.input
class GrantRoleInput:
    user_id: strawberry.ID
    role: Role
    micro_grid_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For GRID_MEMBER and GRID_WORKER: the grids they look after."
    )


@strawberry.input
class SetHomeGridInput:
    user_id: strawberry.ID
    micro_grid_id: strawberry.ID


@strawberry.type
class UserPayload:
    user: UserType | None
    errors: list[UserError]
