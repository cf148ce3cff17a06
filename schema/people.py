"""People and the grid tree: User, Community, Courtyard, MicroGrid and their mutations' shapes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from marketplace.policies import WALLET_RULE
from models.grid import Community, Courtyard, MicroGrid
from models.people import User
from resolvers import market, points
from resolvers import people as resolve
from resolvers.ids import global_id
from schema.base import After, Connection, First, Node
from schema.commands import CommandInput
from schema.context import Info
from schema.enums import Role, VoucherStatus
from schema.errors import UserError

if TYPE_CHECKING:
    from schema.ledger import PointsEntryType
    from schema.market import MerchantType, VoucherType
    from schema.points import ExpiringPointsType

# The one way back up the import graph. A user's wallet is shown with types of modules that
# import this one (a voucher's holder is a User), so they are named the way strawberry breaks
# a circle, lazily by module (strawberry.lazy), and built through the same names (`_built`).
# tests/test_layering.py keeps every other import of schema/ pointing one way.
PointsEntry = Annotated["PointsEntryType", strawberry.lazy("schema.ledger")]
Voucher = Annotated["VoucherType", strawberry.lazy("schema.market")]
Merchant = Annotated["MerchantType", strawberry.lazy("schema.market")]
ExpiringPoints = Annotated["ExpiringPointsType", strawberry.lazy("schema.points")]


def _built(lazy: Any) -> Any:
    """The class a lazy name above stands for (its module is imported on first use)."""
    (reference,) = lazy.__metadata__
    return reference.resolve_forward_ref(lazy.__origin__).resolve_type()


@strawberry.type(
    name="User",
    description="A person of the community: resident, grid member, staff, merchant operator.",
)
class UserType(Node):
    row: strawberry.Private[User]
    display_name: str = strawberry.field(description="The name shown to others.")

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

    @strawberry.field(description="Everything this user may act as; every user is a RESIDENT.")
    async def roles(self, info: Info) -> list[Role]:
        return await resolve.profile_roles(info.context.scope, self.row)

    @strawberry.field(description="Where a resident lives.")
    async def home_grid(self, info: Info) -> MicroGridType | None:
        grid = await resolve.profile_home_grid(info.context.scope, self.row)
        return MicroGridType.of(grid) if grid else None

    @strawberry.field(description=f"The user's spendable balance. {WALLET_RULE}")
    async def points_balance(self, info: Info) -> int | None:
        return await market.points_balance(info.context.scope, self.row)

    @strawberry.field(
        description="Points held for the user until their report is verified or they check in: "
        f"not spendable yet. {WALLET_RULE}"
    )
    async def pending_points(self, info: Info) -> int | None:
        return await points.pending_points(info.context.scope, self.row)

    @strawberry.field(
        description="The user's points that will expire, soonest first, grouped by when "
        f'("N points expire on DATE"). {WALLET_RULE}'
    )
    async def expiring_points(self, info: Info) -> list[ExpiringPoints] | None:
        rows = await points.expiring_points(info.context.scope, self.row)
        return None if rows is None else [_built(ExpiringPoints).of(row) for row in rows]

    @strawberry.field(
        description="The user's ledger entries, newest first; null unless own or admin."
    )
    async def points_history(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[PointsEntry] | None:
        page = await market.points_history(info.context.scope, self.row, first=first, after=after)
        if page is None:
            return None
        return Connection.of(page, _built(PointsEntry).of, after=after)

    @strawberry.field(description="The user's vouchers, newest first; null unless own or admin.")
    async def vouchers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            VoucherStatus | None, strawberry.argument(description="Only vouchers in this status.")
        ] = None,
    ) -> Connection[Voucher] | None:
        page = await market.user_vouchers(
            info.context.scope, self.row, status=status, first=first, after=after
        )
        if page is None:
            return None
        return Connection.of(page, _built(Voucher).of, after=after)

    @strawberry.field(description="The merchants this user operates; empty unless own or admin.")
    async def merchants(self, info: Info) -> list[Merchant]:
        rows = await market.user_merchants(info.context.scope, self.row)
        return [_built(Merchant).of(row) for row in rows]

    @strawberry.field(description="The micro-grids a grid member or grid worker looks after.")
    async def assigned_grids(self, info: Info) -> list[MicroGridType]:
        grids = await resolve.profile_assigned_grids(info.context.scope, self.row)
        return [MicroGridType.of(grid) for grid in grids]


@strawberry.type(name="Community", description="The community: the root of the grid tree.")
class CommunityType(Node):
    row: strawberry.Private[Community]
    name: str = strawberry.field(description="The community's name.")

    @classmethod
    def of(cls, row: Community) -> CommunityType:
        return cls(
            id=strawberry.ID(global_id("Community", row.id)),
            row=row,
            name=row.name,
        )

    @strawberry.field(description="Its courtyards, in the order they were created.")
    async def courtyards(self, info: Info) -> list[CourtyardType]:
        rows = await info.context.scope.loaders.courtyards_of_community.load(self.row.id)
        return [CourtyardType.of(row) for row in rows]


@strawberry.type(
    name="Courtyard",
    description="A courtyard (residential compound) with its party branch and micro-grids.",
)
class CourtyardType(Node):
    row: strawberry.Private[Courtyard]
    name: str = strawberry.field(description="The courtyard's name, unique in its community.")
    party_branch: str | None = strawberry.field(
        description="The party branch that serves this courtyard."
    )

    @classmethod
    def of(cls, row: Courtyard) -> CourtyardType:
        return cls(
            id=strawberry.ID(global_id("Courtyard", row.id)),
            row=row,
            name=row.name,
            party_branch=row.party_branch,
        )

    @strawberry.field(description="The community it belongs to.")
    async def community(self, info: Info) -> CommunityType:
        row = await info.context.scope.loaders.community.load(self.row.community_id)
        assert row is not None  # a foreign key with RESTRICT
        return CommunityType.of(row)

    @strawberry.field(description="Its micro-grids.")
    async def micro_grids(self, info: Info) -> list[MicroGridType]:
        rows = await info.context.scope.loaders.grids_of_courtyard.load(self.row.id)
        return [MicroGridType.of(row) for row in rows]


@strawberry.type(
    name="MicroGrid",
    description="The smallest unit of the grid tree, looked after by its grid members.",
)
class MicroGridType(Node):
    row: strawberry.Private[MicroGrid]
    name: str = strawberry.field(description="The micro-grid's name, unique in its courtyard.")

    @classmethod
    def of(cls, row: MicroGrid) -> MicroGridType:
        return cls(
            id=strawberry.ID(global_id("MicroGrid", row.id)),
            row=row,
            name=row.name,
        )

    @strawberry.field(description="The courtyard it belongs to.")
    async def courtyard(self, info: Info) -> CourtyardType:
        row = await info.context.scope.loaders.courtyard.load(self.row.courtyard_id)
        assert row is not None  # a foreign key with RESTRICT
        return CourtyardType.of(row)

    @strawberry.field(description="Who looks after it, leader first; empty for anonymous callers.")
    async def grid_members(self, info: Info) -> list[UserType]:
        users = await resolve.grid_members(info.context.scope, self.row.id)
        return [UserType.of(user) for user in users]

    @strawberry.field(description="How many residents live in it.")
    async def resident_count(self, info: Info) -> int:
        return sum(await info.context.scope.loaders.resident_count.load(self.row.id))


@strawberry.type(
    description="The result of register, login and refreshToken: a new session, or errors."
)
class AuthPayload:
    access_token: str | None = strawberry.field(
        default=None,
        description="A JWT for `Authorization: Bearer`; expires after 15 minutes by default.",
    )
    refresh_token: str | None = strawberry.field(
        default=None, description="Trade it for a new session with refreshToken; single use."
    )
    user: UserType | None = strawberry.field(default=None, description="Who is logged in.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A new resident account.")
class RegisterInput:
    phone: str = strawberry.field(
        description="An 11-digit mobile number (+86, spaces and dashes allowed); it logs in."
    )
    password: str = strawberry.field(description="8 to 128 characters.")
    display_name: str = strawberry.field(description="The name shown to others.")
    home_grid_id: strawberry.ID | None = strawberry.field(
        default=None, description="The micro-grid the resident lives in, if known."
    )


@strawberry.input(description="Phone and password.")
class LoginInput:
    phone: str = strawberry.field(description="The phone number the account was registered with.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="A new courtyard.")
class CreateCourtyardInput(CommandInput):
    name: str = strawberry.field(description="Unique in the community.")
    party_branch: str | None = strawberry.field(
        default=None, description="The party branch that serves it."
    )


@strawberry.type(description="The result of createCourtyard.")
class CourtyardPayload:
    courtyard: CourtyardType | None = strawberry.field(
        description="The new courtyard; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A new micro-grid in a courtyard.")
class CreateMicroGridInput(CommandInput):
    courtyard_id: strawberry.ID = strawberry.field(description="The courtyard it belongs to.")
    name: str = strawberry.field(description="Unique in its courtyard.")


@strawberry.type(description="The result of createMicroGrid.")
class MicroGridPayload:
    micro_grid: MicroGridType | None = strawberry.field(
        description="The new micro-grid; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A role to give a user.")
class GrantRoleInput(CommandInput):
    user_id: strawberry.ID = strawberry.field(description="Who gets the role.")
    role: Role = strawberry.field(description="The role to give.")
    micro_grid_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For GRID_MEMBER and GRID_WORKER: the grids they look after."
    )


@strawberry.input(description="Where a user lives.")
class SetHomeGridInput(CommandInput):
    user_id: strawberry.ID = strawberry.field(description="Who moves.")
    micro_grid_id: strawberry.ID = strawberry.field(description="The micro-grid they now live in.")


@strawberry.type(description="The result of grantRole and setHomeGrid.")
class UserPayload:
    user: UserType | None = strawberry.field(description="The user as changed; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")
