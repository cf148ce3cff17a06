from tortoise.transactions import in_transaction

from marketplace.earning import award
from marketplace.ledger import balance_of
from models.enums import PointsReason
from models.grid import Community
from models.ledger import Entry
from models.people import User


async def test_award_moves_points_from_pool_once() -> None:
    community = await Community.create(name="c")
    user = await User.create(
        community=community, phone="13800000000", password_hash="x", display_name="u"
    )
    for _ in range(2):
        async with in_transaction():
            await award(
                community_id=community.id,
                user_id=user.id,
                reason=PointsReason.REPORT_VERIFIED,
                source_type="report",
                source_id=1,
            )
    assert await balance_of(user_id=user.id) == 10
    entries = await Entry.all().order_by("id").values_list("amount", "balance_after")
    assert sorted(entries) == [(-10, -10), (10, 10)]
