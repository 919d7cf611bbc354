"""The demo's 党员服务 (``dangqun.partywork``): the 智慧导航 points (every regional party organisation,
the 党群服务中心 of each street and the 党群服务站 of each community), working members reported in to
the communities where they live, and a year of 服务岗 with sign-ups and confirmed hours, anchored to
today. The ``working_member`` persona is one of them, reported in to the demo community."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.demo.build_pairing import delete_pairing, seed_pairing
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.partywork.models import (
    MemberReport,
    NavKind,
    NavPoint,
    PostStatus,
    ReportStatus,
    ServicePost,
    ServiceSignup,
    SignupStatus,
)
from dangqun.regions.models import Region, RegionLevel

REPORTED_SHARE = 0.6  # of the working members, reported in to a community
POST_TITLES = (
    ("环境整治", "小区环境卫生整治"),
    ("文明劝导", "路口文明交通劝导"),
    ("助老", "独居老人上门助老"),
    ("政策宣传", "惠民政策进楼栋宣传"),
    ("治安巡逻", "平安小区夜间巡逻"),
    ("助学", "社区四点半课堂辅导"),
)
ORG_ROOT = "/P{code}/"  # the district's party organisation tree (as the demo's orgs stage builds it)
DEMO_COMMUNITY_SHARE = 0.3
ACCEPTED_SHARE = 0.85
CONFIRMED_SHARE = 0.8
PRESENT_SHARE = 0.92
CLOSE_AFTER_DAYS = 30
SKILLS = ("医疗保健", "法律咨询", "文艺宣传", "维修", "教育辅导", "")
HOURS_OPEN = ("周一至周五 8:30-17:30", "周一至周六 8:30-17:00", "每日 8:00-20:00")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _point(
    ctx: SeedContext, org: PartyOrg, region: Region, *, kind: str, name: str, n: int
) -> NavPoint | None:
    if region.centroid_lat is None or region.centroid_lng is None:
        return None
    rng = ctx.rng("nav", kind, org.code)
    return NavPoint(
        kind=kind,
        name=name,
        party_org=org,
        region=region,
        address=region.address or f"{region.name}{rng.randint(1, 199)}号",
        lat=region.centroid_lat + rng.uniform(-0.0008, 0.0008),
        lng=region.centroid_lng + rng.uniform(-0.0008, 0.0008),
        phone=org.contact_phone or f"0415-{rng.randint(2100000, 2899999)}",
        opening_hours=HOURS_OPEN[n % len(HOURS_OPEN)],
        accepts_reports=kind == NavKind.PARTY_ORG and region.level == RegionLevel.COMMUNITY,
    )


def _org_root(district: Region) -> str:
    return ORG_ROOT.format(code=district.code)


def _place(org: PartyOrg) -> str:
    return org.region.name if org.region else org.name


class PartyworkSeeder:
    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.tree = RegionTree.load()
        self.today = clock.local_today()
        self.org_root = _org_root(self.tree.district)
        self.community_orgs: dict[int, PartyOrg] = {}
        self.accepted: dict[int, list[MemberReport]] = {}
        self.persona: PartyMember | None = None

    def run(self) -> None:
        self.nav_points()
        if not self.community_orgs:
            return
        persona_org = self.community_orgs.get(self.tree.persona_community().pk) or next(
            iter(self.community_orgs.values())
        )
        others = [o for o in self.community_orgs.values() if o.pk != persona_org.pk] or [persona_org]
        self.reports(persona_org, others)
        self.signups(self.posts([persona_org, *others]))

    def nav_points(self) -> None:
        orgs = list(
            PartyOrg.objects.filter(path__subtree=self.org_root, is_active=True, region__isnull=False)
            .exclude(kind=PartyOrgKind.GROUP)
            .select_related("region")
            .order_by("path")
        )
        points: list[NavPoint | None] = []
        for n, org in enumerate(orgs):
            region = org.region
            assert region is not None  # noqa: S101 - filtered above
            points.append(_point(self.ctx, org, region, kind=NavKind.PARTY_ORG, name=org.name, n=n))
            if region.level == RegionLevel.STREET:
                name = f"{region.name}党群服务中心"
                points.append(_point(self.ctx, org, region, kind=NavKind.SERVICE_CENTER, name=name, n=n))
            if region.level == RegionLevel.COMMUNITY:
                name = f"{region.name}党群服务站"
                points.append(_point(self.ctx, org, region, kind=NavKind.SERVICE_SITE, name=name, n=n))
                self.community_orgs[region.pk] = org
        self.ctx.insert(NavPoint, [p for p in points if p is not None], label="nav_points")

    def reports(self, persona_org: PartyOrg, others: list[PartyOrg]) -> None:
        working = list(
            PartyMember.objects.filter(
                party_org__path__subtree=self.org_root,
                party_org__region__isnull=True,
                status=MemberStatus.ACTIVE,
                user__isnull=True,
            )
            .select_related("party_org")
            .order_by("pk")
        )
        if not working:
            return
        self.persona = working[0]
        user = User.objects.filter(username="working_member").first()
        if user is not None:
            self.persona.user = user
            self.persona.save(update_fields=["user", "updated_at"])
        rng = self.ctx.rng("partywork-reports")
        rows: list[MemberReport] = []
        for i, member in enumerate(working):
            if i > 0 and rng.random() > REPORTED_SHARE:
                continue
            # A third of the reported members live in the demo community, so its page is full.
            org = persona_org if i == 0 or rng.random() < DEMO_COMMUNITY_SHARE else rng.choice(others)
            accepted = i == 0 or rng.random() < ACCEPTED_SHARE
            asked = self.today - dt.timedelta(days=rng.randint(200, 700) if accepted else rng.randint(0, 6))
            rows.append(
                MemberReport(
                    member=member, community_org=org, unit_org=member.party_org,
                    status=ReportStatus.ACCEPTED if accepted else ReportStatus.PENDING,
                    home_address=f"{_place(org)}{rng.randint(1, 60)}号楼",
                    skills=rng.choice(SKILLS),
                    decided_at=_at(asked + dt.timedelta(days=rng.randint(1, 5)), 10) if accepted else None,
                )
            )  # fmt: skip
        self.ctx.insert(MemberReport, rows, label="member_reports")
        for r in rows:
            if r.status == ReportStatus.ACCEPTED:
                self.accepted.setdefault(r.community_org_id, []).append(r)

    def posts(self, orgs: list[PartyOrg]) -> list[ServicePost]:
        posts: list[ServicePost] = []
        for org in orgs:
            if org.pk not in self.accepted:
                continue
            rng = self.ctx.rng("partywork-posts", org.code)
            for k in range(10):
                days = -300 + k * 33 + rng.randint(0, 10)  # a post a month, the last two ahead of today
                category, title = rng.choice(POST_TITLES)
                posts.append(
                    ServicePost(
                        community_org=org, title=title, category=category, place=f"{_place(org)}党群服务站",
                        date=self.today + dt.timedelta(days=days), slots=rng.randint(4, 10),
                        hours=Decimal(rng.choice(("2", "2.5", "3"))),
                        status=PostStatus.CLOSED if days < -CLOSE_AFTER_DAYS else PostStatus.OPEN,
                    )
                )  # fmt: skip
        return self.ctx.insert(ServicePost, posts, label="service_posts")

    def signups(self, posts: list[ServicePost]) -> None:
        rows: list[ServiceSignup] = []
        persona_id = self.persona.pk if self.persona else 0
        for post in posts:
            rng = self.ctx.rng("partywork-signups", post.community_org_id, post.date.isoformat())
            members = self.accepted[post.community_org_id]
            for report in rng.sample(members, min(len(members), post.slots - rng.randint(0, 2))):
                past = post.date < self.today
                if report.member_id == persona_id and not past:
                    continue  # the persona signs up for the coming posts in the walk
                roll = rng.random()
                status: str = SignupStatus.SIGNED_UP  # ahead, or served lately and awaiting confirmation
                if past and (roll < CONFIRMED_SHARE or post.date < self.today - dt.timedelta(days=20)):
                    status = SignupStatus.CONFIRMED if roll < PRESENT_SHARE else SignupStatus.ABSENT
                confirmed = status == SignupStatus.CONFIRMED
                rows.append(
                    ServiceSignup(
                        post=post, member_id=report.member_id, report=report, status=status,
                        hours=post.hours if confirmed else Decimal(0),
                        confirmed_at=_at(post.date + dt.timedelta(days=1), 9) if confirmed else None,
                    )
                )  # fmt: skip
        self.ctx.insert(ServiceSignup, rows, label="service_signups")


def seed_partywork(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""
    PartyworkSeeder(ctx).run()
    seed_pairing(ctx, _org_root(RegionTree.load().district))


def delete_partywork(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    if district is None:
        return
    under = _org_root(district)
    delete_pairing(under, deleted)
    for label, qs in (
        ("service_signups", ServiceSignup.objects.filter(post__community_org__path__subtree=under)),
        ("service_posts", ServicePost.objects.filter(community_org__path__subtree=under)),
        ("member_reports", MemberReport.objects.filter(community_org__path__subtree=under)),
        ("nav_points", NavPoint.objects.filter(party_org__path__subtree=under)),
    ):
        count, _ = qs.delete()
        deleted[label] = deleted.get(label, 0) + count
