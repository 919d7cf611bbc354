"""Writes of 民事民议: raising a proposal (a registered resident of the region, or its staff for the
community), commenting (plain text; staff hide a comment with a reason, it is never deleted) and the
household vote. A vote is cast by a resident whose account is linked to their registry record
(``CivicContact``) and whose household lives in the proposal's region; one vote per household, held by
a unique constraint, so a second vote from the same household is a 409 with nothing written, even when
two members press at the same moment. Every service takes ``actor`` and writes a typed audit event;
status moves go through ``ProposalWorkflow.apply`` only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.civic.access import contact_of, manages_region, require_notice_staff
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import (
    Proposal,
    ProposalComment,
    ProposalOrigin,
    ProposalStatus,
    ProposalVote,
    VoteChoice,
)
from dangqun.civic.services import sanitise_body
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Resident

OPEN_FOR_COMMENTS = (ProposalStatus.COLLECTING, ProposalStatus.VOTING)


def registered_resident(user: object, region: Region) -> Resident | None:
    """The user's own registry record, if it belongs to a household living in ``region``."""
    contact = contact_of(user)
    resident = contact.resident if contact is not None else None
    if resident is None or resident.household_id is None:
        return None
    household = resident.household
    if household is None or not household.grid.path.startswith(region.path):
        return None
    return resident


def _login(actor: object) -> User:
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise ForbiddenError(_("请先登录"))
    return actor


@transaction.atomic
def proposal_raise(*, actor: User, region_code: str, title: str, body: str = "") -> Proposal:
    """A proposal for a community (or a compound or grid in it): the community's staff raise it for the
    community; a resident raises it for the region their household lives in. Anyone else: 403."""
    _login(actor)
    region = Region.objects.filter(code=region_code, level__gte=RegionLevel.COMMUNITY, is_active=True).first()
    if region is None:
        raise ValidationError(
            {"region": _("议事范围须为社区/村、小区或网格:%(code)s") % {"code": region_code}}
        )
    if manages_region(actor, region.path):
        origin = ProposalOrigin.COMMUNITY
    elif registered_resident(actor, region) is not None:
        origin = ProposalOrigin.RESIDENT
    else:
        raise ForbiddenError(_("仅本区域登记在册的居民或社区工作人员可提出议题"))
    proposal = Proposal(
        region=region,
        title=str(title or "").strip(),
        body=sanitise_body(str(body or ""))[:5000],
        origin=origin,
        raised_by=actor,
    )
    proposal.full_clean()
    proposal.save()
    record_event(
        actor=actor,
        event_type=CivicEvent.PROPOSAL_RAISED,
        target=proposal,
        data={"region": region.code, "origin": origin},
    )
    return proposal


@transaction.atomic
def proposal_comment(*, actor: User, proposal: Proposal, body: str) -> ProposalComment:
    """A comment while the matter is open (征集中 or 表决中); plain text, shown escaped."""
    _login(actor)
    text = str(body or "").strip()
    if not 1 <= len(text) <= 500:
        raise ValidationError({"body": _("发言须为1至500个字")})
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status not in OPEN_FOR_COMMENTS:
        raise ConflictError(_("议题已议定,不再接受发言"), code="closed")
    comment = ProposalComment.objects.create(
        proposal=locked,
        author=actor,
        author_name=(actor.display_name or actor.get_username())[:50],
        body=text,
        created_at=clock.now(),
    )
    record_event(
        actor=actor, event_type=CivicEvent.PROPOSAL_COMMENTED, target=locked, data={"comment": comment.pk}
    )
    return comment


@transaction.atomic
def proposal_comment_hide(
    *, actor: User, comment_id: int, proposal: Proposal, reason: str
) -> ProposalComment:
    """Staff of the proposal's region hide a comment (kept, with the reason); another region's: 404."""
    require_notice_staff(actor)
    if not manages_region(actor, proposal.region.path):
        raise NotFoundError(_("议题不存在或无权管理"))
    comment = ProposalComment.objects.select_for_update().filter(pk=comment_id, proposal=proposal).first()
    if comment is None:
        raise NotFoundError(_("发言不存在"))
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写屏蔽原因")})
    if comment.hidden_at is None:
        comment.hidden_at = clock.now()
        comment.hidden_reason = reason[:200]
        comment.save(update_fields=["hidden_at", "hidden_reason"])
        record_event(
            actor=actor,
            event_type=CivicEvent.PROPOSAL_COMMENT_HIDDEN,
            target=proposal,
            data={"comment": comment.pk},
        )
    return comment


def proposal_vote(*, actor: User, proposal: Proposal, choice: str) -> ProposalVote:
    """One vote for the voter's household, within the window: 403 for a voter who is not a registered
    resident of a household in the proposal's region; 409 outside the window or when the household has
    voted already (the unique constraint decides a race), nothing written."""
    _login(actor)
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("意见须为 for(赞成)、against(反对)或 abstain(弃权)")})
    with transaction.atomic():
        locked = Proposal.objects.select_for_update(of=("self",)).select_related("region").get(pk=proposal.pk)
        resident = registered_resident(actor, locked.region)
        if resident is None or resident.household_id is None:
            raise ForbiddenError(_("仅本区域登记在册的住户可参加表决,请先到社区核实户籍登记"))
        now = clock.now()
        opens, closes = locked.vote_opens_at, locked.vote_closes_at
        if (
            locked.status != ProposalStatus.VOTING
            or opens is None
            or closes is None
            or not opens <= now < closes
        ):
            raise ConflictError(_("不在表决时间内"), code="outside_window")
        try:
            with transaction.atomic():
                vote = ProposalVote.objects.create(
                    proposal=locked,
                    household_id=resident.household_id,
                    resident=resident,
                    voter=actor,
                    choice=choice,
                    cast_at=now,
                )
        except IntegrityError:
            raise ConflictError(_("本户已投票:每户一票"), code="household_voted") from None
        record_event(
            actor=actor,
            event_type=CivicEvent.PROPOSAL_VOTED,
            target=locked,
            data={"household": resident.household_id, "choice": choice},
        )
    return vote
