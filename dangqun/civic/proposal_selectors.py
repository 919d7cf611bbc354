"""Reads of 民事民议: the public list (by region and status), a proposal's tally and turnout (voted
households of the registered households in its region), its comments (hidden ones only for the staff
who moderate them), the reader's household vote, and the staff's list of their regions' proposals."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dangqun.civic.access import manages_region, proposals_managed_q, public_proposals
from dangqun.civic.models import Proposal, ProposalComment, ProposalStatus, ProposalVote
from dangqun.civic.proposal_services import registered_resident
from dangqun.regions.models import Region
from dangqun.registry.models import Household


def proposal_list(*, region: Region | None = None, status: str = "") -> QuerySet[Proposal]:
    """Proposals of ``region`` and the regions above and below it (a compound sees its community's)."""
    qs = public_proposals()
    if region is not None:
        qs = qs.filter(Q(region__path__in=region.ancestor_paths()) | Q(region__path__subtree=region.path))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(votes_n=Count("votes", distinct=True)).order_by("-created_at", "-id")


def managed_proposals(user: object, *, status: str = "") -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("region").filter(proposals_managed_q(user))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(votes_n=Count("votes", distinct=True)).order_by("-created_at", "-id")


def households_in(proposal: Proposal) -> int:
    """The registered households entitled to vote (those living in the proposal's region)."""
    return Household.objects.filter(grid__path__subtree=proposal.region.path).count()


def comments_for(user: object, proposal: Proposal) -> list[ProposalComment]:
    qs = ProposalComment.objects.filter(proposal=proposal).order_by("created_at", "id")
    if not manages_region(user, proposal.region.path):
        qs = qs.filter(hidden_at__isnull=True)
    return list(qs[:500])


def my_household_vote(user: object, proposal: Proposal) -> tuple[bool, ProposalVote | None]:
    """(may the reader's household vote at all, the household's vote if it voted)."""
    resident = registered_resident(user, proposal.region)
    if resident is None:
        return False, None
    vote = ProposalVote.objects.filter(proposal=proposal, household=resident.household).first()
    return True, vote


def open_count(user: object) -> int:
    return (
        managed_proposals(user).filter(status__in=[ProposalStatus.COLLECTING, ProposalStatus.VOTING]).count()
    )
