"""How tests/data/demo_0002.json.gz was made: the demo community of migration 0002 (commit
2ee71f5) plus points activity of that time (awards from an unfunded pool, adjustments,
redemptions, a used voucher), every table dumped as JSON. Run it with that commit's code:

    git archive 2ee71f5 | tar -x -C /tmp/gp0002
    PYTHONPATH=/tmp/gp0002 python tests/data/make_demo_0002.py /tmp/demo.sqlite3 demo_0002.json
    gzip -9 demo_0002.json
"""

import asyncio
import json
import sys
from pathlib import Path

from tortoise import Tortoise, connections

from community.people import load_actor
from gateway.db import apply_migrations, close_database, open_database
from gateway.demo import load_demo
from marketplace.adjustments import adjust_points
from marketplace.earning import award
from marketplace.redemption import redeem_offer
from marketplace.vouchers import use_voucher
from models.enums import PointsReason, Role
from models.market import Merchant, Offer
from models.people import User, UserRole


async def main(path: str) -> dict[str, list[dict[str, object]]]:
    url = f"sqlite://{path}"
    await apply_migrations(url)
    await open_database(url)
    await load_demo(password="demo-password-1")
    admins = [r.user_id for r in await UserRole.filter(role=Role.COMMUNITY_ADMIN)]
    residents = [u for u in await User.all().order_by("id") if u.id not in admins][:40]
    for n, user in enumerate(residents):
        await award(
            community_id=user.community_id,
            user_id=user.id,
            reason=PointsReason.REPORT_VERIFIED,
            source_type="report",
            source_id=10_000 + n,
            points=10 + n,
        )
    boss = await load_actor(admins[0])
    for n, user in enumerate(residents[:10]):
        await adjust_points(
            actor=boss, user_id=user.id, amount=25, memo="Volunteer day", idempotency_key=f"fix-{n}"
        )
    offers = await Offer.all().order_by("id")
    for n, user in enumerate(residents[:12]):
        actor = await load_actor(user.id)
        offer = offers[n % len(offers)]
        if offer.points_price > 10 + n + (25 if n < 10 else 0):
            continue
        done = await redeem_offer(actor=actor, offer_id=offer.id, idempotency_key=f"buy-{n}")
        if n % 2 == 0:
            merchant = await Merchant.get(id=offer.merchant_id)
            operator = await load_actor(merchant.owner_id)
            await use_voucher(actor=operator, code=done.voucher.code)
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps["gridpoints"].values()]
    dump = {}
    for table in tables:
        rows = await conn.execute_query_dict(f'SELECT * FROM "{table}" ORDER BY id')
        dump[table] = [dict(r) for r in rows]
    print({t: len(r) for t, r in dump.items()})
    await close_database()
    return dump


if __name__ == "__main__":
    dumped = asyncio.run(main(sys.argv[1]))
    Path(sys.argv[2]).write_text(json.dumps(dumped, ensure_ascii=False, default=str))
