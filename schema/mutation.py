"""Running a mutation: business failures become payload errors; changes are published after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from models import outbox
from models.errors import UserFacingError
from schema.context import Info
from schema.errors import UserError

T = TypeVar("T")
P = TypeVar("P")


async def mutate(
    info: Info,
    action: Callable[[], Awaitable[T]],
    payload: Callable[..., P],
    **fields: Callable[[T], Any],
) -> P:
    """Run `action`; build `payload` from its result with `fields`, or with the error.

    Not-logged-in and forbidden propagate as GraphQL errors; changes the domain recorded
    are published only once the action has succeeded. The caller's mutation budget was
    charged for every field of the request before the first ran (schema/budgets.py).
    """
    scope = info.context.scope
    with outbox.collecting() as changes:
        try:
            result = await action()
        except UserFacingError as error:
            return payload(errors=[UserError.of(error)], **dict.fromkeys(fields))
    await scope.publish(changes)
    return payload(errors=[], **{name: wrap(result) for name, wrap in fields.items()})
