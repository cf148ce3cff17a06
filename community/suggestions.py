"""Suggestions from residents, reviewed once by an admin; an adopted one earns its author points.

Every logged-in member of the community sees every suggestion: participation is public.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, get_args

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from marketplace.earning import award
from models.actor import Actor
from models.civic import Suggestion
from models.enums import PointsReason, SuggestionStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from models.inputs import optional_text, required_text
from models.paging import Page, keyset_page

Decision = Literal["ADOPT", "DECLINE"]
OUTCOMES: dict[str, SuggestionStatus] = {
    "ADOPT": SuggestionStatus.ADOPTED,
    "DECLINE": SuggestionStatus.DECLINED,
}
MAX_TITLE_LENGTH = 100
MAX_BODY_LENGTH = 5000
MAX_NOTE_LENGTH = 2000


async def submit_suggestion(*, actor: Actor, title: str, body: str) -> Suggestion:
    """Put a suggestion to the community (any logged-in user)."""
    return await Suggestion.create(
        community_id=actor.community_id,
        author_id=actor.user_id,
        title=required_text(title, field="title", max_length=MAX_TITLE_LENGTH),
        body=required_text(body, field="body", max_length=MAX_BODY_LENGTH),
    )


def visible_suggestions(actor: Actor) -> Q:
    """Who sees which suggestion, the one place it is written: every member of its community."""
    return Q(community_id=actor.community_id)


async def get_suggestion(*, actor: Actor, suggestion_id: int) -> Suggestion:
    """One suggestion the actor may see (`visible_suggestions`), else NotFound."""
    found = await Suggestion.filter(visible_suggestions(actor), id=suggestion_id).first()
    if found is None:
        raise NotFound("No such suggestion.", field="suggestionId")
    return found


async def suggestions_visible_to(
    *, actor: Actor, suggestion_ids: Collection[int]
) -> dict[int, Suggestion]:
    """The suggestions among these the actor may see, by id, in one statement."""
    if not suggestion_ids:
        return {}
    rows = await Suggestion.filter(visible_suggestions(actor), id__in=set(suggestion_ids))
    return {row.id: row for row in rows}


def _outcome(decision: str) -> SuggestionStatus:
    if decision not in get_args(Decision):
        raise InvalidInput("Decide ADOPT or DECLINE.", field="decision")
    return OUTCOMES[decision]


async def _award_author(suggestion: Suggestion, actor: Actor) -> int:
    return await award(
        community_id=suggestion.community_id,
        user_id=suggestion.author_id,
        reason=PointsReason.SUGGESTION_ADOPTED,
        source_type="suggestion",
        source_id=suggestion.id,
        actor_id=actor.user_id,
        memo=f"Suggestion adopted: {suggestion.title}"[:200],
    )


async def review_suggestion(
    *, actor: Actor, suggestion_id: int, decision: str, note: str | None = None
) -> Suggestion:
    """Adopt or decline a suggestion, once (admins, never their own); adopting awards points."""
    if not actor.is_admin:
        raise Forbidden()
    async with in_transaction():
        suggestion = await get_suggestion(actor=actor, suggestion_id=suggestion_id)
        if suggestion.author_id == actor.user_id:
            raise Forbidden("You cannot review your own suggestion.")
        outcome = _outcome(decision)
        reviewed = await Suggestion.filter(
            id=suggestion.id, status=SuggestionStatus.SUBMITTED
        ).update(
            status=outcome,
            reviewed_by_id=actor.user_id,
            review_note=optional_text(note, field="note", max_length=MAX_NOTE_LENGTH),
        )
        if reviewed != 1:
            raise InvalidTransition("This suggestion has already been reviewed.")
        if outcome is SuggestionStatus.ADOPTED:
            points = await _award_author(suggestion, actor)
            await Suggestion.filter(id=suggestion.id).update(points_awarded=points)
        await suggestion.refresh_from_db()
    return suggestion


async def list_suggestions(
    *,
    actor: Actor,
    status: SuggestionStatus | None = None,
    first: int | None = None,
    after: int | None = None,
) -> Page[Suggestion]:
    """The community's suggestions, newest first, for every logged-in member."""
    query = Suggestion.filter(visible_suggestions(actor))
    if status is not None:
        query = query.filter(status=status)
    return await keyset_page(query, first=first, after=after, newest_first=True)
