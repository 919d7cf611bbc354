"""What happens to each demo case (``Plan``) and the quotas that give the demo year seed 000's KPIs.

Seed 000 reports, for 元宝区 since the platform started: 受理 8,879, 办结 8,128, 群众满意度 95 %. At
scale 1 the demo district's year has exactly those figures as ``analytics.kpis`` counts them (受理 =
accepted, 办结 = resolved, 满意率 = satisfied or basically satisfied among the rated), and at any
scale the same shape (``case_targets``). Random rolls give each plan its texture (channel, topic,
delays, extensions, follow-up calls); ``settle`` then decides by quota the fates the counts depend on:

- the cases of the last ``PENDING_HOURS`` wait for acceptance at the demo's end; on top of them exactly
  enough plans are rejected or merged that the rest, the accepted ones, number ``accepted``;
- ``accepted − resolved`` cases are still being handled at the end, and their deadline lights look
  like a working district's (most green, some yellow, a few red): the latest cases still within their
  deadline (``recent``); a few older ones past it (``overdue``, ``OVERDUE_SHARE``: the sweep marks their
  breach and escalates, the leader supervises some); the rest older cases of the last weeks whose units
  asked for and were granted more time (``extended``: the harder problems);
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
OVERDUE_SHARE = 0.08  # of the cases open at the end: past their deadline (red lights)
EXTENDED_DAYS = (5, 35)  # open cases granted more time were submitted this many days before the end
OVERDUE_AFTER_DAYS = 7  # an overdue open case was submitted at least this long before the end
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
    stuck: bool = False  # still being handled at the end (never resolved in the demo)
    open_kind: str = ""  # why it is open: "recent", "extended" or "overdue" (``settle``)
    resolve_days: float = 5.0  # its deadline in working days (the SLA of its category and priority)
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


def settle(
    plans: list[Plan],
    targets: Targets,
    end: dt.datetime,
    rng: random.Random,
    split: dt.datetime | None = None,
) -> None:
    """Decide the fates the KPIs depend on (see the module docstring); ``plans`` are in time order.
    No merge joins cases on both sides of ``split`` (the moment a first run's recent cases start)."""
    for plan in plans:
        plan.reject, plan.stuck, plan.merge_into, plan.open_kind = False, False, None, ""
        plan.pending = plan.t0 >= end - dt.timedelta(hours=PENDING_HOURS)
    live = [p for p in plans if not p.pending]
    not_accepted = max(0, len(plans) - targets.accepted - (len(plans) - len(live)))
    for plan in _open_at_end(live, targets.still_open, end, rng):
        plan.stuck = True
    open_mains: dict[tuple[str, int], list[Plan]] = defaultdict(list)
    merges = 0
    for plan in live:
        key = (plan.topic.key, plan.community.pk)
        if plan.stuck:
            open_mains[key].append(plan)
            continue
        mains = [
            m
            for m in open_mains[key]
            if plan.t0 - m.t0 < MERGE_WINDOW
            and m.public
            and (split is None or (m.t0 < split) == (plan.t0 < split))
        ]
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


def _open_at_end(live: list[Plan], count: int, end: dt.datetime, rng: random.Random) -> list[Plan]:
    """The ``count`` cases still being handled at the end, each with its ``open_kind``."""
    day = dt.timedelta(days=1)
    handled = [p for p in live if not p.on_spot]
    # within its deadline: fewer calendar days old than its working days (weekends included)
    recent = (
        [p for p in handled if end - p.t0 < day * max(1.0, p.resolve_days * 1.2)][-count:] if count else []
    )
    chosen = {p.index for p in recent}
    overdue_quota = min(round(count * OVERDUE_SHARE), count - len(recent))
    extended_pool = [
        p
        for p in handled
        if p.index not in chosen and end - day * EXTENDED_DAYS[1] <= p.t0 < end - day * EXTENDED_DAYS[0]
    ]
    extended = rng.sample(extended_pool, min(len(extended_pool), count - len(recent) - overdue_quota))
    chosen |= {p.index for p in extended}
    overdue_pool = [p for p in handled if p.index not in chosen and p.t0 < end - day * OVERDUE_AFTER_DAYS]
    overdue = rng.sample(overdue_pool, min(len(overdue_pool), count - len(chosen)))
    for kind, group in (("recent", recent), ("extended", extended), ("overdue", overdue)):
        for plan in group:
            plan.open_kind = kind
    return [*recent, *extended, *overdue]


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
