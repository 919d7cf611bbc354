"""Compositions of the workflow door: several things a person does in one click, in one transaction.

Each is built only from ``case_transition`` (and ``attachments_add``), so the table's checks, the
timeline events and the notifications are the door's; what is added here is only that the steps
happen together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Attachment, Case, CaseTask
from dangqun.cases.permissions import visible_cases_q
from dangqun.cases.services.attachments import Upload, attachments_add
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import ConflictError, NotFoundError


def case_accept_and_dispatch(
    *,
    case: Case | int,
    actor: Any,
    lead: Unit,
    co_units: Sequence[Unit] = (),
    reason: str = "",
    expected_version: int | None = None,
    sign_hours: Decimal | None = None,
    resolve_days: Decimal | None = None,
    priority: str | None = None,
) -> Case:
    """受理并派单 (一键派单): a new case (待受理) is accepted and dispatched, two moves and two timeline
    events, both or neither; a case already accepted is only dispatched. ``expected_version`` is the
    version the actor saw (the first move checks it; the second follows on from the first).
    ``actor=None`` is the system (triage's auto-dispatch)."""
    case_id = case if isinstance(case, int) else case.pk
    with transaction.atomic():
        seen = Case.objects.filter(pk=case_id)
        if actor is not None:
            seen = seen.filter(visible_cases_q(actor))
        row = seen.values_list("status", "version").first()
        if row is None:
            raise NotFoundError()
        status, current = row
        if expected_version is not None and expected_version != current:
            # Stale before anything else: the page was drawn before another dispatcher acted.
            raise ConflictError(_("诉求已被他人更新,请刷新后重试"), code="stale_version")
        version = expected_version
        if status == CaseStatus.SUBMITTED:
            accepted = case_transition(
                case=case_id, action=Action.ACCEPT, actor=actor, expected_version=version
            )
            version = accepted.version
        return case_transition(
            case=case_id,
            action=Action.DISPATCH,
            actor=actor,
            reason=reason,
            expected_version=version,
            lead=lead,
            co_units=list(co_units),
            sign_hours=sign_hours,
            resolve_days=resolve_days,
            priority=priority,
        )


def case_transition_with_photos(
    *,
    case: Case,
    action: Action | str,
    actor: Any,
    photos: Sequence[Upload],
    stage: str,
    reason: str = "",
    expected_version: int | None = None,
    **params: Any,
) -> tuple[Case, list[Attachment]]:
    """A move with the photos that go with it (a unit's 办结 with its pictures): both or neither.

    The photos are attached first: after 办结 the unit's task is done and it may no longer add files.
    A refused photo or a refused move rolls both back."""
    task_id = params.get("task_id")
    with transaction.atomic():
        attached: list[Attachment] = []
        if photos:
            task = CaseTask.objects.filter(case=case, pk=task_id).first() if task_id else None
            attached = attachments_add(actor=actor, case=case, task=task, stage=stage, uploads=photos)
        moved = case_transition(
            case=case,
            action=action,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
            **params,
        )
    return moved, attached
