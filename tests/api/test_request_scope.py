"""One operation's scope: built from the settings, renewed per WebSocket operation."""

from __future__ import annotations

from gateway.scopes import request_scope
from gateway.settings import Settings
from models.enums import Role
from models.people import UserRole
from resolvers.rate_limits import RateLimit
from tests import factories


async def test_a_scope_carries_the_settings_values() -> None:
    settings = Settings(voucher_days=7, refresh_token_days=3, public_url="https://grid.example")
    scope = request_scope(settings, None)
    assert (scope.voucher_days, scope.refresh_token_days, scope.media_url) == (
        7,
        3,
        "https://grid.example/media/",
    )
    assert (scope.media_dir, scope.refresh_grace_seconds) == (settings.media_dir, 30.0)


async def test_the_next_operation_reads_the_viewer_anew_with_fresh_loaders() -> None:
    resident = await factories.user(name="Resident")
    scope = request_scope(Settings(voucher_days=9), resident.user_id, client_address="10.0.0.1")
    first = await scope.viewer()
    assert first is not None and not first.is_admin
    await UserRole.create(user_id=resident.user_id, role=Role.COMMUNITY_ADMIN)
    nxt = scope.new_operation()
    assert nxt.loaders is not scope.loaders
    assert (nxt.viewer_id, nxt.voucher_days, nxt.client_address, nxt.allow) == (
        resident.user_id,
        9,
        "10.0.0.1",
        scope.allow,
    )
    renewed = await nxt.viewer()
    assert renewed is not None and renewed.is_admin  # read anew, not copied
    assert await scope.viewer() is first  # the old operation keeps what it read


async def test_every_rate_limit_policy_has_its_own_counter() -> None:
    names = [policy.limit.name for policy in RateLimit]
    assert len(names) == len(set(names)) == 6
