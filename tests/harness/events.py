"""An event, built through the domain function: tomorrow, two hours long, unless told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from community.events import create_event
from models import clock
from models.actor import Actor
from models.civic import Event


async def an_event(
    organizer: Actor,
    *,
    starts_at: datetime | None = None,
    capacity: int = 10,
    points_reward: int = 15,
    **fields: Any,
) -> Event:
    """`fields` overrides the title, description, location or ends_at."""
    starts = starts_at or clock.now() + timedelta(days=1)
    values: dict[str, Any] = {
        "title": "Courtyard clean-up",
        "description": "",
        "location": "Courtyard 1",
        "ends_at": starts + timedelta(hours=2),
    }
    return await create_event(
        actor=organizer,
        starts_at=starts,
        capacity=capacity,
        points_reward=points_reward,
        **{**values, **fields},
    )
