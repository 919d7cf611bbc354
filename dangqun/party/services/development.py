"""Registering an application to join the Party (入党申请); the later steps go through
``party.development.DevelopmentWorkflow``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.events import PartyEvent
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import (
    Development,
)
from dangqun.party.services.common import bounded_text, org_in_scope


@transaction.atomic
def development_apply(
    *,
    actor: Actor,
    branch: PartyOrg,
    name: str,
    gender: str,
    applied_on: dt.date,
    birth_date: dt.date | None = None,
) -> Development:
    """Register an application to join the Party at a branch (入党申请人)."""
    org_in_scope(actor, branch)
    if branch.kind not in BRANCH_KINDS:
        raise ValidationError({"branch": _("入党申请由党支部或党总支受理")})
    name = bounded_text(name, "name", required=True, limit=50)
    if gender not in ("M", "F"):
        raise ValidationError({"gender": _("性别须为 M 或 F")})
    if applied_on > clock.local_today():
        raise ValidationError({"applied_on": _("递交申请日期不能晚于今天")})
    if birth_date is not None and (applied_on.year - birth_date.year) < 18:
        raise ValidationError({"birth_date": _("申请入党须年满十八岁")})
    development = Development.objects.create(
        branch=branch, name=name, gender=gender, birth_date=birth_date, applied_on=applied_on
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DEVELOPMENT_APPLIED,
        target=development,
        data={"branch": branch.code, "applied_on": applied_on.isoformat()},
    )
    return development
