"""Subscriptions: a report's steps and the viewer's points, over graphql-transport-ws.

Each event is re-read and re-authorised when it arrives, with fresh dataloaders: the
connection lives for hours, and neither permissions nor cached rows may go stale.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from typing import Annotated

import strawberry
from graphql import GraphQLError

from marketplace import history
from models.actor import Actor
from models.errors import DomainError, NotFound
from models.outbox import POINTS_TOPIC, REPORT_TOPIC
from resolvers import civic
from resolvers.ids import decode_id
from resolvers.scope import RequestScope
from schema.civic import ReportType
from schema.context import Info
from schema.errors import graphql_error
from schema.ledger import PointsEntryType
from schema.masking import masked


@contextmanager
def shown_safely() -> Iterator[None]:
    """A stream's errors, shaped here: the schema's extensions only see errors raised while
    the stream is created, and a subscription's checks and events run after that. Refusals
    carry their code; anything unexpected is masked, mid-stream included."""
    try:
        yield
    except DomainError as error:
        raise graphql_error(error) from error
    except GraphQLError:
        raise
    except Exception as error:
        raise masked(error) from None


async def subscriber(info: Info) -> RequestScope:
    """The scope of a subscription; its viewer was fixed when the connection began."""
    scope = info.context.scope
    await scope.require_viewer()
    return scope


def messages(info: Info, channel: str) -> AsyncGenerator[str, None]:
    subscribe = info.context.subscribe
    assert subscribe is not None, "the gateway wires the broker into every context"
    return subscribe(channel)  # type: ignore[return-value]


async def own_messages(info: Info, topic: str) -> AsyncGenerator[tuple[Actor, str], None]:
    """Each message on the viewer's own channel of `topic`, with the viewer read anew for it
    (the domain's query of the viewer's own then takes it as `actor`)."""
    scope = await subscriber(info)
    actor = await scope.require_viewer()
    async for message in messages(info, f"{topic}:{actor.user_id}"):
        scope.refresh()
        yield await scope.require_viewer(), message


@strawberry.type(description="What can be listened to over a WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(description="Changes to one report the viewer may see.")
    async def report_updated(
        self,
        info: Info,
        report_id: Annotated[strawberry.ID, strawberry.argument(description="The report.")],
    ) -> AsyncGenerator[ReportType, None]:
        with shown_safely():
            scope = await subscriber(info)
            pk = decode_id(report_id, "Report", field="reportId")
            if await civic.visible_report(scope, pk) is None:
                raise NotFound("No such report.", field="reportId")
            async for _ in messages(info, f"{REPORT_TOPIC}:{pk}"):
                scope.refresh()
                report = await civic.visible_report(scope, pk)
                if report is not None:
                    yield ReportType.of(report)

    @strawberry.subscription(description="Every change to the viewer's own points.")
    async def points_changed(self, info: Info) -> AsyncGenerator[PointsEntryType, None]:
        with shown_safely():
            async for actor, message in own_messages(info, POINTS_TOPIC):
                entry = await history.own_entry(actor=actor, entry_id=int(message))
                if entry is not None:
                    yield PointsEntryType.of(entry)
