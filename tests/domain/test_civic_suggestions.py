"""Suggestions: anyone suggests, everyone reads, one admin review each, adoption earns."""

from __future__ import annotations

import asyncio

import pytest

from community.suggestions import list_suggestions, review_suggestion, submit_suggestion
from marketplace.ledger import balance_of
from models.civic import Suggestion
from models.enums import Role, SuggestionStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from tests import factories
from tests.domain.civic_helpers import admin_elsewhere


async def state(suggestion_id: int) -> tuple[object, ...]:
    s = await Suggestion.get(id=suggestion_id)
    reviewer = s.reviewed_by_id  # type: ignore[attr-defined]  # Tortoise adds the _id attribute
    return (s.status, s.review_note, reviewer, s.points_awarded)


async def test_adopting_awards_the_author_once() -> None:
    author = await factories.user(name="Author")
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    other_admin = await factories.user(Role.COMMUNITY_ADMIN)
    idea = await submit_suggestion(actor=author, title=" More benches ", body="By the pond.")
    assert (idea.title, idea.status) == ("More benches", SuggestionStatus.SUBMITTED)

    adopted = await review_suggestion(
        actor=admin, suggestion_id=idea.id, decision="ADOPT", note="Budgeted"
    )
    assert (adopted.status, adopted.review_note, adopted.points_awarded) == (
        SuggestionStatus.ADOPTED,
        "Budgeted",
        20,
    )
    assert await balance_of(user_id=author.user_id) == 20
    before = await state(idea.id)
    for decision in ("ADOPT", "DECLINE"):
        with pytest.raises(InvalidTransition):
            await review_suggestion(actor=other_admin, suggestion_id=idea.id, decision=decision)
    assert await state(idea.id) == before
    assert await balance_of(user_id=author.user_id) == 20


async def test_declining_awards_nothing() -> None:
    author = await factories.user()
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    idea = await submit_suggestion(actor=author, title="Pool", body="A swimming pool.")
    declined = await review_suggestion(actor=admin, suggestion_id=idea.id, decision="DECLINE")
    assert (declined.status, declined.points_awarded) == (SuggestionStatus.DECLINED, 0)
    assert await balance_of(user_id=author.user_id) == 0


async def test_two_admins_racing_give_one_review() -> None:
    author = await factories.user()
    admins = [await factories.user(Role.COMMUNITY_ADMIN) for _ in range(2)]
    idea = await submit_suggestion(actor=author, title="Lights", body="On the path.")
    outcomes = await asyncio.gather(
        review_suggestion(actor=admins[0], suggestion_id=idea.id, decision="ADOPT"),
        review_suggestion(actor=admins[1], suggestion_id=idea.id, decision="DECLINE"),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["InvalidTransition", "Suggestion"]
    final = await Suggestion.get(id=idea.id)
    winner = outcomes[0] if isinstance(outcomes[0], Suggestion) else outcomes[1]
    assert isinstance(winner, Suggestion)
    assert final.status is winner.status
    expected = 20 if final.status is SuggestionStatus.ADOPTED else 0
    assert await balance_of(user_id=author.user_id) == expected


async def test_who_may_review_and_what() -> None:
    grid = await factories.grid()
    author = await factories.user()
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    idea = await submit_suggestion(actor=author, title="Bins", body="More bins.")
    for intruder in (author, await factories.user(Role.GRID_WORKER, grids=(grid,))):
        with pytest.raises(Forbidden):
            await review_suggestion(actor=intruder, suggestion_id=idea.id, decision="ADOPT")
    own = await submit_suggestion(actor=admin, title="Mine", body="My own idea.")
    with pytest.raises(Forbidden):
        await review_suggestion(actor=admin, suggestion_id=own.id, decision="ADOPT")
    with pytest.raises(InvalidInput) as refused:
        await review_suggestion(actor=admin, suggestion_id=idea.id, decision="MAYBE")
    assert refused.value.field == "decision"
    with pytest.raises(NotFound):
        await review_suggestion(
            actor=await admin_elsewhere(), suggestion_id=idea.id, decision="ADOPT"
        )
    with pytest.raises(NotFound):
        await review_suggestion(actor=admin, suggestion_id=9999, decision="ADOPT")
    assert await Suggestion.filter(status=SuggestionStatus.SUBMITTED).count() == 2
    assert await balance_of(user_id=author.user_id) == 0


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "Body", "title"), ("x" * 101, "Body", "title"), ("Title", "  ", "body")],
)
async def test_invalid_suggestions_are_refused(title: str, body: str, field: str) -> None:
    author = await factories.user()
    with pytest.raises(InvalidInput) as refused:
        await submit_suggestion(actor=author, title=title, body=body)
    assert refused.value.field == field
    assert await Suggestion.all().count() == 0


async def test_everyone_in_the_community_sees_every_suggestion_newest_first() -> None:
    a, b = await factories.user(), await factories.user()
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    ids = [
        (await submit_suggestion(actor=author, title=f"Idea {n}", body="...")).id
        for n, author in enumerate((a, b, a))
    ]
    await review_suggestion(actor=admin, suggestion_id=ids[1], decision="ADOPT")
    for viewer in (a, b, admin):
        page = await list_suggestions(actor=viewer)
        assert [s.id for s in page.items] == ids[::-1]
    adopted = await list_suggestions(actor=a, status=SuggestionStatus.ADOPTED)
    assert [s.id for s in adopted.items] == [ids[1]]
    first = await list_suggestions(actor=b, first=2)
    rest = await list_suggestions(actor=b, first=2, after=first.items[-1].id)
    assert ([s.id for s in first.items], first.has_next) == ([ids[2], ids[1]], True)
    assert ([s.id for s in rest.items], rest.has_next) == ([ids[0]], False)
    assert (await list_suggestions(actor=await admin_elsewhere())).items == []
