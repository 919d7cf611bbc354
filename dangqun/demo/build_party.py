"""Stage 4: party members. Residents flagged as party members join the branch of their compound
(or their village's branch) and one of its 党小组; resident units and departments get members who
work there. Stage 6 (after the accounts): the party member persona's record, a year of meetings and
the transfers, anchored to today."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.demo import identifiers, names
from dangqun.demo.build_accounts import persona_branch
from dangqun.demo.context import DISTRICT_CODE, REFERENCE_DATE, SeedContext, add_years, random_birth_date
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind
from dangqun.party.dates import add_months
from dangqun.party.dues import dues_rate, month_start, shift_month
from dangqun.party.meeting_rules import BRANCH_KINDS, DUE_EVERY, Period, kinds_for, periods
from dangqun.party.models import (
    Development,
    DevelopmentStage,
    DuesBase,
    DuesCategory,
    DuesPayment,
    LeaveReason,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MemberStatus,
    OrgStaffing,
    PartyMember,
    PaymentMethod,
    Term,
    Transfer,
    TransferStatus,
)
from dangqun.party.terms import TERM_YEARS
from dangqun.registry.models import Business, Institution, Resident

PROBATIONARY_RATE = 0.08
_EDUCATION = ("初中及以下", "高中/中专", "大专", "大学本科", "研究生")
_EDUCATION_WEIGHTS = {0: (45, 35, 12, 8, 0), 1: (20, 35, 25, 18, 2), 2: (4, 14, 30, 44, 8)}


def education(rng: random.Random, birth_year: int) -> str:
    cohort = 0 if birth_year < 1960 else 1 if birth_year < 1980 else 2
    return rng.choices(_EDUCATION, weights=_EDUCATION_WEIGHTS[cohort])[0]


def joined(rng: random.Random, birth_date: dt.date) -> tuple[dt.date, bool]:
    """(joined_on, is_probationary): probationary members joined within the last year; everyone
    joined at 18 or later."""
    adult = add_years(birth_date, 18)
    last_year = REFERENCE_DATE - dt.timedelta(days=364)
    if rng.random() < PROBATIONARY_RATE or adult >= last_year:
        start = max(adult, last_year)
        return start + dt.timedelta(days=rng.randrange((REFERENCE_DATE - start).days + 1)), True
    full_until = last_year - dt.timedelta(days=1)
    # Most join between 20 and 40.
    earliest = add_years(adult, 2)
    latest = min(full_until, add_years(adult, 22))
    if latest < earliest:
        earliest, latest = adult, full_until
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1)), False


_ETHNICITIES = ("汉族", "满族", "朝鲜族", "蒙古族", "回族")
_ETHNICITY_WEIGHTS = (80, 15, 3, 1, 1)  # Dandong: a large Manchu minority, a Korean one by the river
_TOWN_JOBS = ("工人", "企事业单位管理人员", "专业技术人员", "党政机关工作人员", "其他职业")
_TOWN_JOB_WEIGHTS = (30, 20, 25, 10, 15)
_UNIT_JOBS = ("专业技术人员", "企事业单位管理人员", "工人")
_UNIT_JOB_WEIGHTS = (45, 30, 25)


def profile(rng: random.Random, birth_date: dt.date, *, village: bool, unit: str = "") -> tuple[str, str]:
    """(ethnicity, occupation) as the 党内统计年报 counts them: retirees past 60, farmers in the
    villages, students under 23, the working trades in town; ``unit`` members work at their unit."""
    ethnicity = rng.choices(_ETHNICITIES, weights=_ETHNICITY_WEIGHTS)[0]
    age = (REFERENCE_DATE - birth_date).days // 365
    if unit == "department":
        occupation = "党政机关工作人员"
    elif unit:
        occupation = rng.choices(_UNIT_JOBS, weights=_UNIT_JOB_WEIGHTS)[0]
    elif age >= 60:
        occupation = "离退休人员"
    elif age < 23:
        occupation = "学生"
    elif village and rng.random() < 0.7:
        occupation = "农牧渔民"
    else:
        occupation = rng.choices(_TOWN_JOBS, weights=_TOWN_JOB_WEIGHTS)[0]
    return ethnicity, occupation


class PartySeeder:
    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        orgs = list(PartyOrg.objects.filter(path__subtree=f"/P{DISTRICT_CODE}/").order_by("path"))
        self.org_by_region = {o.region_id: o for o in orgs if o.region_id and o.kind != PartyOrgKind.GROUP}
        self.groups: dict[int, list[PartyOrg]] = {}
        for org in orgs:
            if org.kind == PartyOrgKind.GROUP and org.parent_id:
                self.groups.setdefault(org.parent_id, []).append(org)
        self.unit_branches = [o for o in orgs if o.region_id is None]
        self.sizes = self._unit_sizes()
        self.department_branches = set(
            Department.objects.filter(party_org__isnull=False).values_list("party_org_id", flat=True)
        )
        self.ids = identifiers.IdNumberAllocator()
        self.ids.reserve(
            Resident.objects.filter(grid__path__subtree=tree.district.path).values_list(
                "id_number", flat=True
            )
        )

    def branch_for_grid(self, grid_id: int) -> PartyOrg:
        """The compound's branch, or the village's branch for a village grid."""
        grid = self.tree.by_id[grid_id]
        parent = self.tree.by_id[grid.parent_id or 0]
        return self.org_by_region[parent.pk]

    def is_village_grid(self, grid_id: int) -> bool:
        grid = self.tree.by_id[grid_id]
        return self.tree.is_village(self.tree.by_id[grid.parent_id or 0])

    def group_for(self, rng: random.Random, branch: PartyOrg) -> PartyOrg | None:
        """Every member of a branch with 党小组 belongs to one of them."""
        groups = self.groups.get(branch.pk)
        return rng.choice(groups) if groups else None

    def run(self) -> None:
        members: list[PartyMember] = []
        residents = (
            Resident.objects.filter(grid__path__subtree=self.tree.district.path, is_party_member=True)
            .only("pk", "grid_id", "name", "gender", "birth_date", "id_number", "phone", "work_unit")
            .order_by("pk")
        )
        for resident in residents.iterator(chunk_size=5000):
            assert resident.birth_date is not None  # noqa: S101 - the seed sets every birth date
            rng = self.ctx.rng("member", resident.id_number)
            joined_on, probationary = joined(rng, resident.birth_date)
            branch = self.branch_for_grid(resident.grid_id)
            ethnicity, occupation = profile(
                self.ctx.rng("member-profile", resident.id_number),
                resident.birth_date,
                village=self.is_village_grid(resident.grid_id),
            )
            members.append(
                PartyMember(
                    party_org=branch,
                    party_group=self.group_for(rng, branch),
                    resident=resident,
                    name=resident.name,
                    gender=resident.gender,
                    birth_date=resident.birth_date,
                    id_number=resident.id_number,
                    phone=resident.phone,
                    education=education(rng, resident.birth_date.year),
                    joined_on=joined_on,
                    is_probationary=probationary,
                    work_unit=resident.work_unit,
                    ethnicity=ethnicity,
                    occupation=occupation,
                )
            )
        for branch in self.ctx.progress(self.unit_branches, "党员"):
            members.extend(self._working_members(branch))
        self.ctx.insert(PartyMember, members)

    def _working_members(self, branch: PartyOrg) -> list[PartyMember]:
        rng = self.ctx.rng("unit-members", branch.code)
        profile_rng = self.ctx.rng("unit-member-profiles", branch.code)
        unit = "department" if branch.pk in self.department_branches else "unit"
        unit_name = branch.short_name.removesuffix("党支部")
        size = self.sizes.get(branch.pk, 20)
        rows = []
        for _ in range(max(3, min(45, round(size * rng.uniform(0.15, 0.35))))):
            gender = "M" if rng.random() < 0.55 else "F"
            birth = random_birth_date(rng, rng.randint(24, 59))
            joined_on, probationary = joined(rng, birth)
            ethnicity, occupation = profile(profile_rng, birth, village=False, unit=unit)
            area = DISTRICT_CODE if rng.random() < 0.7 else rng.choice(identifiers.LIAONING_AREA_CODES)
            rows.append(
                PartyMember(
                    party_org=branch,
                    name=names.person_name(rng, gender=gender, birth_year=birth.year),
                    gender=gender,
                    birth_date=birth,
                    id_number=self.ids.allocate(rng, area_code=area, birth_date=birth, gender=gender),
                    phone=identifiers.mobile(rng),
                    education=education(rng, birth.year),
                    joined_on=joined_on,
                    is_probationary=probationary,
                    work_unit=unit_name,
                    ethnicity=ethnicity,
                    occupation=occupation,
                )
            )
        return rows

    @staticmethod
    def _unit_sizes() -> dict[int, int]:
        """Head-count of the unit behind each unit or department branch."""
        sizes: dict[int, int] = dict(
            Institution.objects.filter(party_org__isnull=False).values_list("party_org_id", "staff_count")
        )
        sizes.update(
            Business.objects.filter(party_org__isnull=False).values_list("party_org_id", "employees")
        )
        for org_id in Department.objects.filter(party_org__isnull=False).values_list(
            "party_org_id", flat=True
        ):
            sizes[org_id] = 60
        return sizes


def seed_party_members(ctx: SeedContext, tree: RegionTree) -> None:
    PartySeeder(ctx, tree).run()


# --- stage 6: organisational life and transfers -------------------------------------------------------

_TOPICS: dict[str, tuple[str, ...]] = {
    MeetingKind.ASSEMBLY: (
        "学习贯彻党的二十届四中全会精神",
        "讨论发展党员和预备党员转正",
        "通报季度支部工作",
    ),
    MeetingKind.COMMITTEE: ("研究本月支部工作安排", "研究党费收缴和困难党员帮扶", "研究小区治理议题"),
    MeetingKind.GROUP: ("学习习近平新时代中国特色社会主义思想", "交流楼栋服务情况", "开展谈心谈话"),
    MeetingKind.LECTURE: ("书记讲党课:践行初心使命", "党史学习教育专题党课", "基层治理中的党员先锋作用"),
    MeetingKind.THEME_DAY: ("志愿服务进小区", "重温入党誓词", "环境整治义务劳动", "走访慰问困难群众"),
    MeetingKind.LIFE_MEETING: ("年度组织生活会:对照检查、批评与自我批评",),
    MeetingKind.REVIEW: ("年度民主评议党员",),
}
_ABSENCE_REASONS = ("外出务工", "病假", "出差", "照顾家人", "年老体弱")
_HOURS = (9, 10, 14, 15, 19)
ATTENDANCE_DAYS = 92  # attendance rows for the last quarter's meetings (older ones keep the counts)
PERSONA_MEMBER_AGE = 34
# The persona member and the newly admitted members were born in Beijing: an area code no other seeded
# person has, so their ID numbers are unique without reading the district's.
NEW_MEMBER_AREA = "110105"


class PartyLifeSeeder:
    """Members for the party member persona, a year of meetings (most branches on schedule, some
    behind), and transfers: some accepted, some returned, some in flight (two at the persona branch)."""

    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        self.today = clock.local_today()
        self.now = clock.now()
        self.branch = persona_branch(tree)
        self.persona_member_pk = 0
        self.ids = identifiers.IdNumberAllocator()
        root = f"/P{DISTRICT_CODE}/"
        self.orgs = list(
            PartyOrg.objects.filter(
                path__subtree=root, is_active=True, kind__in=[*BRANCH_KINDS, PartyOrgKind.GROUP]
            ).order_by("path")
        )
        self.by_branch: dict[int, list[int]] = {}
        self.by_group: dict[int, list[int]] = {}
        rows = PartyMember.objects.filter(party_org__path__subtree=root, status=MemberStatus.ACTIVE)
        for pk, org_id, group_id in rows.order_by("pk").values_list("pk", "party_org_id", "party_group_id"):
            self.by_branch.setdefault(org_id, []).append(pk)
            if group_id:
                self.by_group.setdefault(group_id, []).append(pk)

    def run(self) -> None:
        self.persona_member()
        self.meetings()
        self.transfers()
        self.development()
        self.dues()
        self.vacancies()
        self.profiles()
        self.leavers()
        self.terms()

    def persona_member(self) -> None:
        user = User.objects.get(username="party_member")
        rng = self.ctx.rng("party-member-persona")
        birth = random_birth_date(rng, PERSONA_MEMBER_AGE)
        groups = [o for o in self.orgs if o.parent_id == self.branch.pk]
        (member,) = self.ctx.insert(
            PartyMember,
            [
                PartyMember(
                    party_org=self.branch,
                    party_group=groups[0] if groups else None,
                    user=user,
                    name=user.display_name,
                    gender="M",
                    birth_date=birth,
                    id_number=self.ids.allocate(rng, area_code=NEW_MEMBER_AREA, birth_date=birth, gender="M"),
                    phone=user.phone,
                    education="大学本科",
                    joined_on=add_years(birth, 24),
                    work_unit=self.branch.short_name.removesuffix("党支部"),
                )
            ],
        )
        self.persona_member_pk = member.pk
        self.by_branch.setdefault(self.branch.pk, []).append(member.pk)
        if groups:
            self.by_group.setdefault(groups[0].pk, []).append(member.pk)

    def _held_at(self, rng: random.Random, period: Period) -> dt.datetime | None:
        last = min(period.end, self.today - dt.timedelta(days=1))
        if last < period.start:
            return None
        day = period.start + dt.timedelta(days=rng.randrange((last - period.start).days + 1))
        tz = timezone.get_current_timezone()
        return dt.datetime(day.year, day.month, day.day, rng.choice(_HOURS), 0, tzinfo=tz)

    def meetings(self) -> None:
        meetings: list[Meeting] = []
        rolls: list[list[tuple[int, bool, str]]] = []
        year = self.today.year
        for org in self.orgs:
            branch_code = org.code if org.kind in BRANCH_KINDS else org.path.strip("/").split("/")[-2]
            diligent = self.ctx.rng("diligence", branch_code).random() < 0.8
            rng = self.ctx.rng("meetings", org.code)
            members = (
                self.by_group.get(org.pk, [])
                if org.kind == PartyOrgKind.GROUP
                else self.by_branch.get(org.pk, [])
            )
            for kind in kinds_for(org.kind):
                for period in periods(DUE_EVERY[kind], year):
                    if period.start > self.today:
                        continue
                    current = period.end >= self.today
                    if org.pk == self.branch.pk and kind == MeetingKind.COMMITTEE and current:
                        continue  # the branch secretary's demo: this month's 支委会 is still to record
                    chance = (0.97 if diligent else 0.55) * (0.5 if current else 1.0)
                    if rng.random() >= chance:
                        continue
                    held_at = self._held_at(rng, period)
                    if held_at is None:
                        continue
                    roll: list[tuple[int, bool, str]] = []
                    if (self.today - held_at.date()).days <= ATTENDANCE_DAYS:
                        for pk in members:
                            present = rng.random() < 0.88
                            roll.append((pk, present, "" if present else rng.choice(_ABSENCE_REASONS)))
                    present_n = sum(1 for _pk, p, _r in roll if p) if roll else round(len(members) * 0.88)
                    meetings.append(
                        Meeting(
                            org=org,
                            kind=kind,
                            topic=rng.choice(_TOPICS[kind]),
                            held_at=held_at,
                            place=org.address or f"{org.short_name}活动室",
                            host=org.secretary_name or "支部书记",
                            minutes=f"会议由{org.secretary_name or '支部书记'}主持,传达学习有关精神,"
                            "与会党员交流发言。",
                            decisions="按会议安排分工落实。",
                            attendee_count=present_n,
                            absentee_count=(len(roll) - present_n) if roll else len(members) - present_n,
                        )
                    )
                    rolls.append(roll)
        self.ctx.insert(Meeting, meetings)
        attendance = [
            MeetingAttendance(meeting=m, member_id=pk, present=present, reason=reason)
            for m, roll in zip(meetings, rolls, strict=True)
            for pk, present, reason in roll
        ]
        self.ctx.insert(MeetingAttendance, attendance)

    def transfers(self) -> None:
        rng = self.ctx.rng("transfers")
        branches = [o for o in self.orgs if o.kind in BRANCH_KINDS and len(self.by_branch.get(o.pk, [])) > 1]
        others = [b for b in branches if b.pk != self.branch.pk]
        if not others:
            return
        used: set[int] = set()
        persona_user_member = PartyMember.objects.get(user__username="party_member").pk
        moves: dict[int, PartyOrg] = {}
        rows: list[Transfer] = []

        def pick(branch: PartyOrg) -> int | None:
            free = [
                pk for pk in self.by_branch.get(branch.pk, []) if pk not in used and pk != persona_user_member
            ]
            if not free:
                return None
            pk = rng.choice(free)
            used.add(pk)
            return pk

        def add(member: int, source: PartyOrg, target: PartyOrg | None, status: str, days_ago: int) -> None:
            issued = self.today - dt.timedelta(days=days_ago)
            months = rng.choice((1, 2, 3))
            rows.append(
                Transfer(
                    member_id=member,
                    from_org=source,
                    to_org=target,
                    destination=target.name if target else "中共大连市中山区青泥洼桥街道机关支部委员会",
                    letter_no=f"YBZ{self.today.year}{len(rows) + 1:05d}",
                    valid_months=months,
                    issued_on=issued,
                    expires_on=add_months(issued, months),
                    status=status,
                    decided_at=None
                    if status == TransferStatus.ISSUED
                    else self.now - dt.timedelta(days=max(0, days_ago - rng.randint(1, 10))),
                    note="组织关系介绍信抬头与接收单位不符" if status == TransferStatus.RETURNED else "",
                )
            )
            if status == TransferStatus.ACCEPTED and target is not None:
                moves[member] = target

        # At the persona branch: one letter coming in, one going out, both waiting.
        if (pk := pick(rng.choice(others))) is not None:
            source = next(b for b in others if pk in self.by_branch[b.pk])
            add(pk, source, self.branch, TransferStatus.ISSUED, 3)
        if (pk := pick(self.branch)) is not None:
            add(pk, self.branch, rng.choice(others), TransferStatus.ISSUED, 5)
        count = max(3, round(len(branches) * 0.05))
        for _ in range(count):
            source, target = rng.sample(branches, 2) if len(branches) > 1 else (branches[0], None)
            pk = pick(source)
            if pk is None:
                continue
            status = rng.choices(
                (TransferStatus.ISSUED, TransferStatus.ACCEPTED, TransferStatus.RETURNED), weights=(5, 4, 1)
            )[0]
            add(
                pk,
                source,
                target,
                status,
                rng.randint(2, 25) if status == TransferStatus.ISSUED else rng.randint(30, 300),
            )
        if (pk := pick(rng.choice(others))) is not None:  # out of the deployment, waiting for the 回执
            source = next(b for b in others if pk in self.by_branch[b.pk])
            add(pk, source, None, TransferStatus.ISSUED, 12)
        self.ctx.insert(Transfer, rows)
        moved = list(PartyMember.objects.filter(pk__in=list(moves)))
        for member in moved:
            member.party_org = moves[member.pk]
            member.party_group = None
        PartyMember.objects.bulk_update(moved, ["party_org", "party_group"])

    def _dues_base(self, rng: random.Random, member: PartyMember, village: bool) -> DuesBase:
        age = (self.today - member.birth_date).days // 365 if member.birth_date else 40
        draw = rng.random()
        if draw < 0.02:
            category, income = DuesCategory.LOW_INCOME, Decimal(0)
        elif age >= 60:
            category, income = DuesCategory.RETIRED, Decimal(rng.randrange(2200, 7500, 50))
        elif village and draw < 0.6:
            category, income = DuesCategory.FARMER, Decimal(0)
        elif age < 23:
            category, income = DuesCategory.STUDENT, Decimal(0)
        elif draw < 0.05:
            category, income = DuesCategory.UNEMPLOYED, Decimal(0)
        else:
            category, income = DuesCategory.ON_JOB, Decimal(rng.randrange(2500, 16000, 100))
        rate, amount = dues_rate(category, income)
        return DuesBase(
            member=member, year=self.today.year, category=category, monthly_income=income, rate=rate,
            monthly_amount=amount,
        )  # fmt: skip

    def dues(self) -> None:
        """A base for every member this year and their payments: most pay every month (some ahead),
        some are a month or three behind, a few have not paid for half a year; one member of the
        persona branch still owes March."""
        this_month = month_start(self.today)
        year_start = dt.date(self.today.year, 1, 1)
        villages = {o.pk for o in self.orgs if o.region_id and self.tree.by_id.get(o.region_id) is not None
                    and self.tree.is_village(self.tree.by_id[o.region_id])}  # fmt: skip
        members = PartyMember.objects.filter(
            party_org__path__subtree=f"/P{DISTRICT_CODE}/", status=MemberStatus.ACTIVE
        ).only("pk", "party_org_id", "birth_date", "joined_on", "user_id")
        persona_debtor_due = True  # the first paying member of the persona branch still owes March
        bases: list[DuesBase] = []
        payments: list[DuesPayment] = []
        for member in members.order_by("pk").iterator(chunk_size=5000):
            rng = self.ctx.rng("dues", member.pk)
            base = self._dues_base(rng, member, member.party_org_id in villages)
            bases.append(base)
            if base.monthly_amount == 0:
                continue
            first = max(year_start, month_start(member.joined_on) if member.joined_on else year_start)
            habit = rng.random()
            last = this_month
            if habit < 0.03:
                last = shift_month(this_month, -rng.randint(7, 9))
            elif habit < 0.15:
                last = shift_month(this_month, -rng.randint(1, 3))
            elif habit > 0.9:
                last = shift_month(this_month, rng.randint(1, 3))
            skipped = {shift_month(first, rng.randrange(12))} if 0.15 <= habit < 0.23 else set()
            march = dt.date(self.today.year, 3, 1)
            if (
                persona_debtor_due
                and member.party_org_id == self.branch.pk
                and member.pk != self.persona_member_pk
                and first <= march <= this_month
            ):
                skipped.add(march)
                persona_debtor_due = False
            month = first
            while month <= last:
                if month not in skipped:
                    paid_on = min(month + dt.timedelta(days=rng.randint(3, 24)), self.today)
                    payments.append(
                        DuesPayment(
                            member_id=member.pk,
                            month=month,
                            amount=base.monthly_amount,
                            paid_on=paid_on if month <= this_month else self.today,
                            method=rng.choice(PaymentMethod.values),
                            receipt_no=f"DF{month:%Y%m}{member.pk:06d}",
                        )
                    )
                month = shift_month(month, 1)
        self.ctx.insert(DuesBase, bases)
        self.ctx.insert(DuesPayment, payments)

    def development(self) -> None:
        """People in every stage: the persona branch has one of each (its applicant still waits for
        the talk, its probationary member's year is up); other branches have up to three."""
        stages = [s for s in DevelopmentStage.values if s != DevelopmentStage.CANCELLED]
        branches = [o for o in self.orgs if o.kind in BRANCH_KINDS]
        rows: list[tuple[PartyOrg, str, random.Random]] = []
        for branch in branches:
            rng = self.ctx.rng("development", branch.code)
            if branch.pk == self.branch.pk:
                rows += [(branch, stage, rng) for stage in stages]
            else:
                rows += [(branch, rng.choice(stages), rng) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
        records: list[Development] = []
        members: list[PartyMember | None] = []
        for branch, stage, rng in rows:
            gender = rng.choice("MF")
            birth = random_birth_date(rng, rng.randint(20, 40))
            name = names.person_name(rng, gender=gender, birth_year=birth.year)
            record = Development(branch=branch, name=name, gender=gender, birth_date=birth, stage=stage)
            back = {  # days from the application to today, by stage
                DevelopmentStage.APPLICANT: rng.randint(10, 60),
                DevelopmentStage.ACTIVIST: rng.randint(200, 600),
                DevelopmentStage.CANDIDATE: rng.randint(500, 700),
                DevelopmentStage.PROBATIONARY: rng.randint(760, 1100),
                DevelopmentStage.FULL: rng.randint(1200, 2000),
            }[DevelopmentStage(stage)]
            applied = self.today - dt.timedelta(days=back)
            record.applied_on = applied
            if branch.pk == self.branch.pk and stage == DevelopmentStage.APPLICANT:
                record.applied_on = applied = self.today - dt.timedelta(days=40)  # the talk is overdue
            elif stage != DevelopmentStage.APPLICANT:
                record.talked_on = applied + dt.timedelta(days=rng.randint(5, 28))
                record.activist_on = record.talked_on + dt.timedelta(days=rng.randint(30, 90))
            if stage in (DevelopmentStage.CANDIDATE, DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL):
                assert record.activist_on is not None  # noqa: S101 - set above
                record.candidate_on = add_months(record.activist_on, 12) + dt.timedelta(
                    days=rng.randint(0, 60)
                )
                record.candidate_on = min(record.candidate_on, self.today)
            member = None
            if stage in (DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL):
                assert record.candidate_on is not None  # noqa: S101 - set above
                admitted = min(record.candidate_on + dt.timedelta(days=rng.randint(60, 120)), self.today)
                if stage == DevelopmentStage.PROBATIONARY:
                    # within the last year; the persona branch's member is due for 转正 now
                    admitted = self.today - dt.timedelta(days=rng.randint(30, 330))
                    if branch.pk == self.branch.pk:
                        admitted = add_months(self.today, -12) - dt.timedelta(days=3)
                record.admitted_on = admitted
                record.probation_ends_on = add_months(admitted, 12)
                if stage == DevelopmentStage.FULL:
                    record.full_on = min(
                        record.probation_ends_on + dt.timedelta(days=rng.randint(0, 20)), self.today
                    )
                groups = [o for o in self.orgs if o.parent_id == branch.pk]
                member = PartyMember(
                    party_org=branch, name=name, gender=gender, birth_date=birth, joined_on=admitted,
                    party_group=rng.choice(groups) if groups else None,
                    id_number=self.ids.allocate(
                        rng, area_code=NEW_MEMBER_AREA, birth_date=birth, gender=gender
                    ),
                    is_probationary=stage == DevelopmentStage.PROBATIONARY,
                    education=education(rng, birth.year),
                )  # fmt: skip
            records.append(record)
            members.append(member)
        created = self.ctx.insert(PartyMember, [m for m in members if m is not None])
        made = iter(created)
        for record, member in zip(records, members, strict=True):
            if member is not None:
                record.member = next(made)
        self.ctx.insert(Development, records)

    def vacancies(self) -> None:
        """A few branches without a 书记 on record (the organisation-rule check lists them): about one
        in thirty, and always one of the persona street's other branches."""
        rng = self.ctx.rng("vacancies")
        street_path = self.branch.path.rsplit("/", 3)[0] + "/"
        branches = [o for o in self.orgs if o.kind in BRANCH_KINDS and o.pk != self.branch.pk]
        vacant = [o for o in branches if rng.random() < 1 / 30]
        near = [o for o in branches if o.path.startswith(street_path)]
        if near:
            vacant.append(near[-1])
        PartyOrg.objects.filter(pk__in=[o.pk for o in vacant]).update(secretary_name="")

    def profiles(self) -> None:
        """Ethnicity and occupation for the members made in this stage (the persona, the admitted)."""
        rng = self.ctx.rng("late-profiles")
        rows = PartyMember.objects.filter(party_org__path__subtree=f"/P{DISTRICT_CODE}/", occupation="").only(
            "pk", "birth_date"
        )
        updated = []
        for member in rows.order_by("pk"):
            member.ethnicity, member.occupation = profile(
                rng, member.birth_date or REFERENCE_DATE, village=False
            )
            updated.append(member)
        PartyMember.objects.bulk_update(updated, ["ethnicity", "occupation"], batch_size=2000)

    def leavers(self) -> None:
        """Members who left the rolls this year (减少党员, for the 年报): about one in three hundred,
        mostly deaths of the oldest, a few 出党; two of them in the persona street, never at the
        persona branch or with a letter waiting."""
        rng = self.ctx.rng("leavers")
        year_start = dt.date(self.today.year, 1, 1)
        days = (self.today - year_start).days
        waiting = set(
            Transfer.objects.filter(status=TransferStatus.ISSUED).values_list("member_id", flat=True)
        )
        street_path = self.branch.path.rsplit("/", 3)[0] + "/"
        rows = (
            PartyMember.objects.filter(
                party_org__path__subtree=f"/P{DISTRICT_CODE}/",
                status=MemberStatus.ACTIVE,
                user__isnull=True,
                is_probationary=False,
            )
            .exclude(party_org=self.branch)
            .select_related("party_org")
            .only("pk", "birth_date", "joined_on", "party_org__path")
            .order_by("pk")
        )
        leaving = []
        near = 0
        for member in rows.iterator(chunk_size=5000):
            if member.pk in waiting:
                continue
            in_street = member.party_org.path.startswith(street_path)
            if not (rng.random() < 1 / 300 or (in_street and near < 2 and rng.random() < 0.2)):
                continue
            near += in_street
            old = member.birth_date is not None and (self.today - member.birth_date).days > 75 * 365
            reason = (
                LeaveReason.DEATH
                if old or rng.random() < 0.6
                else rng.choice(
                    [LeaveReason.LAPSED, LeaveReason.REMOVED, LeaveReason.EXPELLED, LeaveReason.WITHDREW]
                )
            )
            left_on = year_start + dt.timedelta(days=rng.randrange(days + 1))
            if member.joined_on is not None and left_on < member.joined_on:
                continue
            member.status, member.left_on, member.left_reason, member.party_group = (
                MemberStatus.LEFT, left_on, reason, None
            )  # fmt: skip
            leaving.append(member)
        PartyMember.objects.bulk_update(
            leaving, ["status", "left_on", "left_reason", "party_group"], batch_size=2000
        )
        self.ctx.counts["party_members_left"] += len(leaving)

    def terms(self) -> None:
        """换届选举 on record: most 党支部, 党总支 and 基层党委 within their term; the persona branch's
        term runs out within six months; about one in twenty-five has run out and one in thirty has
        none (always one each in the persona street); branches without a 书记 ran out. Committees of
        three to five where there are seven full members or more (a few large branches have only a
        书记: the 年报 lists them), a lone 书记 elsewhere."""
        rng = self.ctx.rng("terms")
        full = dict(
            PartyMember.objects.filter(
                party_org__path__subtree=f"/P{DISTRICT_CODE}/",
                status=MemberStatus.ACTIVE,
                is_probationary=False,
            )
            .order_by()
            .values("party_org")
            .annotate(n=Count("id"))
            .values_list("party_org", "n")
        )
        street_path = self.branch.path.rsplit("/", 3)[0] + "/"
        orgs = list(
            PartyOrg.objects.filter(
                path__subtree=f"/P{DISTRICT_CODE}/", is_active=True, kind__in=list(TERM_YEARS)
            ).order_by("path")
        )
        near = [
            o
            for o in orgs
            if o.path.startswith(street_path) and o.pk != self.branch.pk and o.kind in BRANCH_KINDS
        ]
        no_term = {near[0].pk} if near else set()
        expired = {near[1].pk} if len(near) > 1 else set()
        terms: list[Term] = []
        for org in orgs:
            years = TERM_YEARS[org.kind]
            if org.pk in no_term or (
                org.pk not in expired and org.pk != self.branch.pk and rng.random() < 1 / 30
            ):
                continue
            if org.pk == self.branch.pk:
                expires = add_months(self.today, 3)
            elif org.pk in expired or not org.secretary_name or rng.random() < 1 / 25:
                expires = self.today - dt.timedelta(days=rng.randrange(20, 300))
            else:
                expires = self.today + dt.timedelta(days=rng.randrange(200, years * 365 - 30))
            elected = add_months(expires, -12 * years)
            size = rng.choice((3, 3, 5)) if full.get(org.pk, 0) >= 7 and rng.random() < 0.9 else 1
            if org.kind == PartyOrgKind.COMMITTEE:
                size = rng.choice((5, 7))
            people = [names.person_name(rng, gender=rng.choice("MF"), birth_year=rng.randint(1965, 1990))
                      for _ in range(size - 1)]  # fmt: skip
            deputies = people[:1] if size >= 5 else []
            secretary = org.secretary_name or names.person_name(
                rng, gender="M", birth_year=rng.randint(1960, 1985)
            )
            terms.append(
                Term(
                    org=org, elected_on=elected, term_years=years, expires_on=expires, secretary=secretary,
                    deputies=deputies, members=people[len(deputies):], committee_size=size,
                )
            )  # fmt: skip
        terms.extend(self._institutions(rng, orgs, terms))
        self.ctx.insert(Term, terms, label="party_terms")

    def _institutions(self, rng: random.Random, orgs: list[PartyOrg], terms: list[Term]) -> list[Term]:
        """The district departments' branches are institutions (机关): their headcount and full-time
        party staff (one in four short of 2 %), a 专职副书记 on the current term, and one department
        whose deputy is in a third term running (to rotate). Returns the earlier terms that shows."""
        current = {t.org_id: t for t in terms}
        units = [o for o in orgs if o.region_id is None and o.kind == PartyOrgKind.BRANCH and o.pk in current]
        staffing, earlier = [], []
        for n, org in enumerate(units):
            headcount = rng.randrange(40, 400)
            need = -(-headcount * 2 // 100)
            staffing.append(
                OrgStaffing(org=org, is_institution=True, headcount=headcount,
                            party_staff=need - 1 if n % 4 == 1 else need)
            )  # fmt: skip
            term = current[org.pk]
            deputy = names.person_name(rng, gender=rng.choice("MF"), birth_year=rng.randint(1970, 1990))
            term.full_time_deputy = deputy
            term.deputies = [*term.deputies, deputy]
            term.committee_size += 1
            if n == 0:  # two earlier terms with the same deputy
                for back in (1, 2):
                    months = -12 * term.term_years * back
                    earlier.append(
                        Term(org=org, elected_on=add_months(term.elected_on, months),
                             term_years=term.term_years, expires_on=add_months(term.expires_on, months),
                             secretary=term.secretary,
                             deputies=[deputy], full_time_deputy=deputy, committee_size=3)
                    )  # fmt: skip
        self.ctx.insert(OrgStaffing, staffing, label="party_staffing")
        return earlier


def seed_party_life(ctx: SeedContext, tree: RegionTree) -> None:
    PartyLifeSeeder(ctx, tree).run()
