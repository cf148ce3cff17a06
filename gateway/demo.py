"""The demo community: Xingrong (兴蓉社区), Xiaojiahe street (肖家河街道), Chengdu High-tech Zone
(成都高新区), loaded in one transaction.

The whole community is first planned in memory (seeded, so every load plans the same people
with the same phones and names), then written with bulk inserts. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from community.passwords import hash_password
from gateway import demo_activity, demo_venues
from gateway.demo_points import fund_demo_pool
from models import outbox
from models.civic import Event, Notice
from models.enums import AccountKind, MerchantStatus, NoticeKind, OfferStatus, Role
from models.grid import Community, Courtyard, MicroGrid, ResidentGroup
from models.ledger import Account
from models.market import Merchant, MerchantOperator, Offer
from models.people import GridAssignment, User, UserRole

COMMUNITY_NAME = "兴蓉社区"
# What earlier versions called it (wrong characters): a database holding it has the demo already.
PREVIOUS_NAMES = ("星荣社区 (Xingrong)",)
NAME_SEED = 2024
FIRST_PHONE = 13800000000
BATCH_SIZE = 500

RESIDENT_GROUP_COUNT = 34
MICRO_GRID_COUNT = 68
GRID_MEMBER_COUNT = 140
GRID_WORKER_COUNT = 6
PROPERTY_MANAGER_COUNT = 4
MOBILE_REPORTER_COUNT = 5
RESIDENT_COUNT = 1000

COURTYARD_NAMES = (
    "桂溪", "锦绣", "芙蓉", "银杏", "翠竹", "玉林", "望江", "浣花", "文华", "和美",
    "康乐", "星辰", "紫荆", "海棠", "兰亭", "梧桐", "清风", "明月", "长乐",
)  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红玲芬燕彬鑫浩宇轩涵欣怡梓晨俊佳"
    "琪婷思远建国志德淑珍春梅海文博一鸣嘉晓东丹蓉川锦成秀云飞雪松柏琳瑶子安宁乐诗雨泽"
)
# China keeps one offset all year, so a fixed offset needs no time-zone database.
CHINA_TIME = timezone(timedelta(hours=8))
PAUSED = OfferStatus.PAUSED

Progress = Callable[[str, int, int], None]
ModelT = TypeVar("ModelT", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DemoSummary:
    courtyards: int
    resident_groups: int
    micro_grids: int
    grid_members: int
    grid_workers: int
    property_managers: int
    mobile_reporters: int
    residents: int
    merchants: int
    offers: int
    sample_logins: dict[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class PlannedCourtyard:
    name: str
    party_branch: str


@dataclass(frozen=True, slots=True)
class PlannedGrid:
    name: str
    courtyard: str
    resident_group: str


@dataclass(frozen=True, slots=True)
class PlannedAssignment:
    grid: str
    role: Role
    is_leader: bool = False


@dataclass(frozen=True, slots=True)
class PlannedUser:
    phone: str
    display_name: str
    roles: tuple[Role, ...]
    home_grid: str | None = None
    assignments: tuple[PlannedAssignment, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedOffer:
    title: str
    description: str
    points_price: int
    stock: int
    per_user_limit: int | None
    valid_days: int | None = None  # ends this many days after the load: "expiring soon"
    status: OfferStatus = OfferStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class PlannedMerchant:
    name: str
    category: str
    address: str
    owner_phone: str
    offers: tuple[PlannedOffer, ...]


@dataclass(frozen=True, slots=True)
class PlannedNotice:
    kind: NoticeKind
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class DemoPlan:
    courtyards: tuple[PlannedCourtyard, ...]
    resident_groups: tuple[str, ...]
    grids: tuple[PlannedGrid, ...]
    admin: PlannedUser
    grid_workers: tuple[PlannedUser, ...]
    property_managers: tuple[PlannedUser, ...]
    mobile_reporters: tuple[PlannedUser, ...]
    merchant_owners: tuple[PlannedUser, ...]
    grid_members: tuple[PlannedUser, ...]
    residents: tuple[PlannedUser, ...]
    merchants: tuple[PlannedMerchant, ...]
    notices: tuple[PlannedNotice, ...]

    @property
    def users(self) -> tuple[PlannedUser, ...]:
        return (
            self.admin,
            *self.grid_workers,
            *self.property_managers,
            *self.mobile_reporters,
            *self.merchant_owners,
            *self.grid_members,
            *self.residents,
        )


# --- planning: pure and seeded -------------------------------------------------------------


def spread(total: int, buckets: int) -> list[int]:
    """Split total into buckets as evenly as possible, the larger ones first."""
    base, extra = divmod(total, buckets)
    return [base + (1 if index < extra else 0) for index in range(buckets)]


def _chunks(items: Sequence[T], sizes: Sequence[int]) -> list[tuple[T, ...]]:
    starts = [sum(sizes[:index]) for index in range(len(sizes))]
    return [tuple(items[start : start + size]) for start, size in zip(starts, sizes, strict=True)]


def _phone_numbers() -> Iterator[str]:
    number = FIRST_PHONE
    while True:
        yield str(number)
        number += 1


def _chinese_name(rng: random.Random) -> str:
    given_length = 2 if rng.random() < 0.6 else 1
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=given_length))


def _person(
    phones: Iterator[str],
    rng: random.Random,
    *roles: Role,
    home_grid: str | None = None,
    assignments: tuple[PlannedAssignment, ...] = (),
) -> PlannedUser:
    return PlannedUser(
        phone=next(phones),
        display_name=_chinese_name(rng),
        roles=(Role.RESIDENT, *roles),
        home_grid=home_grid,
        assignments=assignments,
    )


def _courtyards() -> tuple[PlannedCourtyard, ...]:
    return tuple(
        PlannedCourtyard(name=f"{name}院落", party_branch=f"第{number}院落党支部")
        for number, name in enumerate(COURTYARD_NAMES, start=1)
    )


def _resident_groups() -> tuple[str, ...]:
    return tuple(f"第{number}居民小组" for number in range(1, RESIDENT_GROUP_COUNT + 1))


def _grids(
    courtyards: Sequence[PlannedCourtyard], groups: Sequence[str]
) -> tuple[PlannedGrid, ...]:
    """Grids spread over the courtyards; neighbouring grids share a resident group."""
    names = [
        (f"{yard.name}{number}号网格", yard.name)
        for yard, count in zip(courtyards, spread(MICRO_GRID_COUNT, len(courtyards)), strict=True)
        for number in range(1, count + 1)
    ]
    return tuple(
        PlannedGrid(
            name=name, courtyard=yard, resident_group=groups[index * len(groups) // len(names)]
        )
        for index, (name, yard) in enumerate(names)
    )


def _grid_workers(
    grids: Sequence[PlannedGrid], phones: Iterator[str], rng: random.Random
) -> tuple[PlannedUser, ...]:
    beats = _chunks(grids, spread(len(grids), GRID_WORKER_COUNT))
    return tuple(
        _person(
            phones,
            rng,
            Role.GRID_WORKER,
            assignments=tuple(PlannedAssignment(grid.name, Role.GRID_WORKER) for grid in beat),
        )
        for beat in beats
    )


def _grid_members(
    grids: Sequence[PlannedGrid], phones: Iterator[str], rng: random.Random
) -> tuple[PlannedUser, ...]:
    """One leader per grid, then the remaining members spread over the grids."""
    others = spread(GRID_MEMBER_COUNT - len(grids), len(grids))
    return tuple(
        _person(
            phones,
            rng,
            Role.GRID_MEMBER,
            home_grid=grid.name,
            assignments=(PlannedAssignment(grid.name, Role.GRID_MEMBER, is_leader=seat == 0),),
        )
        for grid, count in zip(grids, others, strict=True)
        for seat in range(1 + count)
    )


def _residents(
    grids: Sequence[PlannedGrid], phones: Iterator[str], rng: random.Random
) -> tuple[PlannedUser, ...]:
    return tuple(
        _person(phones, rng, home_grid=grids[index % len(grids)].name)
        for index in range(RESIDENT_COUNT)
    )


def _staff(
    count: int, role: Role, phones: Iterator[str], rng: random.Random
) -> tuple[PlannedUser, ...]:
    return tuple(_person(phones, rng, role) for _ in range(count))


def _offer(
    title: str,
    description: str,
    price: int,
    stock: int,
    limit: int | None,
    *,
    valid_days: int | None = None,
    status: OfferStatus = OfferStatus.ACTIVE,
) -> PlannedOffer:
    return PlannedOffer(
        title,
        description,
        points_price=price,
        stock=stock,
        per_user_limit=limit,
        valid_days=valid_days,
        status=status,
    )


def _merchants(owners: Sequence[PlannedUser]) -> tuple[PlannedMerchant, ...]:
    bakery, barber, grocery, tea_house = (owner.phone for owner in owners)
    return (
        PlannedMerchant("麦香烘焙坊", "烘焙", "肖家河街道兴蓉路12号", bakery, (
            _offer("烘焙体验课代金券", "周末亲子烘焙课一次，含材料。", 300, 20, 1),
            _offer("手工吐司一条", "当天现烤的全麦吐司。", 80, 50, 2),
            _offer("生日蛋糕立减券", "六寸及以上生日蛋糕立减三十元。", 200, 10, 1),
            _offer("限量蛋黄酥", "每日限量手作蛋黄酥一盒，兑完即止。", 60, 1, 1),
            _offer("中秋月饼礼盒", "本周末前兑换，到店自取。", 180, 15, 1, valid_days=2),
        )),
        PlannedMerchant("老街理发店", "理发", "肖家河街道兴蓉路28号", barber, (
            _offer("男士剪发一次", "洗剪吹一次，需提前预约。", 150, 30, 1),
            _offer("长者理发券", "六十岁以上长者理发一次。", 60, 40, 2),
            _offer("染发八折券", "染发八折，装修期间暂停。", 120, 10, 1, status=PAUSED),
        )),
        PlannedMerchant("邻里生活超市", "超市", "肖家河街道兴蓉路35号", grocery, (
            _offer("土鸡蛋一盒", "十枚装，到店领取。", 50, 100, 2),
            _offer("菜籽油五升", "非转基因压榨菜籽油一桶。", 250, 20, 1),
            _offer("环保购物袋", "可重复使用的帆布袋。", 20, 200, None),
            _offer("应季水果一份", "当季水果约一斤，三天内有效。", 40, 30, 1, valid_days=3),
        )),
        PlannedMerchant("竹韵茶馆", "茶馆", "肖家河街道兴蓉路46号", tea_house, (
            _offer("盖碗茶一杯", "花毛峰盖碗茶一杯。", 30, 100, 3),
            _offer("茶艺体验课", "茶艺师带领的入门体验课。", 200, 12, 1),
        )),
    )  # fmt: skip


def _notices() -> tuple[PlannedNotice, ...]:
    return (
        PlannedNotice(
            NoticeKind.ANNOUNCEMENT,
            "兴蓉社区积分商城上线",
            "参与院落治理、上报隐患、报名志愿活动均可获得积分，积分可在社区商家兑换优惠。",
        ),
        PlannedNotice(
            NoticeKind.POLICY,
            "积分获取与使用规则",
            "上报经核实的问题、参加活动并签到、建议被采纳均可获得积分；积分不可转让。",
        ),
        PlannedNotice(
            NoticeKind.ACTIVITY,
            "周六院落环境大扫除",
            "本周六上午九点，各院落门口集合，工具由社区提供，参加者可获得积分。",
        ),
        PlannedNotice(
            NoticeKind.JOB,
            "招聘社区专职网格员两名",
            "负责网格巡查、问题上报与居民服务，肖家河街道户籍优先，报名请到社区党群服务中心。",
        ),
        PlannedNotice(
            NoticeKind.JOB,
            "社区食堂招募志愿者",
            "每周二、四中午为长者助餐，每次服务可获得志愿积分。",
        ),
        PlannedNotice(
            NoticeKind.POLICY,
            "电动自行车进楼入户整治通知",
            "为消除火灾隐患，电动自行车请停放在院落集中充电点，禁止楼道停放和飞线充电。",
        ),
        PlannedNotice(
            NoticeKind.ANNOUNCEMENT,
            "院落议事会本月议题征集",
            "欢迎通过“建议”栏目提交院落改造、停车、绿化等议题，被采纳的建议可获得积分。",
        ),
    )


def build_plan() -> DemoPlan:
    """The whole demo community in memory; the same every time (seeded names, sequential phones)."""
    rng = random.Random(NAME_SEED)
    phones = _phone_numbers()
    courtyards = _courtyards()
    groups = _resident_groups()
    grids = _grids(courtyards, groups)
    admin = _person(phones, rng, Role.COMMUNITY_ADMIN)
    workers = _grid_workers(grids, phones, rng)
    managers = _staff(PROPERTY_MANAGER_COUNT, Role.PROPERTY_MANAGER, phones, rng)
    riders = _staff(MOBILE_REPORTER_COUNT, Role.MOBILE_REPORTER, phones, rng)
    owners = _staff(4, Role.MERCHANT, phones, rng)
    return DemoPlan(
        courtyards=courtyards,
        resident_groups=groups,
        grids=grids,
        admin=admin,
        grid_workers=workers,
        property_managers=managers,
        mobile_reporters=riders,
        merchant_owners=owners,
        grid_members=_grid_members(grids, phones, rng),
        residents=_residents(grids, phones, rng),
        merchants=_merchants(owners),
        notices=_notices(),
    )


def summarize(plan: DemoPlan) -> DemoSummary:
    return DemoSummary(
        courtyards=len(plan.courtyards),
        resident_groups=len(plan.resident_groups),
        micro_grids=len(plan.grids),
        grid_members=len(plan.grid_members),
        grid_workers=len(plan.grid_workers),
        property_managers=len(plan.property_managers),
        mobile_reporters=len(plan.mobile_reporters),
        residents=len(plan.residents),
        merchants=len(plan.merchants),
        offers=sum(len(merchant.offers) for merchant in plan.merchants),
        sample_logins={
            "admin": plan.admin.phone,
            "grid_worker": plan.grid_workers[0].phone,
            "grid_member": plan.grid_members[0].phone,
            "resident": plan.residents[0].phone,
            "merchant": plan.merchants[0].owner_phone,
            "property_manager": plan.property_managers[0].phone,
            "rider": plan.mobile_reporters[0].phone,
        },
    )


# --- writing ---------------------------------------------------------------------------------


def _ignore_progress(step: str, done: int, total: int) -> None:
    pass


async def _insert(model: type[ModelT], rows: Sequence[ModelT], step: str, report: Progress) -> None:
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        await model.bulk_create(batch)
        report(step, start + len(batch), len(rows))


def _as_ids(pairs: Iterable[tuple[Any, Any]]) -> dict[str, int]:
    return {str(key): int(value) for key, value in pairs}


async def _write_courtyards(plan: DemoPlan, community_id: int, report: Progress) -> dict[str, int]:
    rows = [
        Courtyard(community_id=community_id, name=yard.name, party_branch=yard.party_branch)
        for yard in plan.courtyards
    ]
    await _insert(Courtyard, rows, "courtyards", report)
    return _as_ids(await Courtyard.filter(community_id=community_id).values_list("name", "id"))


async def _write_resident_groups(
    plan: DemoPlan, community_id: int, report: Progress
) -> dict[str, int]:
    rows = [ResidentGroup(community_id=community_id, name=name) for name in plan.resident_groups]
    await _insert(ResidentGroup, rows, "resident groups", report)
    return _as_ids(await ResidentGroup.filter(community_id=community_id).values_list("name", "id"))


async def _write_grids(plan: DemoPlan, community_id: int, report: Progress) -> dict[str, int]:
    yard_ids = await _write_courtyards(plan, community_id, report)
    group_ids = await _write_resident_groups(plan, community_id, report)
    rows = [
        MicroGrid(
            courtyard_id=yard_ids[grid.courtyard],
            resident_group_id=group_ids[grid.resident_group],
            name=grid.name,
        )
        for grid in plan.grids
    ]
    await _insert(MicroGrid, rows, "micro-grids", report)
    query = MicroGrid.filter(courtyard__community_id=community_id).values_list("name", "id")
    return _as_ids(await query)


async def _write_users(
    plan: DemoPlan,
    community_id: int,
    grid_ids: dict[str, int],
    password_hash: str,
    report: Progress,
) -> dict[str, int]:
    rows = [
        User(
            community_id=community_id,
            phone=user.phone,
            password_hash=password_hash,
            display_name=user.display_name,
            home_grid_id=grid_ids[user.home_grid] if user.home_grid else None,
        )
        for user in plan.users
    ]
    await _insert(User, rows, "people", report)
    return _as_ids(await User.filter(community_id=community_id).values_list("phone", "id"))


async def _write_roles(plan: DemoPlan, user_ids: dict[str, int], report: Progress) -> None:
    rows = [
        UserRole(user_id=user_ids[user.phone], role=role)
        for user in plan.users
        for role in user.roles
    ]
    await _insert(UserRole, rows, "roles", report)


async def _write_assignments(
    plan: DemoPlan, user_ids: dict[str, int], grid_ids: dict[str, int], report: Progress
) -> None:
    rows = [
        GridAssignment(
            user_id=user_ids[user.phone],
            micro_grid_id=grid_ids[assignment.grid],
            role=assignment.role,
            is_leader=assignment.is_leader,
        )
        for user in plan.users
        for assignment in user.assignments
    ]
    await _insert(GridAssignment, rows, "grid assignments", report)


def _offer_row(merchant_id: int, offer: PlannedOffer) -> Offer:
    ends = (
        None if offer.valid_days is None else datetime.now(UTC) + timedelta(days=offer.valid_days)
    )
    return Offer(
        merchant_id=merchant_id,
        title=offer.title,
        description=offer.description,
        points_price=offer.points_price,
        stock_added=offer.stock,
        remaining=offer.stock,
        per_user_limit=offer.per_user_limit,
        valid_until=ends,
        status=offer.status,
    )


async def _write_merchant(planned: PlannedMerchant, community_id: int, owner_id: int) -> None:
    merchant = await Merchant.create(
        community_id=community_id,
        owner_id=owner_id,
        name=planned.name,
        category=planned.category,
        address=planned.address,
        status=MerchantStatus.ACTIVE,
    )
    await MerchantOperator.create(merchant_id=merchant.id, user_id=owner_id)
    await Account.create(
        community_id=community_id, kind=AccountKind.MERCHANT, merchant_id=merchant.id
    )
    await Offer.bulk_create([_offer_row(merchant.id, offer) for offer in planned.offers])


def _next_saturday_morning(now: datetime) -> datetime:
    local = now.astimezone(CHINA_TIME)
    days_ahead = (4 - local.weekday()) % 7 + 1  # 1 to 7 days on: today's may be over already
    day = local + timedelta(days=days_ahead)
    return day.replace(hour=9, minute=0, second=0, microsecond=0)


async def _write_bulletin(
    plan: DemoPlan, community_id: int, admin_id: int, report: Progress
) -> None:
    notices = [
        Notice(
            community_id=community_id, author_id=admin_id, kind=n.kind, title=n.title, body=n.body
        )
        for n in plan.notices
    ]
    await _insert(Notice, notices, "notices", report)
    # Dated from the load, not fixed: a demo event already in the past could not be joined.
    starts_at = _next_saturday_morning(datetime.now(CHINA_TIME))
    await Event.create(
        community_id=community_id,
        organizer_id=admin_id,
        title="院落环境大扫除",
        description="清理楼道杂物与绿化带垃圾，工具由社区提供。签到即得积分。",
        location="兴蓉社区党群服务中心门口",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=40,
        points_reward=20,
    )
    report("event", 1, 1)


async def _write_plan(plan: DemoPlan, password_hash: str, report: Progress) -> None:
    community = await Community.create(name=COMMUNITY_NAME)
    report("community", 1, 1)
    grid_ids = await _write_grids(plan, community.id, report)
    user_ids = await _write_users(plan, community.id, grid_ids, password_hash, report)
    await _write_roles(plan, user_ids, report)
    await _write_assignments(plan, user_ids, grid_ids, report)
    for done, merchant in enumerate(plan.merchants, start=1):
        await _write_merchant(merchant, community.id, user_ids[merchant.owner_phone])
        report("merchants", done, len(plan.merchants))
    await Account.create(community_id=community.id, kind=AccountKind.POOL)
    await fund_demo_pool(community.id)
    report("points pool", 1, 1)
    await _write_bulletin(plan, community.id, user_ids[plan.admin.phone], report)
    await demo_venues.write_venues(community_id=community.id, report=report)
    # Weeks of activity last, so that it spends from the funded pool and books the venues.
    await demo_activity.write_activity(plan, user_ids, report)


async def load_demo(*, password: str, progress: Progress | None = None) -> DemoSummary:
    """Load the demo community once into the open database; later calls change nothing.

    progress(step, done, total) counts within each step (rows, or merchants for "merchants"),
    ending each step with done == total. Every demo user gets `password`; a later call with
    another password changes no one's.
    """
    plan = build_plan()
    summary = summarize(plan)
    if await Community.exists(name__in=(COMMUNITY_NAME, *PREVIOUS_NAMES)):
        return summary
    report = progress or _ignore_progress
    report("password", 0, 1)
    # One hash for everyone: argon2 costs ~100 ms a hash, two minutes for every demo user.
    password_hash = await hash_password(password)
    report("password", 1, 1)
    try:
        # Nobody is subscribed while the demo is written: its changes are dropped on purpose.
        with outbox.collecting():
            async with in_transaction():
                await _write_plan(plan, password_hash, report)
    except IntegrityError:
        # Another process loaded the demo between the check above and this insert.
        if await Community.exists(name=COMMUNITY_NAME):
            return summary
        raise
    return summary
