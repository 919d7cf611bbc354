"""The demo's 结对帮扶 and 党员召集 (``dangqun.partywork``), anchored to today: every unit branch paired
with a household in need (双千), some of its members paired one to one, the persona branch's members
(the ``party_member`` persona among them) paired with households of their compound and one with a
困难党员 (挂包); a year of quarterly visits, some pairings overdue. A call-out of the persona community
in progress (the personas still to answer) and one closed last month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dangqun.accounts.models import Role, User
from dangqun.core import clock
from dangqun.demo.build_accounts import persona_branch
from dangqun.demo.context import SeedContext
from dangqun.demo.personas import PERSONA_BY_USERNAME
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.partywork.callout_services import callout_audience
from dangqun.partywork.models import (
    CallOut,
    CallOutReply,
    CallOutStatus,
    Pairing,
    PairingKind,
    PairingVisit,
    PartyBadge,
    ReplyStatus,
)
from dangqun.partywork.pairing_services import NEED_TAGS
from dangqun.registry.models import Household

OVERDUE_SHARE = 0.15
STAFF_MEMBER_SHARE = 0.4  # of the grid workers and leaders, party members (their branch's)
BADGE_SHARE = 0.8  # of those, the ones who show the party badge (亮身份)
MEMBER_PAIRED_SHARE = 0.35  # of the unit branches, some members paired one to one as well
FOUND = (
    "老人腿脚不便,冬季取暖煤不足",
    "家中孩子上学需要学习用品",
    "低保年审材料尚未准备齐全",
    "老旧电线存在安全隐患",
    "就医报销流程不清楚",
    "家庭成员就业意愿强,缺少技能",
    "生活基本稳定,身体状况良好",
)
HELP = (
    ("送去米面油和取暖煤", "米面油、取暖煤"),
    ("购买学习用品,联系社区四点半课堂", "书包、文具"),
    ("协助准备低保年审材料并代为提交", ""),
    ("联系物业更换老旧电线", ""),
    ("陪同办理医保报销", ""),
    ("推荐参加技能培训,对接用工岗位", ""),
    ("嘘寒问暖,了解近期需求", "慰问品"),
)


class PairingSeeder:
    def __init__(self, ctx: SeedContext, root: str) -> None:
        self.ctx = ctx
        self.tree = RegionTree.load()
        self.today = clock.local_today()
        self.root = root
        self.pairings: list[Pairing] = []

    def run(self) -> None:
        households = list(
            Household.objects.filter(
                grid__path__subtree=self.tree.district.path, residents__tags__code__in=NEED_TAGS
            )
            .distinct()
            .order_by("code")
            .values_list("pk", "grid__path")
        )
        if not households:
            return
        self.persona_branch(households)
        used = {p.household_id for p in self.pairings}
        rest = [pk for pk, _path in households if pk not in used]
        self.ctx.rng("pairing-households").shuffle(rest)  # the unit branches' households, district-wide
        self.unit_branches(rest)
        self.ctx.insert(Pairing, self.pairings, label="pairings")
        self.visits()
        self.callouts()
        self.badges()

    def _pairing(self, kind: str, org: PartyOrg, **target: object) -> None:
        rng = self.ctx.rng("pairing", org.code, len(self.pairings))
        self.pairings.append(
            Pairing(
                kind=kind,
                org=org,
                every_days=90 if kind != PairingKind.CADRE_LINK else 60,
                started_on=self.today - dt.timedelta(days=rng.randint(200, 1000)),
                **target,
            )
        )

    def unit_branches(self, households: list[int]) -> None:
        """双千: each unit branch with one household; some members paired one to one."""
        units = list(
            PartyOrg.objects.filter(
                path__subtree=self.root, region__isnull=True, is_active=True, kind="branch"
            ).order_by("path")
        )
        members: dict[int, list[int]] = {}
        for org_id, pk in PartyMember.objects.filter(
            party_org__in=units, status=MemberStatus.ACTIVE, user__isnull=True
        ).values_list("party_org_id", "pk"):
            members.setdefault(org_id, []).append(pk)
        rng = self.ctx.rng("pairing-units")
        free = iter(households)
        for org in units:
            household = next(free, None)
            if household is None:
                return
            self._pairing(PairingKind.DOUBLE_THOUSAND, org, household_id=household)
            if rng.random() < MEMBER_PAIRED_SHARE and members.get(org.pk):
                for member_id in members[org.pk][: rng.randint(1, 2)]:
                    household = next(free, None)
                    if household is None:
                        return
                    self._pairing(PairingKind.ASSIST, org, household_id=household, member_id=member_id)

    def persona_branch(self, households: list[tuple[int, str]]) -> None:
        """The persona branch: its members with households of the compound (the persona first), and a
        member 挂包 an older 困难党员 of the branch."""
        branch = persona_branch(self.tree)
        region = branch.region
        near = [pk for pk, path in households if region and path.startswith(region.path)]
        members = list(
            PartyMember.objects.filter(
                party_org__path__subtree=branch.path, status=MemberStatus.ACTIVE
            ).order_by("user_id", "birth_date", "pk")
        )
        persona = next((m for m in members if m.user_id), None)
        others = [m for m in members if m is not persona]
        visitors = ([persona] if persona else []) + others[:2]
        for member, household in zip(visitors, near, strict=False):
            self._pairing(PairingKind.ASSIST, branch, household_id=household, member=member)
        oldest = sorted((m for m in others if m.birth_date), key=lambda m: m.birth_date or self.today)
        if len(oldest) > 3:
            self._pairing(PairingKind.CADRE_LINK, branch, hardship_member=oldest[0], member=others[-1])

    def visits(self) -> None:
        rows: list[PairingVisit] = []
        last: list[Pairing] = []
        for p in self.pairings:
            rng = self.ctx.rng("pairing-visits", p.pk)
            stop = self.today
            if rng.random() < OVERDUE_SHARE:
                stop = self.today - dt.timedelta(days=p.every_days + rng.randint(10, 60))
            day = max(p.started_on, self.today - dt.timedelta(days=365)) + dt.timedelta(
                days=rng.randint(5, 30)
            )
            while day <= stop:
                k = rng.randrange(len(FOUND))
                help_given, goods = HELP[k]
                money = Decimal(rng.choice((0, 0, 200, 300, 500, 800, 1000)))
                rows.append(
                    PairingVisit(
                        pairing=p, visited_on=day, found=FOUND[k], help_given=help_given, money=money,
                        goods=goods, problems_solved=rng.choice((0, 1, 1, 1, 2, 3)),
                    )
                )  # fmt: skip
                p.last_visit_on = day
                day += dt.timedelta(days=p.every_days - rng.randint(0, 20))
            last.append(p)
        self.ctx.insert(PairingVisit, rows, label="pairing_visits")
        Pairing.objects.bulk_update(last, ["last_visit_on"], batch_size=500)

    def callouts(self) -> None:
        community = self.tree.persona_community()
        org = PartyOrg.objects.filter(region=community).first()
        if org is None:
            return
        audience = callout_audience(org)
        tomorrow = self.today + dt.timedelta(days=1)
        live, past = self.ctx.insert(
            CallOut,
            [
                CallOut(
                    org=org, title="雪后清扫小区主干道积雪", place=f"{community.name}各小区主干道",
                    detail="自带扫帚、铁锹,注意防滑", starts_at=_at(tomorrow, 7), ends_at=_at(tomorrow, 10),
                    needed=max(6, len(audience) // 4),
                ),
                CallOut(
                    org=org, title="帮助困难户搬运过冬物资", place=f"{community.name}党群服务站",
                    starts_at=_at(self.today - dt.timedelta(days=30), 9),
                    ends_at=_at(self.today - dt.timedelta(days=30), 12), needed=10,
                    status=CallOutStatus.CLOSED, closed_at=_at(self.today - dt.timedelta(days=30), 12),
                ),
            ],
            label="callouts",
        )  # fmt: skip
        rng = self.ctx.rng("callout-replies")
        rows: list[CallOutReply] = []
        coming = {live.pk: 0, past.pk: 0}
        for callout in (live, past):
            for m in audience:
                status: str = ReplyStatus.INVITED
                roll = rng.random()
                if m.user_id is None and coming[callout.pk] < callout.needed - 2 and roll < 0.45:
                    status = ReplyStatus.ACCEPTED
                    coming[callout.pk] += 1
                elif m.user_id is None and roll < 0.6:
                    status = ReplyStatus.DECLINED
                replied = None if status == ReplyStatus.INVITED else timezone.now()
                rows.append(CallOutReply(callout=callout, member=m, status=status, replied_at=replied))
        self.ctx.insert(CallOutReply, rows, label="callout_replies")

    def badges(self) -> None:
        """亮身份: some grid workers and leaders (not the personas) are party members of their compound's
        branch; most of them chose to show the badge on their work."""
        staff = list(
            User.objects.filter(
                memberships__role__in=[Role.GRID_WORKER, Role.GRID_LEADER],
                memberships__region__path__startswith=self.tree.district.path,
                party_member__isnull=True,
            )
            .exclude(username__in=PERSONA_BY_USERNAME)
            .values_list("pk", "display_name", "memberships__region__parent_id")
            .distinct()
            .order_by("pk")
        )
        rng = self.ctx.rng("party-badges")
        branches = dict(
            PartyOrg.objects.filter(
                region_id__in={c for *_r, c in staff}, kind__in=["branch", "general_branch"]
            ).values_list("region_id", "pk")
        )
        linked: list[PartyMember] = []
        for user_id, name, compound in staff:
            branch = branches.get(compound)
            if branch is None or rng.random() > STAFF_MEMBER_SHARE:
                continue
            member = (
                PartyMember.objects.filter(party_org_id=branch, user__isnull=True, status=MemberStatus.ACTIVE)
                .exclude(pk__in=[m.pk for m in linked])
                .order_by("pk")
                .first()
            )
            if member is None:
                continue
            member.user_id, member.name = user_id, name
            linked.append(member)
        PartyMember.objects.bulk_update(linked, ["user", "name"], batch_size=500)
        self.ctx.insert(
            PartyBadge,
            [PartyBadge(member=m, shown=rng.random() < BADGE_SHARE) for m in linked],
            label="party_badges",
        )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_pairing(ctx: SeedContext, root: str) -> None:
    """Pairings with a year of visits, and call-outs, under the district's party tree ``root``."""
    PairingSeeder(ctx, root).run()


def delete_pairing(under: str, deleted: dict[str, int]) -> None:
    for label, qs in (
        ("party_badges", PartyBadge.objects.filter(member__party_org__path__subtree=under)),
        ("callout_replies", CallOutReply.objects.filter(callout__org__path__subtree=under)),
        ("callouts", CallOut.objects.filter(org__path__subtree=under)),
        ("pairing_visits", PairingVisit.objects.filter(pairing__org__path__subtree=under)),
        ("pairings", Pairing.objects.filter(org__path__subtree=under)),
    ):
        count, _ = qs.delete()
        deleted[label] = deleted.get(label, 0) + count
