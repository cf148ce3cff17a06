"""A user's points balance, read straight from the account table."""

from __future__ import annotations

from models.actor import Actor
from models.sql import fetch


async def balance(actor: Actor) -> int:
    """The user's balance; 0 when no account was opened yet."""
    rows = await fetch("SELECT balance FROM account WHERE user_id = ?", actor.user_id)
    return int(rows[0]["balance"]) if rows else 0
