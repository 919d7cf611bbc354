"""Issuing a transfer letter (组织关系介绍信) and expiring old ones; the later moves go through
``party.transfers.TransferWorkflow``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.dates import add_months
from dangqun.party.events import PartyEvent
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import (
    MemberStatus,
    PartyMember,
    Transfer,
    TransferStatus,
)
from dangqun.party.services.common import bounded_text, org_in_scope
from dangqun.party.transfers import TransferWorkflow

MAX_VALID_MONTHS = 6


@transaction.atomic
def transfer_issue(
    *,
    actor: Actor,
    member: PartyMember,
    letter_no: str,
    valid_months: Any,
    to_org: PartyOrg | None = None,
    destination: str = "",
) -> Transfer:
    """The sending branch issues an introduction letter: to a branch of the deployment (``to_org``)
    or out of it (``destination``). The member stays where they are until the letter is accepted."""
    member = PartyMember.objects.select_for_update().select_related("party_org").get(pk=member.pk)
    org_in_scope(actor, member.party_org)
    letter_no = bounded_text(letter_no, "letter_no", required=True, limit=40)
    destination = bounded_text(destination, "destination", required=False, limit=200)
    try:
        months = int(valid_months)
    except (TypeError, ValueError):
        raise ValidationError(
            {"valid_months": _("有效期须为1至%(max)s个月") % {"max": MAX_VALID_MONTHS}}
        ) from None
    if not 1 <= months <= MAX_VALID_MONTHS:
        raise ValidationError({"valid_months": _("有效期须为1至%(max)s个月") % {"max": MAX_VALID_MONTHS}})
    if to_org is None and not destination:
        raise ValidationError({"to_org": _("请选择转入党组织,或填写转往的系统外单位")})
    if to_org is not None:
        if to_org.kind not in BRANCH_KINDS or not to_org.is_active:
            raise ValidationError({"to_org": _("组织关系只能转入党支部或党总支")})
        if to_org.pk == member.party_org_id:
            raise ConflictError(_("转入党组织就是该党员所在的党组织"), code="same_org")
        destination = destination or to_org.name
    if member.status != MemberStatus.ACTIVE:
        raise ConflictError(_("该党员当前不在册,不能办理转接"), code="member_inactive")
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        raise ConflictError(_("该党员已有一份待接收的介绍信"), code="transfer_open")
    if Transfer.objects.filter(letter_no=letter_no).exists():
        raise ValidationError({"letter_no": _("介绍信编号已被使用")})
    issued_on = clock.local_today()
    transfer = Transfer.objects.create(
        member=member,
        from_org=member.party_org,
        to_org=to_org,
        destination=destination,
        letter_no=letter_no,
        valid_months=months,
        issued_on=issued_on,
        expires_on=add_months(issued_on, months),
        issued_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.TRANSFER_ISSUED,
        target=transfer,
        data={
            "member": member.pk,
            "from_org": member.party_org.code,
            "to_org": to_org.code if to_org else None,
            "destination": destination,
            "letter_no": letter_no,
            "valid_months": months,
        },
    )
    return transfer


def transfers_expire() -> int:
    """The daily job: every letter past its validity expires (the system's move through the door)."""
    today = clock.local_today()
    due = list(
        Transfer.objects.filter(status=TransferStatus.ISSUED, expires_on__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        TransferWorkflow.apply(obj=pk, action="expire", actor=None)
    return len(due)
