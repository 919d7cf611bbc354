"""What happens to each demo case (``Plan``) and the quotas that give the demo year seed 000's KPIs.

Seed 000 reports, for 元宝区 since the platform started: 受理 8,879, 办结 8,128, 群众满意度 95 %. At
scale 1 the demo district's year has exactly those figures as ``analytics.kpis`` counts them (受理 =
accepted, 办结 = resolved, 满意率 = satisfied or basically satisfied among the rated), and at any
scale the same shape (``case_targets``). Random rolls give each plan its texture (channel, topic,
delays, extensions, follow-up calls); ``settle`` then decides by quota the fates the counts depend on:

- the cases of the last ``PENDING_HOURS`` wait for acceptance at the demo's end; on top of them exactly
  enough plans are rejected or merged that the rest, the accepted ones, number ``accepted``;
- the accepted cases of the last ``OPEN_TAIL_DAYS`` are still being handled at the end, and just
  enough older ones are stuck (never resolved: the sweep marks their breach and escalates) that
  ``accepted − resolved`` stay open;
- every other accepted case must finish: after ``end − PLAIN_DAYS`` no plan gets a slow fate (late,
  extended, returned, failed review, reopened) and each resolves by ``finish_by``;
- merges join a case that stays open, so a merge never finds its main case finished;
- ``unsatisfied_share`` of the rated cases end 不满意 (rated unsatisfied until no reopen is left).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from dangqun.accounts.models import User
from dangqun.cases.enums import CaseChannel, Satisfaction
from dangqun.cases.models import Category
from dangqun.demo.case_topics import Topic
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

ACCEPTED_AT_SCALE_1 = 8_879  # seed 000: 受理
RESOLVED_AT_SCALE_1 = 8_128  # seed 000: 办结
SATISFACTION_RATE = 0.95  # seed 000: 群众满意度
MIN_ACCEPTED = 60  # a tiny demo still shows every path
NOT_ACCEPTED_SHARE = 0.035  # rejected or merged, on top of the accepted cases
PENDING_HOURS = 6  # submitted this close to the end: not accepted yet
OPEN_TAIL_DAYS = 20  # accepted this close to the end: still being handled
PLAIN_DAYS = 75  # no slow fate this close to the end, so every other case finishes
FINISH_MARGIN = dt.timedelta(days=2)  # a plain case resolves at least this long before the end
MERGE_WINDOW = dt.timedelta(days=3)

GRID_CHANNELS = frozenset({CaseChannel.GRID_WORKER, CaseChannel.PROACTIVE})
CITIZEN_CHANNELS = frozenset({CaseChannel.APP, CaseChannel.WEB})


@dataclass(frozen=True)
class Targets:
    """The demo year's figures at one scale: counted by ``analytics.kpis`` after the seed."""

    accepted: int
    resolved: int
    submitted: int
    unsatisfied_share: float = 1 - SATISFACTION_RATE

    @property
    def still_open(self) -> int:
        return self.accepted - self.resolved


def case_targets(scale: float) -> Targets:
    accepted = max(MIN_ACCEPTED, round(ACCEPTED_AT_SCALE_1 * scale))
    resolved = round(accepted * RESOLVED_AT_SCALE_1 / ACCEPTED_AT_SCALE_1)
    submitted = accepted + max(2, round(accepted * NOT_ACCEPTED_SHARE))
    return Targets(accepted=accepted, resolved=resolved, submitted=submitted)


@dataclass
class Place:
    text: str  # "和谐小区3号楼"
    address: str  # the full address
    point: tuple[float, float]


