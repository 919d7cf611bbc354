"""Issuing a transfer letter (组织关系介绍信), one or a batch (集中转接), and expiring old ones; the
later moves go through ``party.transfers.TransferWorkflow``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError
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
from dangqun.party.services.common import bounded_text, member_ids, org_in_scope
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


MAX_BULK = 500
_SHARED_FIELDS = frozenset({"valid_months", "to_org", "destination"})  # the same for every member


def may_transfer_in_bulk(actor: Actor) -> bool:
    """集中转接 is a 党务管理员's action (a branch secretary issues letters one by one)."""
    scope = get_scope(actor)
    return scope.is_sysadmin or Role.PARTY_ADMIN in scope.roles


@transaction.atomic
def transfer_issue_bulk(
    *,
    actor: Actor,
    members: Sequence[PartyMember],
    letter_no_prefix: str,
    valid_months: Any,
    to_org: PartyOrg | None = None,
    destination: str = "",
) -> list[Transfer]:
    """集中转接 (e.g. a year's graduates): one letter per member to one destination, numbered
    ``<prefix>-001`` on, each issued by ``transfer_issue`` (then accepted, returned or expired one by
    one through the transfer's door). All or nothing: a member who cannot move stops the whole batch
    with the member named in the error (409 for a conflict, 422 for a letter number)."""
    if not may_transfer_in_bulk(actor):
        raise ForbiddenError(_("集中转接由党务管理员办理"))
    if not members:
        raise ValidationError({"member_ids": _("请选择要转接的党员")})
    if len(members) > MAX_BULK:
        raise ValidationError({"member_ids": _("一次最多转接%(max)s名党员") % {"max": MAX_BULK}})
    member_ids([m.pk for m in members], "member_ids")  # no member twice
    prefix = bounded_text(letter_no_prefix, "letter_no_prefix", required=True, limit=30)
    transfers = []
    for number, member in enumerate(members, start=1):
        try:
            transfers.append(
                transfer_issue(
                    actor=actor,
                    member=member,
                    letter_no=f"{prefix}-{number:03d}",
                    valid_months=valid_months,
                    to_org=to_org,
                    destination=destination,
                )
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if set(errors) <= _SHARED_FIELDS:
                raise
            raise ValidationError(
                {
                    ("letter_no_prefix" if field == "letter_no" else field): [
                        _("%(name)s:%(text)s") % {"name": member.name, "text": text} for text in texts
                    ]
                    for field, texts in errors.items()
                }
            ) from exc
        except ConflictError as exc:
            raise ConflictError(
                _("%(name)s:%(text)s") % {"name": member.name, "text": exc.message}, code=exc.code
            ) from exc
    record_event(
        actor=actor,
        event_type=PartyEvent.TRANSFER_BULK_ISSUED,
        target=to_org,
        data={
            "transfers": [t.pk for t in transfers],
            "to_org": to_org.code if to_org else None,
            "destination": transfers[0].destination,
            "letter_no_prefix": prefix,
        },
    )
    return transfers
