"""What each case event tells whom. The inbox rows are written inside the move's transaction: a
rolled-back move notifies nobody, and a committed move has its notices even when the process dies
right after the commit (a job killed mid-sweep, a server killed mid-request). The external sends are
queued when that transaction commits (``notify_users``)."""

from __future__ import annotations

from typing import Any

from dangqun.cases.enums import ACTIVE_TASK_STATUSES
from dangqun.cases.models import Case, CaseEvent, CaseTask
from dangqun.cases.recipients import dispatchers, reporters, unit_staff
from dangqun.notify.services import notify_users

TITLES = {
    "case.dispatched": "新派单:{code} {title}",
    "case.returned": "诉求被退单:{code} {title}",
    "case.resolved": "诉求已办结待审核:{code} {title}",
    "case.reviewed": "您的诉求已办结,请评价:{code}",
    "case.reopened": "诉求重办:{code} {title}",
    "case.escalated": "诉求上报至本级:{code} {title}",
    "case.rejected": "您的诉求不予受理:{code}",
    "case.merged": "诉求已并入{main}:{code}",
    "case.extension_requested": "延期申请待审批:{code} {title}",
    "case.extension_decided": "延期申请已处理:{code} {title}",
    "case.supervised": "督办:{code} {title}",
    "case.breached": "超时:{code} {title}",
    "case.due_soon": "即将超时:{code} {title}",
}


def _recipients(kind: str, case: Case, tasks: list[CaseTask]) -> list[Any]:
    active = [t for t in tasks if t.status in ACTIVE_TASK_STATUSES]
    if kind in ("case.dispatched", "case.supervised", "case.extension_decided", "case.due_soon"):
        return unit_staff(active)
    if kind == "case.reopened":
        return unit_staff(active) + reporters(case)
    if kind in ("case.returned", "case.resolved", "case.escalated", "case.extension_requested"):
        return dispatchers(case)
    if kind == "case.breached":
        return unit_staff(active) + dispatchers(case)
    if kind in ("case.reviewed", "case.rejected", "case.merged"):
        return reporters(case)
    return []


def queue_notifications(
    *, kind: str, case: Case, tasks: list[CaseTask], event: CaseEvent | None, actor: Any
) -> None:
    main = case.merged_into.code if case.merged_into_id and case.merged_into else ""
    title = TITLES[kind].format(code=case.code, title=case.title[:40], main=main)
    body = event.reason if event is not None else ""
    # Read again with what the recipients need: the move may have changed the handling region.
    fresh = Case.objects.select_related("handling_region", "merged_into").get(pk=case.pk)
    users = [u for u in _recipients(kind, fresh, list(tasks)) if getattr(actor, "pk", None) != u.pk]
    if users:
        notify_users(
            actor=actor,
            recipients=users,
            kind=kind,
            title=title,
            body=body,
            link=f"/cases/{fresh.code}/",
            subject_type="cases.case",
            subject_id=str(case.pk),
            channels=("sms",) if kind in ("case.dispatched", "case.breached") else (),
        )
