"""A user's points history: the entries of their wallet, newest first."""

from __future__ import annotations

from tortoise.expressions import Subquery

from marketplace.policies import may_see_wallet
from models.actor import Actor
from models.errors import NotFound
from models.ledger import Account, Entry
from models.paging import Page, keyset_page


async def points_history(*, user_id: int, first: int | None, after: int | None) -> Page[Entry]:
    """The user's wallet entries, newest first (an empty page before their first points)."""
    # By the wallet's id, not a join: an index range scan of (account_id, id) that reads one
    # page, however many entries the wallet has.
    wallet = Account.filter(user_id=user_id).values("id")
    query = Entry.filter(account_id__in=Subquery(wallet))
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def get_entry(*, actor: Actor, entry_id: int) -> Entry:
    """An entry of a wallet the actor may see (`may_see_wallet`), else NotFound."""
    entry = await Entry.get_or_none(id=entry_id).select_related("account__user")
    owner = None if entry is None else entry.account.user
    if entry is None or owner is None or not may_see_wallet(viewer=actor, owner=owner):
        raise NotFound("No such entry.", field="entryId")
    return entry


async def own_entry(*, actor: Actor, entry_id: int) -> Entry | None:
    """One entry of the actor's own wallet (what pointsChanged sends), or None."""
    return await Entry.get_or_none(id=entry_id, account__user_id=actor.user_id)
