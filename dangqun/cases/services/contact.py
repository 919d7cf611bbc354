"""The reporter's phone: masked on every page and in every API answer but the reporter's own; shown
in full only by an explicit, audited action of someone whose work on the case is calling back.

Who may reveal it (``may_reveal_reporter_phone``):

- a unit holding an **open task** on the case (``LEAD_UNIT``/``CO_UNIT``: the relation exists only
  while the task is active), unless the reporter asked to stay anonymous;
- the **dispatcher** at the case's current handling level (acceptance, review, 回访 by phone),
  anonymous cases included: the intake desk registered the call;
- the system administrator;
- the reporter (their own number; shown to them unmasked anyway).

Everyone else who can read the case — a unit whose task is done, a leader or supervisor, a grid
worker without a task — gets 403 (they may see the case, so refusing openly leaks nothing); someone
who cannot read the case gets the 404 of ``access_case_by_code``.

Every reveal writes a ``core.pii_viewed`` row (``target`` the case, ``fields`` ``reporter_phone``,
``basis`` the relations that allowed it and the open task ids), so the access audit holds the case
views alongside the registry's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.models import Case, CaseTask
from dangqun.cases.permissions import STAFF_RELATIONS, my_active_tasks, relations
from dangqun.cases.workflow import Relation
from dangqun.core.errors import ForbiddenError
from dangqun.core.masking import mask_person_name, mask_phone
from dangqun.core.pii_audit import record_pii_view

HANDLER_RELATIONS = frozenset({Relation.LEAD_UNIT, Relation.CO_UNIT})
PHONE_FIELDS = ("reporter_phone",)


def reveal_basis(actor: Any, case: Case, tasks: list[CaseTask] | None = None) -> list[str]:
    """Why ``actor`` may see the reporter's phone in full (sorted relation names, ``sysadmin``);
    empty when they may not."""
    if tasks is None:
        tasks = selectors.case_tasks(case)
    rels = relations(actor, case, tasks)
    basis: set[str] = set()
    if Relation.REPORTER in rels:
        basis.add(Relation.REPORTER.value)
    if Relation.DISPATCHER in rels:
        basis.add(Relation.DISPATCHER.value)
    if not case.is_anonymous:
        basis.update(r.value for r in rels & HANDLER_RELATIONS)
    if get_scope(actor).is_sysadmin:
        basis.add("sysadmin")
    return sorted(basis)


def may_reveal_reporter_phone(actor: Any, case: Case, tasks: list[CaseTask] | None = None) -> bool:
    return bool(case.reporter_phone) and bool(reveal_basis(actor, case, tasks))


def reporter_contact_view(
    actor: Any, case: Case, tasks: list[CaseTask], rels: frozenset[Relation]
) -> dict[str, Any]:
    """The reporter as a case page or the API detail shows them: the name to staff (to the
    dispatcher even when anonymous) and masked to others; the phone in full to the reporter alone
    and masked to everyone else, with whether the reader may reveal it (``may_unmask_phone``)."""
    if Relation.REPORTER in rels:
        return {
            "reporter_name": case.reporter_name,
            "reporter_phone": case.reporter_phone,
            "may_unmask_phone": False,
        }
    is_staff = bool(rels & STAFF_RELATIONS) or get_scope(actor).is_sysadmin
    sees_name = Relation.DISPATCHER in rels or (is_staff and not case.is_anonymous)
    return {
        "reporter_name": case.reporter_name if sees_name else mask_person_name(case.reporter_name),
        "reporter_phone": mask_phone(case.reporter_phone),
        "may_unmask_phone": may_reveal_reporter_phone(actor, case, tasks),
    }


def reporter_phone_reveal(*, actor: Any, code: str, via: str, where: str = "", reason: str = "") -> Case:
    """The case with its reporter's phone, for ``actor`` who may call the reporter back (see the
    module). 404 when ``actor`` cannot read the case, 403 when they can but may not see the phone;
    otherwise one ``core.pii_viewed`` row per call. ``reason`` is optional: the open task (or the
    dispatching role) is the reason, and the row records it as ``basis``."""
    case = selectors.access_case_by_code(actor, code)
    tasks = selectors.case_tasks(case)
    basis = reveal_basis(actor, case, tasks)
    if not basis:
        raise ForbiddenError(_("只有正在办理此诉求的单位或受理调度人员可以查看诉求人电话"))
    if case.reporter_phone:
        scope = get_scope(actor)
        record_pii_view(
            actor=actor,
            target=case,
            fields=PHONE_FIELDS,
            via=via,
            where=where,
            reason=(reason or "").strip(),
            basis={"relations": basis, "tasks": sorted(t.pk for t in my_active_tasks(scope, tasks))},
        )
    return case
