"""The batch lookups that explain a page of ledger entries (reports, sign-ups, suggestions,
vouchers): for every viewer each answers, for many ids in one statement, exactly what its
single lookup (get_report, get_signup, get_suggestion, get_voucher) shows one id at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from tortoise.models import Model

from community.events import get_signup, sign_up, signups_visible_to
from community.report_queries import get_report, reports_visible_to
from community.suggestions import get_suggestion, submit_suggestion, suggestions_visible_to
from marketplace.redemption import redeem_offer
from marketplace.vouchers import get_voucher, vouchers_visible_to
from models.actor import Actor
from models.enums import ReportCategory
from models.errors import NotFound
from tests.domain.civic_helpers import admin_elsewhere, cast, submitted
from tests.domain.market_helpers import active_merchant, admin, fund, new_key, offer_of, resident
from tests.harness.events import an_event
from tests.statements import counting_statements

Batch = Callable[[Actor, Sequence[int]], Awaitable[Mapping[int, Model]]]
Single = Callable[[Actor, int], Awaitable[Model]]
NO_SUCH_ID = 10**9


async def _seen_alone(single: Single, viewer: Actor, pk: int) -> int | None:
    try:
        return int((await single(viewer, pk)).pk)
    except NotFound:
        return None


async def seen_by(
    batch: Batch, single: Single, viewer: Actor, ids: Sequence[int], *, statements: int = 1
) -> set[int]:
    """The ids the batch shows the viewer, in `statements` statements, after checking each id
    (and one that does not exist) against the single lookup."""
    asked = [*ids, NO_SUCH_ID]
    with counting_statements() as sent:
        found = await batch(viewer, asked)
    assert len(sent) == statements, sent
    for pk in asked:
        assert (pk in found) == (await _seen_alone(single, viewer, pk) is not None), pk
    assert all(found[pk].pk == pk for pk in found)
    return set(found)


def reports(actor: Actor, ids: Sequence[int]) -> Awaitable[Mapping[int, Model]]:
    return reports_visible_to(actor=actor, report_ids=ids)


def report(actor: Actor, pk: int) -> Awaitable[Model]:
    return get_report(actor=actor, report_id=pk)


async def test_reports_visible_to_answers_what_get_report_answers(tmp_path: Path) -> None:
    people = await cast()
    mine = await submitted(people, tmp_path)
    theirs = await submitted(people, tmp_path, ReportCategory.NOISE, reporter=people.resident)
    ids = [mine.id, theirs.id]
    assert await seen_by(reports, report, people.reporter, ids) == {mine.id}
    assert await seen_by(reports, report, people.resident, ids) == {theirs.id}
    assert await seen_by(reports, report, people.admin, ids) == {mine.id, theirs.id}
    assert await seen_by(reports, report, await admin_elsewhere(), ids) == set()
    for staff in (people.member, people.worker, people.other_worker, people.manager):
        await seen_by(reports, report, staff, ids)


def signups(actor: Actor, ids: Sequence[int]) -> Awaitable[Mapping[int, Model]]:
    return signups_visible_to(actor=actor, signup_ids=ids)


def signup(actor: Actor, pk: int) -> Awaitable[Model]:
    return get_signup(actor=actor, signup_id=pk)


async def test_signups_visible_to_answers_what_get_signup_answers() -> None:
    people = await cast()
    event = await an_event(people.worker)
    mine = await sign_up(actor=people.reporter, event_id=event.id)
    theirs = await sign_up(actor=people.resident, event_id=event.id)
    ids = [mine.id, theirs.id]
    assert await seen_by(signups, signup, people.reporter, ids) == {mine.id}
    assert await seen_by(signups, signup, people.resident, ids) == {theirs.id}
    assert await seen_by(signups, signup, people.worker, ids) == {mine.id, theirs.id}
    assert await seen_by(signups, signup, people.admin, ids) == {mine.id, theirs.id}
    assert await seen_by(signups, signup, people.member, ids) == set()
    assert await seen_by(signups, signup, await admin_elsewhere(), ids) == set()


def suggestions(actor: Actor, ids: Sequence[int]) -> Awaitable[Mapping[int, Model]]:
    return suggestions_visible_to(actor=actor, suggestion_ids=ids)


def suggestion(actor: Actor, pk: int) -> Awaitable[Model]:
    return get_suggestion(actor=actor, suggestion_id=pk)


async def test_suggestions_visible_to_answers_what_get_suggestion_answers() -> None:
    people = await cast()
    ideas = [
        await submit_suggestion(actor=people.reporter, title=f"Idea {n}", body="More benches")
        for n in range(2)
    ]
    ids = [idea.id for idea in ideas]
    for member in (people.reporter, people.resident, people.admin):
        assert await seen_by(suggestions, suggestion, member, ids) == set(ids)
    assert await seen_by(suggestions, suggestion, await admin_elsewhere(), ids) == set()


def vouchers(actor: Actor, ids: Sequence[int]) -> Awaitable[Mapping[int, Model]]:
    return vouchers_visible_to(actor=actor, voucher_ids=ids)


def voucher(actor: Actor, pk: int) -> Awaitable[Model]:
    return get_voucher(actor=actor, voucher_id=pk)


async def test_vouchers_visible_to_answers_what_get_voucher_answers() -> None:
    boss = await admin()
    merchant, owner = await active_merchant(by=boss)
    offer = await offer_of(merchant, owner, price=5)
    buyers = [await resident("Buyer"), await resident("Other buyer")]
    held: list[int] = []
    for buyer in buyers:
        await fund(buyer, 5, by=boss)
        bought = await redeem_offer(actor=buyer, offer_id=offer.id, idempotency_key=new_key())
        held.append(bought.voucher.id)
    assert await seen_by(vouchers, voucher, buyers[0], held[:1]) == {held[0]}
    assert await seen_by(vouchers, voucher, boss, held) == set(held)
    # Anyone else is judged by the merchant's operator check, one statement per voucher.
    assert await seen_by(vouchers, voucher, buyers[1], held, statements=2) == {held[1]}
    assert await seen_by(vouchers, voucher, owner, held, statements=3) == set(held)
    stranger = await resident("Stranger")
    assert await seen_by(vouchers, voucher, stranger, held, statements=3) == set()
