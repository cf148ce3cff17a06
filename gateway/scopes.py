"""Every RequestScope the gateway makes, with the values its settings give (declared once)."""

from __future__ import annotations

from collections.abc import Callable

from gateway.edge import media_url
from gateway.settings import Settings
from resolvers.scope import Limiter, Publisher, RequestScope, allow_all, no_tokens, publish_nowhere

MEDIA_URL = "/media/"


def request_scope(
    settings: Settings,
    viewer_id: int | None,
    *,
    publish: Publisher = publish_nowhere,
    issue_access_token: Callable[[int], str] = no_tokens,
    allow: Limiter = allow_all,
    client_address: str = "-",
) -> RequestScope:
    """The scope of one operation; without wiring it publishes nothing, issues no tokens and
    limits nothing (the calendar route and benchmarks need only the viewer)."""
    return RequestScope(
        viewer_id=viewer_id,
        media_dir=settings.media_dir,
        media_url=media_url(settings.public_url, MEDIA_URL),
        voucher_days=settings.voucher_days,
        refresh_token_days=settings.refresh_token_days,
        refresh_grace_seconds=settings.refresh_grace_seconds,
        publish=publish,
        issue_access_token=issue_access_token,
        allow=allow,
        client_address=client_address,
    )
