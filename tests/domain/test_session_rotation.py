"""Refresh-token rotation with a grace window: a token spent moments ago (two tabs refreshing
at once) gets another live token of its family; reused later, it ends the family."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from community.sessions import issue_refresh_token, rotate_refresh_token
from models.errors import InvalidCredentials
from models.people import RefreshToken
from tests import factories

GRACE = 30.0


async def _family_alive() -> int:
    return await RefreshToken.filter(revoked_at=None).count()


async def test_a_token_reused_within_the_grace_window_gets_a_sibling() -> None:
    actor = await factories.user()
    first = await issue_refresh_token(user_id=actor.user_id, days=30)
    _, second = await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    user, sibling = await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    assert user.id == actor.user_id and len({first, second, sibling}) == 3
    for live in (second, sibling):
        await rotate_refresh_token(token=live, days=30, grace_seconds=GRACE)
    assert await _family_alive() == 5  # nothing revoked
    assert len({row.family for row in await RefreshToken.all()}) == 1


async def test_reuse_after_the_grace_window_revokes_the_whole_family() -> None:
    actor = await factories.user()
    first = await issue_refresh_token(user_id=actor.user_id, days=30)
    _, second = await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    spent_long_ago = datetime.now(UTC) - timedelta(seconds=GRACE + 1)
    await RefreshToken.filter(used_at__not_isnull=True).update(used_at=spent_long_ago)
    with pytest.raises(InvalidCredentials):
        await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    assert await _family_alive() == 0
    with pytest.raises(InvalidCredentials):
        await rotate_refresh_token(token=second, days=30, grace_seconds=GRACE)
    assert await RefreshToken.all().count() == 2  # nothing issued by the refusals


async def test_a_revoked_family_gets_no_grace() -> None:
    actor = await factories.user()
    first = await issue_refresh_token(user_id=actor.user_id, days=30)
    await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    await RefreshToken.all().update(revoked_at=datetime.now(UTC))
    with pytest.raises(InvalidCredentials):
        await rotate_refresh_token(token=first, days=30, grace_seconds=GRACE)
    assert await RefreshToken.all().count() == 2


async def test_many_tabs_refreshing_at_once_all_stay_logged_in() -> None:
    actor = await factories.user()
    shared = await issue_refresh_token(user_id=actor.user_id, days=30)
    tabs = 12
    results = await asyncio.gather(
        *(rotate_refresh_token(token=shared, days=30, grace_seconds=GRACE) for _ in range(tabs))
    )
    tokens = {token for _, token in results}
    assert len(tokens) == tabs
    assert await _family_alive() == tabs + 1
    spent = await RefreshToken.filter(used_at__not_isnull=True).count()
    assert spent == 1  # the shared token was spent exactly once
    nexts = await asyncio.gather(
        *(rotate_refresh_token(token=t, days=30, grace_seconds=GRACE) for t in tokens)
    )
    assert len({token for _, token in nexts}) == tabs
