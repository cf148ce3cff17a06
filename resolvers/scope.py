"""What one GraphQL operation knows: settings, the viewer, its dataloaders, its publisher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from community.people import load_viewer
from models.actor import Actor
from models.errors import NotAuthenticated, RateLimited
from models.outbox import Change
from resolvers.loaders import Loaders
from resolvers.rate_limits import RateLimit

Publisher = Callable[[Sequence[Change]], Awaitable[None]]


async def publish_nowhere(changes: Sequence[Change]) -> None:
    return None


def no_tokens(user_id: int) -> str:
    raise RuntimeError("This scope cannot issue tokens.")


async def allow_all(policy: RateLimit, key: str, cost: int = 1) -> bool:
    return True


Limiter = Callable[[RateLimit, str, int], Awaitable[bool]]


@dataclass(slots=True)
class RequestScope:
    viewer_id: int | None
    # From the settings, which declare their defaults once (gateway/settings.py); the gateway
    # builds every scope with gateway.scopes.request_scope().
    media_dir: Path = field(kw_only=True)
    media_url: str = field(kw_only=True)
    voucher_days: int = field(kw_only=True)
    refresh_token_days: int = field(kw_only=True)
    refresh_grace_seconds: float = field(kw_only=True)
    publish: Publisher = publish_nowhere
    issue_access_token: Callable[[int], str] = no_tokens
    allow: Limiter = allow_all
    client_address: str = "-"
    loaders: Loaders = field(default_factory=Loaders)
    _viewer: Actor | None = None
    _viewer_loaded: bool = False

    async def viewer(self) -> Actor | None:
        """The acting user with roles read now, so grants and revocations apply at once."""
        if not self._viewer_loaded:
            loaded = await load_viewer(self.viewer_id) if self.viewer_id else None
            self._viewer = loaded[0] if loaded else None
            if loaded:
                self.loaders.user.prime(loaded[1].id, loaded[1])
            self._viewer_loaded = True
        return self._viewer

    async def require_viewer(self) -> Actor:
        actor = await self.viewer()
        if actor is None:
            raise NotAuthenticated()
        return actor

    async def limit(self, policy: RateLimit, key: str, cost: int = 1) -> None:
        """Count `cost` attempts under this policy for this key; RateLimited when over it."""
        if not await self.allow(policy, key, cost):
            raise RateLimited()

    def become(self, user_id: int) -> None:
        """After logging in, the rest of the operation sees the new session's user."""
        self.viewer_id = user_id
        self._viewer_loaded = False

    def refresh(self) -> None:
        """Forget cached rows and roles: the next event of a subscription reads them anew."""
        self.loaders = Loaders()
        self._viewer_loaded = False

    def new_operation(self) -> RequestScope:
        """A fresh scope for the next operation on a long-lived connection (WebSocket, in
        gateway/websockets.py): the same wiring, fresh dataloaders, the viewer read anew."""
        return replace(self, loaders=Loaders(), _viewer=None, _viewer_loaded=False)