@dataclass
class Plan:
    index: int
    rng: random.Random
    t0: dt.datetime
    topic: Topic
    category: Category | None
    channel: str
    case_type: str
    priority: str
    grid: Region
    community: Region
    street: Region
    place: Place
    title: str
    description: str
    result: str
    creator: User
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    located: bool = True
    reject: bool = False
    merge_into: Plan | None = None
    on_spot: bool = False
    misroute: Department | None = None
    late_sign: bool = False
    late_resolve: bool = False
    extension: bool = False
    stuck: bool = False
    review_fail: bool = False
    rated: bool = True
    follow_up: bool = False
    unsatisfied_first: bool = False
    unsatisfied_last: bool = False  # rated 不满意 until no reopen is left: closes unsatisfied
    satisfaction: str = Satisfaction.SATISFIED
    pending: bool = False  # submitted at the very end: nobody accepted it yet
    finish_by: dt.datetime | None = None  # resolve no later than this (plain cases near the end)
    case_id: int | None = None
    followers: list[Plan] = field(default_factory=list)

    @property
    def by_citizen(self) -> bool:
        return self.channel in CITIZEN_CHANNELS

    @property
    def public(self) -> bool:
        return self.channel not in GRID_CHANNELS

    def make_plain(self, finish_by: dt.datetime) -> None:
        self.late_sign = self.late_resolve = self.extension = self.review_fail = False
        self.unsatisfied_first = self.unsatisfied_last = False
        self.misroute = None
        self.finish_by = finish_by


def settle(plans: list[Plan], targets: Targets, end: dt.datetime, rng: random.Random) -> None:
    """Decide the fates the KPIs depend on (see the module docstring); ``plans`` are in time order."""
    for plan in plans:
        plan.reject, plan.stuck, plan.merge_into = False, False, None
        plan.pending = plan.t0 >= end - dt.timedelta(hours=PENDING_HOURS)
    live = [p for p in plans if not p.pending]
    not_accepted = max(0, len(plans) - targets.accepted - (len(plans) - len(live)))
    tail_start = end - dt.timedelta(days=OPEN_TAIL_DAYS)
    tail = [p for p in live if p.t0 >= tail_start and not p.on_spot][-targets.still_open :]
    tail_set = {p.index for p in tail} if targets.still_open else set()
    older = [p for p in live if p.t0 < tail_start and not p.on_spot]
    stuck = rng.sample(older, min(len(older), max(0, targets.still_open - len(tail_set))))
    for plan in [*(p for p in live if p.index in tail_set), *stuck]:
        plan.stuck = True
    open_mains: dict[tuple[str, int], list[Plan]] = defaultdict(list)
    merges = 0
    for plan in live:
        key = (plan.topic.key, plan.community.pk)
        if plan.stuck:
            open_mains[key].append(plan)
            continue
        mains = [m for m in open_mains[key] if plan.t0 - m.t0 < MERGE_WINDOW and m.public]
        if plan.public and mains and merges < not_accepted // 2 and rng.random() < 0.5:
            plan.merge_into = mains[-1]
            mains[-1].followers.append(plan)
            merges += 1
    candidates = [
        p for p in live if p.public and not p.stuck and p.merge_into is None and p.case_type != "praise"
    ]
    for plan in rng.sample(candidates, min(len(candidates), not_accepted - merges)):
        plan.reject = True
    _settle_finishing(live, end, rng, targets)


def _settle_finishing(live: list[Plan], end: dt.datetime, rng: random.Random, targets: Targets) -> None:
    """Plain fates near the end; the quota of cases that end 不满意 among the rated."""
    plain_start = end - dt.timedelta(days=PLAIN_DAYS)
    handled = [p for p in live if not (p.reject or p.merge_into or p.stuck)]
    for plan in handled:
        if plan.t0 >= plain_start:
            plan.make_plain(end - FINISH_MARGIN)
    rated = [p for p in handled if p.rated]
    slow = [p for p in rated if p.finish_by is None and not p.on_spot]
    for plan in rng.sample(slow, min(len(slow), round(len(rated) * targets.unsatisfied_share))):
        plan.unsatisfied_first = plan.review_fail = plan.follow_up = False
        plan.unsatisfied_last = True
        plan.satisfaction = Satisfaction.UNSATISFIED
