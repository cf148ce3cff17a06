"""Refresh tokens: opaque, stored hashed, rotated on every use, with reuse detection.

Every login starts a token family. Refreshing spends the presented token and issues the
next one in the family. Presenting a spent token again means it leaked: the whole family
is revoked, so neither the thief nor the owner can go on refreshing with it.

Except within a short grace window after it was spent (as Auth0's and Okta's rotation
allow): two tabs of one app that refresh with the same token at once both get a live token
of the family, instead of the second one logging every tab out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from community.passwords import secret_bytes
from models import clock
from models.errors import InvalidCredentials
from models.people import RefreshToken, User

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(secret_bytes(token)).hexdigest()


def _now() -> datetime:
    return clock.now()


async def issue_refresh_token(*, user_id: int, days: int, family: str | None = None) -> str:
    """A new refresh token, in a new family unless one is given."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await RefreshToken.create(
        user_id=user_id,
        family=family or secrets.token_hex(16),
        token_hash=_digest(token),
        expires_at=_now() + timedelta(days=days),
    )
    return token


def _in_grace(row: RefreshToken, now: datetime, grace_seconds: float) -> bool:
    """Spent moments ago, and neither its family revoked nor the token expired."""
    return (
        row.used_at is not None
        and row.revoked_at is None
        and row.expires_at > now
        and now - row.used_at <= timedelta(seconds=grace_seconds)
    )


async def rotate_refresh_token(
    *, token: str, days: int, grace_seconds: float = 0.0
) -> tuple[User, str]:
    """Spend a refresh token and return its user with the next token of the family; a token
    spent less than `grace_seconds` ago gets another next token, later reuse ends the family."""
    digest = _digest(token)
    now = _now()
    async with in_transaction():
        spent = await RefreshToken.filter(
            token_hash=digest, used_at=None, revoked_at=None, expires_at__gt=now
        ).update(used_at=now)
        row = await RefreshToken.get_or_none(token_hash=digest)
    if row is None:
        raise InvalidCredentials("This session has ended. Log in again.")
    if spent != 1 and not _in_grace(row, now, grace_seconds):
        if row.used_at is not None and row.revoked_at is None:
            await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=now)
        raise InvalidCredentials("This session has ended. Log in again.")
    user = await User.get(id=row.user_id)
    return user, await issue_refresh_token(user_id=user.id, days=days, family=row.family)


async def revoke_refresh_token(*, token: str) -> bool:
    """End the session this token belongs to; True if it was live."""
    row = await RefreshToken.get_or_none(token_hash=_digest(token))
    if row is None:
        return False
    revoked = await RefreshToken.filter(family=row.family, revoked_at=None).update(
        revoked_at=_now()
    )
    return revoked > 0
