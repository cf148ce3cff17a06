"""Venue booking under contention, on PostgreSQL: `python -m bench.venue_contention`.

Rounds of 50 concurrent bookings through the domain (no HTTP): all for one hour of one venue
(one wins, the exclusion constraint refuses the rest), all for adjacent half hours (all
win), and the same with a 20-point deposit held on each booking. Reports the latency of one
attempt (p50/p95/max, ms) and whether every round made exactly its winners. Writes
bench/VENUES.md. It uses a database of its own (`gridpoints_bench_venues`, dropped after).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.seed import create_database, drop_database
from bench.stats import latency
from community import bookings, venues
from community.booking_rules import COMMUNITY_TZ, local, weekly_hours
from community.people import load_actor
from gateway.db import apply_migrations, close_database, open_database
from marketplace.adjustments import adjust_points
from marketplace.funding import fund_pool
from models.actor import Actor
from models.enums import Role, VenueAudience
from models.errors import SlotTaken
from models.grid import Community
from models.people import User, UserRole
from models.venues import Booking

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "gridpoints_bench_venues"
CROWD = 50
TERMS = venues.VenueTerms(
    name="Bench hall",
    description="",
    location="Bench",
    capacity=50,
    slot_minutes=30,
    max_booking_minutes=60,
    advance_days=60,
    min_notice_minutes=0,
    cancel_deadline_minutes=60,
    check_in_minutes=15,
    opening_hours=weekly_hours("00:00", "00:00"),
    audiences=frozenset({VenueAudience.RESIDENT}),
)


@dataclass
class Round:
    scenario: str
    latencies_ms: list[float]
    won: int
    expected: int


async def _people(count: int) -> tuple[Actor, list[Actor]]:
    community = await Community.create(name="Bench")
    admin_row = await User.create(
        community=community, phone="19999999999", password_hash="x", display_name="Admin"
    )
    await UserRole.create(user=admin_row, role=Role.COMMUNITY_ADMIN)
    crowd = []
    for n in range(count):
        row = await User.create(
            community=community, phone=f"1{n:010d}", password_hash="x", display_name=f"R{n}"
        )
        await UserRole.create(user=row, role=Role.RESIDENT)
        crowd.append(row.id)
    admin = await load_actor(admin_row.id)
    assert admin is not None
    actors = [await load_actor(user_id) for user_id in crowd]
    return admin, [actor for actor in actors if actor is not None]


async def _timed(call: Callable[[], Awaitable[Booking]]) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        await call()
        won = True
    except SlotTaken:
        won = False
    return (time.perf_counter() - started) * 1000, won


async def _round(
    scenario: str, crowd: list[Actor], venue_id: int, day: int, adjacent: bool
) -> Round:
    base = local(datetime.now(UTC)).date() + timedelta(days=day)
    start = datetime(base.year, base.month, base.day, 8, tzinfo=COMMUNITY_TZ)
    before = await Booking.filter(venue_id=venue_id).count()

    def attempt(n: int, who: Actor) -> Callable[[], Awaitable[Booking]]:
        starts = start + timedelta(minutes=30 * n) if adjacent else start
        return lambda: bookings.book_venue(
            actor=who,
            venue_id=venue_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            party_size=2,
            purpose="Bench",
        )

    results = await asyncio.gather(*(_timed(attempt(n, who)) for n, who in enumerate(crowd)))
    won = await Booking.filter(venue_id=venue_id).count() - before
    return Round(
        scenario=scenario,
        latencies_ms=[ms for ms, _ in results],
        won=won,
        expected=len(crowd) if adjacent else 1,
    )


def _report(rounds: list[Round], path: Path) -> str:
    lines = [
        "# Venue booking under contention (bench/venue_contention.py)",
        "",
        f"PostgreSQL, {CROWD} concurrent bookings per round through the domain functions, "
        f"asyncpg pool of 25; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on a shared 2-core machine.",
        "",
        "| scenario | rounds | attempt p50 ms | p95 ms | max ms | bookings made per round |",
        "|---|---|---|---|---|---|",
    ]
    for scenario in dict.fromkeys(r.scenario for r in rounds):
        mine = [r for r in rounds if r.scenario == scenario]
        found = latency([ms / 1000 for r in mine for ms in r.latencies_ms])
        made = sorted({r.won for r in mine})
        expected = mine[0].expected
        verdict = "exactly as expected" if made == [expected] else f"WRONG: {made}"
        lines.append(
            f"| {scenario} | {len(mine)} | {found.p50:.1f} | {found.p95:.1f} | {found.max:.1f} | "
            f"{expected} ({verdict}) |"
        )
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return text


async def main(rounds: int) -> None:
    await create_database(ADMIN_URL, DATABASE)
    url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    try:
        await apply_migrations(url)
        await open_database(url, pool_size=25)
        boss, crowd = await _people(CROWD)
        await fund_pool(actor=boss, amount=1_000_000, memo="Bench", idempotency_key="bench")
        for who in crowd:
            await adjust_points(
                actor=boss,
                user_id=who.user_id,
                amount=10_000,
                memo="Bench",
                idempotency_key=f"bench-{who.user_id}",
            )
        plain = await venues.create_venue(actor=boss, terms=TERMS)
        paid = await venues.create_venue(
            actor=boss, terms=replace(TERMS, name="Bench court", deposit_points=20)
        )
        results: list[Round] = []
        # Fifty adjacent half hours run past midnight: those rounds take every other day.
        for n in range(rounds):
            results.append(await _round("one hour, 50 requests", crowd, plain.id, n + 1, False))
            results.append(await _round("adjacent half hours", crowd, plain.id, 30 + 2 * n, True))
            results.append(await _round("one hour, with deposit", crowd, paid.id, n + 1, False))
            results.append(await _round("adjacent, with deposit", crowd, paid.id, 30 + 2 * n, True))
        print(_report(results, Path(__file__).with_name("VENUES.md")))
    finally:
        await close_database()
        await drop_database(ADMIN_URL, DATABASE)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args().rounds))
