"""The demo's 民事民议 (``dangqun.civic``): two proposals of the persona community, anchored to today.
One decided and carried out (加装电梯 in a compound's oldest building, voted by most households, passed,
done); one open (where to put the new charging shed for e-bikes), in its voting window, a third of the
households voted, with comments, one hidden by the community. The ``citizen`` persona's household has
not voted on the open one; the ``working_member`` persona is linked to another member of that household
(when it has one), so the demo shows the household's second vote refused."""

from __future__ import annotations

import datetime as dt

from dangqun.accounts.models import User
from dangqun.civic.models import (
    CivicContact,
    Proposal,
    ProposalComment,
    ProposalOrigin,
    ProposalStatus,
    ProposalVote,
    VoteChoice,
)
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import BATCH_SIZE, SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region
from dangqun.registry.models import Household, Resident

DONE_TITLE = "老旧楼栋加装电梯方案"
OPEN_TITLE = "电动自行车集中充电棚选址"
_COMMENTS_DONE = (
    ("张秀英", "我家住五楼,早就盼着装电梯了,支持!"),
    ("李建国", "一楼住户的采光和噪音问题请施工单位考虑补偿。"),
    ("王淑芬", "费用分摊方案请在公开栏公示。"),
)
_COMMENTS_OPEN = (
    ("赵德明", "建议放在3号楼北侧空地,离楼远一些,安全。"),
    ("孙桂兰", "北侧空地是老人晒太阳的地方,能不能放在车库入口旁?"),
    ("刘海涛", "充电要收费吗?每小时多少钱请说明。"),
    ("周某某", "加微信领取充电优惠券 www.example.invalid"),
)
HIDDEN_REASON = "广告信息"


def _link_same_household(citizen_resident: Resident | None) -> None:
    """``working_member`` stands for another member of the citizen's household (a second voter there)."""
    member = User.objects.filter(username="working_member").first()
    if member is None or citizen_resident is None or citizen_resident.household_id is None:
        return
    other = (
        Resident.objects.filter(household_id=citizen_resident.household_id)
        .exclude(pk=citizen_resident.pk)
        .order_by("id")
        .first()
    )
    if other is not None:
        CivicContact.objects.update_or_create(user=member, defaults={"resident": other})


def _votes(
    ctx: SeedContext,
    proposal: Proposal,
    households: list[Household],
    *,
    share: float,
    yes: float,
    at: dt.datetime,
    skip: int | None,
) -> list[ProposalVote]:
    """Votes from about ``share`` of the households (one resident each), ``yes`` of them in favour."""
    rng = ctx.rng("proposal", proposal.title)
    residents: dict[int, int] = {}
    for resident_id, household_id in (
        Resident.objects.filter(household__in=households).order_by("id").values_list("id", "household_id")
    ):
        residents.setdefault(household_id, resident_id)
    rows = []
    for household in households:
        if household.pk == skip or household.pk not in residents or rng.random() >= share:
            continue
        roll = rng.random()
        choice = VoteChoice.FOR if roll < yes else VoteChoice.AGAINST if roll < 0.93 else VoteChoice.ABSTAIN
        rows.append(
            ProposalVote(
                proposal=proposal,
                household=household,
                resident_id=residents[household.pk],
                choice=choice,
                cast_at=at + dt.timedelta(hours=rng.randint(1, 90)),
            )
        )
    return rows


def seed_proposals(ctx: SeedContext) -> None:
    """Seed stage: one decided and carried-out proposal and one open for votes, anchored to today."""
    tree = RegionTree.load()
    end = ctx.end or reference_end()
    community = tree.persona_community()
    staff = User.objects.filter(username="community_staff").first()
    citizen = CivicContact.objects.filter(user__username="citizen").select_related("resident").first()
    citizen_resident = citizen.resident if citizen is not None else None
    _link_same_household(citizen_resident)
    households = list(Household.objects.filter(grid__path__subtree=community.path).order_by("id"))
    raised = end - dt.timedelta(days=75)
    done = Proposal.objects.create(
        region=community,
        title=DONE_TITLE,
        body="<p>社区老旧楼栋无电梯,老年住户上下楼困难。拟申请老旧小区改造资金加装电梯,"
        "住户按楼层分摊部分费用。请各户发表意见并投票。</p>",
        origin=ProposalOrigin.RESIDENT,
        raised_by=User.objects.filter(username="party_member").first(),
        status=ProposalStatus.DONE,
        vote_opens_at=raised + dt.timedelta(days=10),
        vote_closes_at=raised + dt.timedelta(days=20),
        decision="表决通过:申请改造资金加装电梯,一楼住户免于分摊,二楼以上按楼层分摊。",
        outcome="已完成电梯招标,首部电梯已安装并通过验收,投入使用。",
        decided_at=raised + dt.timedelta(days=21),
        done_at=end - dt.timedelta(days=5),
    )
    opened = end - dt.timedelta(days=2)
    open_one = Proposal.objects.create(
        region=community,
        title=OPEN_TITLE,
        body="<p>为消除电动自行车入户充电、飞线充电的消防隐患,社区拟建设集中充电棚。"
        "备选位置:一是3号楼北侧空地,二是地下车库入口旁。请每户选择赞成(北侧空地)或反对。</p>",
        origin=ProposalOrigin.COMMUNITY,
        raised_by=staff,
        status=ProposalStatus.VOTING,
        vote_opens_at=opened,
        vote_closes_at=end + dt.timedelta(days=5),
    )
    for proposal, comments, start in ((done, _COMMENTS_DONE, raised), (open_one, _COMMENTS_OPEN, opened)):
        for k, (name, text) in enumerate(comments, start=1):
            ProposalComment.objects.create(
                proposal=proposal,
                author_name=name,
                body=text,
                created_at=start + dt.timedelta(hours=3 * k),
                hidden_at=start + dt.timedelta(hours=3 * k + 1) if text.startswith("加微信") else None,
                hidden_reason=HIDDEN_REASON if text.startswith("加微信") else "",
            )
    skip = citizen_resident.household_id if citizen_resident is not None else None
    rows = _votes(ctx, done, households, share=0.7, yes=0.8, at=done.vote_opens_at or raised, skip=None)
    rows += _votes(ctx, open_one, households, share=0.35, yes=0.6, at=opened, skip=skip)
    for vote in rows:  # a vote is never cast after the end of the demo's calendar
        vote.cast_at = min(vote.cast_at, end - dt.timedelta(minutes=5))
    ProposalVote.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    ctx.counts["civic_proposals"] = 2
    ctx.counts["civic_proposal_votes"] = len(rows)
    ctx.counts["civic_proposal_comments"] = len(_COMMENTS_DONE) + len(_COMMENTS_OPEN)


def delete_proposals(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: the district's proposals with their votes and comments, and the extra persona link."""
    proposals = (
        Proposal.objects.all()
        if district is None
        else Proposal.objects.filter(region__path__subtree=district.path)
    )
    deleted["civic_proposal_votes"] = ProposalVote.objects.filter(proposal__in=proposals).delete()[0]
    deleted["civic_proposals"] = proposals.delete()[0]
    CivicContact.objects.filter(user__username="working_member").delete()
