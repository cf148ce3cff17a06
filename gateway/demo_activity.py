"""A few weeks of life in the demo community, played through the domain functions (so the
ledger, stock, timelines and waitlists are exactly what real use leaves behind): points
earned and spent, vouchers issued, used and cancelled, reports in every state, suggestions
answered, events including a full one with a waitlist.

The sample resident (the demo's first resident) has some of everything, so every resident
page shows something; the sample merchant (the bakery) has redemptions and a settlement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from community import events, report_workflow, reports, suggestions
from community.people import load_actor
from marketplace import adjustments, redemption, vouchers
from models.actor import Actor
from models.civic import Event, Report
from models.enums import ReportCategory
from models.market import Offer

if TYPE_CHECKING:
    from gateway.demo import DemoPlan

Progress = Callable[[str, int, int], None]
# Demo reports carry no photos, so nothing is written here; the functions want a directory.
NO_MEDIA = Path(".")


class DemoActors:
    """The people the activity acts as, loaded with their roles."""

    def __init__(self, plan: DemoPlan, user_ids: dict[str, int]) -> None:
        self.plan = plan
        self.user_ids = user_ids
        self._cache: dict[str, Actor] = {}

    async def get(self, phone: str) -> Actor:
        if phone not in self._cache:
            actor = await load_actor(self.user_ids[phone])
            assert actor is not None, phone
            self._cache[phone] = actor
        return self._cache[phone]

    async def admin(self) -> Actor:
        return await self.get(self.plan.admin.phone)

    async def resident(self, index: int) -> Actor:
        return await self.get(self.plan.residents[index].phone)

    async def property_manager(self) -> Actor:
        return await self.get(self.plan.property_managers[0].phone)

    async def merchant(self, index: int) -> Actor:
        return await self.get(self.plan.merchants[index].owner_phone)


async def _grant_starting_points(people: DemoActors) -> None:
    admin = await people.admin()
    for index in range(12):
        await adjustments.adjust_points(
            actor=admin,
            user_id=(await people.resident(index)).user_id,
            amount=600 if index == 0 else 300,
            memo="社区志愿服务积分（上月）",
            idempotency_key=f"demo-start-{index}",
        )


async def _offer(title: str) -> Offer:
    return await Offer.get(title=title)


async def _redeem(actor: Actor, title: str, key: str) -> int:
    offer = await _offer(title)
    done = await redemption.redeem_offer(actor=actor, offer_id=offer.id, idempotency_key=key)
    return done.voucher.id


async def _use(merchant: Actor, voucher_id: int) -> None:
    from models.market import Voucher

    voucher = await Voucher.get(id=voucher_id)
    await vouchers.use_voucher(actor=merchant, code=voucher.code)


async def _vouchers(people: DemoActors) -> None:
    sample, bakery = await people.resident(0), await people.merchant(0)
    used = await _redeem(sample, "手工吐司一条", "demo-v-1")
    await _use(bakery, used)
    await _redeem(sample, "生日蛋糕立减券", "demo-v-2")
    cancelled = await _redeem(sample, "盖碗茶一杯", "demo-v-3")
    await vouchers.cancel_voucher(actor=sample, voucher_id=cancelled)
    await _redeem(sample, "土鸡蛋一盒", "demo-v-4")
    for index, title in ((3, "烘焙体验课代金券"), (4, "手工吐司一条"), (5, "中秋月饼礼盒")):
        voucher = await _redeem(await people.resident(index), title, f"demo-v-r{index}")
        await _use(bakery, voucher)
    # The only 限量蛋黄酥 goes to a neighbour: the sample merchant shows a sold-out offer.
    await _redeem(await people.resident(6), "限量蛋黄酥", "demo-v-sold")


async def _report(actor: Actor, category: ReportCategory, text: str, address: str) -> Report:
    return await reports.submit_report(
        actor=actor, category=category, description=text, address=address, media_dir=NO_MEDIA
    )


async def _reports(people: DemoActors) -> None:
    sample, admin, manager = (
        await people.resident(0),
        await people.admin(),
        await people.property_manager(),
    )
    verified = await _report(
        sample,
        ReportCategory.SAFETY_HAZARD,
        "3栋1单元楼道堆放纸箱和旧家具，堵住了消防通道。",
        "桂溪院落3栋1单元",
    )
    await report_workflow.accept_report(
        actor=admin, report_id=verified.id, note="已受理，通知物业清理。"
    )
    await report_workflow.dispatch_report(
        actor=admin, report_id=verified.id, assignee_id=manager.user_id, note="请物业今天内清理。"
    )
    await report_workflow.resolve_report(
        actor=manager, report_id=verified.id, note="杂物已清走，已张贴提示。", media_dir=NO_MEDIA
    )
    await report_workflow.verify_report(
        actor=admin, report_id=verified.id, note="现场核实，通道畅通。"
    )
    dispatched = await _report(
        sample,
        ReportCategory.FACILITY,
        "院落东门路灯连续三晚不亮，晚上出行不安全。",
        "桂溪院落东门",
    )
    await report_workflow.accept_report(actor=admin, report_id=dispatched.id)
    await report_workflow.dispatch_report(
        actor=admin, report_id=dispatched.id, assignee_id=manager.user_id, note="请安排电工检修。"
    )
    await _report(
        sample,
        ReportCategory.SANITATION,
        "垃圾分类点的厨余垃圾桶满了没有清运。",
        "桂溪院落北侧垃圾分类点",
    )
    rejected = await _report(
        sample, ReportCategory.NOISE, "楼上周末白天装修有噪音。", "桂溪院落5栋"
    )
    await report_workflow.reject_report(
        actor=admin, report_id=rejected.id, note="周末白天装修在允许时段内，已提醒业主减少噪音。"
    )
    neighbour = await people.resident(1)
    accepted = await _report(
        neighbour, ReportCategory.SAFETY_HAZARD, "小区围墙有一段出现裂缝。", "锦绣院落西墙"
    )
    await report_workflow.accept_report(actor=admin, report_id=accepted.id)


async def _suggestions(people: DemoActors) -> None:
    sample, admin = await people.resident(0), await people.admin()
    adopted = await suggestions.submit_suggestion(
        actor=sample,
        title="在院落增设电动自行车充电桩",
        body="楼道充电有火灾隐患，建议在院落空地集中设置充电桩。",
    )
    await suggestions.review_suggestion(
        actor=admin, suggestion_id=adopted.id, decision="ADOPT", note="已列入本季度院落改造计划。"
    )
    await suggestions.submit_suggestion(
        actor=sample,
        title="周末开放社区书屋",
        body="希望社区书屋周末也能开放，方便上班族带孩子来看书。",
    )
    declined = await suggestions.submit_suggestion(
        actor=await people.resident(2),
        title="院内空地改成停车位",
        body="停车太难，建议把中心绿地改成停车位。",
    )
    await suggestions.review_suggestion(
        actor=admin,
        suggestion_id=declined.id,
        decision="DECLINE",
        note="绿地须保留；正与周边商场协商错时停车。",
    )


@dataclass(frozen=True, slots=True)
class _DemoEvent:
    title: str
    description: str
    location: str
    days_ahead: int
    length: timedelta
    capacity: int
    points_reward: int
    residents_signing_up: tuple[int, ...]


_EVENTS = (
    _DemoEvent(
        "茶艺体验课（竹韵茶馆）",
        "茶艺师带领体验盖碗茶冲泡，名额有限，满员后可候补。",
        "竹韵茶馆二楼",
        days_ahead=3,
        length=timedelta(hours=2),
        capacity=3,
        points_reward=10,
        residents_signing_up=(1, 2, 3, 4),  # three seats, one on the waitlist
    ),
    _DemoEvent(
        "防范电信诈骗讲座",
        "派出所民警讲解常见诈骗手法，现场答疑。",
        "兴蓉社区党群服务中心多功能厅",
        days_ahead=10,
        length=timedelta(hours=1, minutes=30),
        capacity=80,
        points_reward=5,
        residents_signing_up=(0,),
    ),
)


async def _events(people: DemoActors) -> None:
    admin = await people.admin()
    now = datetime.now().astimezone()
    for planned in _EVENTS:
        starts = now + timedelta(days=planned.days_ahead)
        event = await Event.create(
            community_id=admin.community_id,
            organizer_id=admin.user_id,
            title=planned.title,
            description=planned.description,
            location=planned.location,
            starts_at=starts,
            ends_at=starts + planned.length,
            capacity=planned.capacity,
            points_reward=planned.points_reward,
        )
        for index in planned.residents_signing_up:
            await events.sign_up(actor=await people.resident(index), event_id=event.id)


async def write_activity(plan: DemoPlan, user_ids: dict[str, int], report: Progress) -> None:
    people = DemoActors(plan, user_ids)
    steps = (_grant_starting_points, _vouchers, _reports, _suggestions, _events)
    for done, step in enumerate(steps, start=1):
        await step(people)
        report("activity", done, len(steps))
