"""Scoped reads of cases. Every list and every fetch for a user goes through ``visible_cases_q``:
out of scope and nonexistent both answer 404 (``NotFoundError``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import ACTIVE_TASK_STATUSES, CaseStatus, TaskRole
from dangqun.cases.models import Attachment, Case, CaseEvent, CaseTask, Category
from dangqun.cases.permissions import REGION_VIEW_ROLES, visible_cases_q
from dangqun.cases.search import search_q
from dangqun.cases.workflow import CaseWorkflow, Transition
from dangqun.core import clock, pii, workcal
from dangqun.core.errors import NotFoundError
from dangqun.core.i18n import join_list
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

# The statuses in which a unit is working against the resolve-by clock (the light is lit).
CLOCK_STATUSES = frozenset({CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS})
LIGHTS = tuple(workcal.DeadlineLight.values)


@dataclass(frozen=True)
class CaseFilters:
    """What a case list may be narrowed by. Codes are resolved here; an unknown one is a 422."""

    status: tuple[str, ...] = ()
    category: str = ""  # category code: that category and everything below it
    region: str = ""  # region code: that region's subtree (404 outside the user's scope)
    unit: str = ""  # department code: cases with a task for it
    light: str = ""  # green / yellow / red
    overdue: bool | None = None
    channel: str = ""
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    supervised: bool | None = None
    mine: bool = False
    q: str = ""


# --- access helpers ---------------------------------------------------------------------------------


def _detail_qs() -> QuerySet[Case]:
    return Case.objects.select_related(
        "category", "region", "grid", "handling_region", "lead_department", "merged_into", "reporter"
    )


def access_case_by_id(user: Any, case_id: int) -> Case:
    case = _detail_qs().filter(visible_cases_q(user), pk=case_id).first()
    if case is None:
        raise NotFoundError(_("诉求不存在或无权访问"))
    return case


def access_case_by_code(user: Any, code: str) -> Case:
    case = _detail_qs().filter(visible_cases_q(user), code=code).first()
    if case is None:
        raise NotFoundError(_("诉求不存在或无权访问"))
    return case


def access_attachment_by_id(user: Any, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("case")
        .filter(pk=attachment_id, case__in=Case.objects.filter(visible_cases_q(user)).values("pk"))
        .first()
    )
    if attachment is None:
        raise NotFoundError(_("附件不存在或无权访问"))
    return attachment


def case_by_code_for_tracking(code: str, phone_last4: str) -> Case:
    """A case for the public tracking page: the code and the last four digits of the reporter's phone
    must both match. A wrong phone and an unknown code give the same 404. The digits are compared
    with the keyed hash of the phone's last four (``reporter_phone_last4_hash``): nothing is
    decrypted to answer a guess."""
    digits = (phone_last4 or "").strip()
    case = (
        Case.objects.select_related("category").filter(code=(code or "").strip()).first()
        if len(digits) == 4 and digits.isdigit()
        else None
    )
    if case is None or not pii.hash_matches(pii.PHONE_LAST4, digits, case.reporter_phone_last4_hash):
        raise NotFoundError(_("未找到该诉求,请核对诉求编号和手机号后四位"))
    return case


# --- lists --------------------------------------------------------------------------------------------


def _lead_allowed_seconds() -> SqlCase:
    """The lead task's allowed working time, read only for cases whose clock runs (the light needs it
    for those alone; a list of mostly closed cases then skips the per-row look-up)."""
    return SqlCase(
        When(
            status__in=CLOCK_STATUSES,
            then=Subquery(
                CaseTask.objects.filter(case=OuterRef("pk"), role=TaskRole.LEAD)
                .order_by("-id")
                .values("allowed_seconds")[:1]
            ),
        ),
        default=None,
    )


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationError({"category": _("未知分类编码: %(code)s") % {"code": code}})
    return category


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ValidationError({"unit": _("未知部门编码: %(code)s") % {"code": code}})
    return department


def _region_in_scope(user: Any, code: str) -> Region:
    """The region named by ``code``; 404 when unknown or when it lies wholly outside the user's regions."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFoundError(_("未知区划代码: %(code)s") % {"code": code})
    scope = get_scope(user)
    paths = scope.region_paths(REGION_VIEW_ROLES)
    if not scope.is_sysadmin and paths:
        related = any(region.path.startswith(p) or p.startswith(region.path) for p in paths)
        if not related:
            raise NotFoundError(_("区划“%(name)s”不在您的管辖范围内") % {"name": region.name})
    return region


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _clock_q() -> Q:
    return Q(status__in=CLOCK_STATUSES, resolve_due_at__isnull=False)


def _light_q(light: str, at: dt.datetime) -> Q:
    """Cases whose resolve-by light is ``light`` now.

    Red: past due. Yellow: less than the yellow fraction of the lead task's allowed working time is
    left. The working-time threshold depends on ``allowed_seconds``, so the filter asks once for the
    distinct values among open lead tasks (few: one per policy) and compares ``resolve_due_at`` with
    the moment that much working time from now, per value.
    """
    if light not in LIGHTS:
        raise ValidationError({"light": _("未知时限灯: %(light)s(可选 green/yellow/red)") % {"light": light}})
    if light == workcal.DeadlineLight.RED:
        return _clock_q() & Q(resolve_due_at__lt=at)
    values = (
        CaseTask.objects.filter(role=TaskRole.LEAD, status__in=ACTIVE_TASK_STATUSES, resolve_due_at__gte=at)
        .values_list("allowed_seconds", flat=True)
        .distinct()
    )
    # The calendar's own setting reader, so that the filter and ``deadline_light`` agree.
    fraction = workcal.yellow_fraction()
    yellow = Q(pk__in=[])
    for seconds in values:
        threshold = workcal.add_working_hours(at, seconds * fraction / 3600)
        yellow |= Q(lead_allowed_seconds=seconds, resolve_due_at__lt=threshold)
    upcoming = _clock_q() & Q(resolve_due_at__gte=at)
    if light == workcal.DeadlineLight.YELLOW:
        return upcoming & yellow
    return upcoming & ~yellow


def cases_for(user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see, narrowed by ``filters``, newest first, ready for a list page
    (one query whatever the page size: related rows joined, the lead task's allowed time annotated)."""
    f = filters or CaseFilters()
    at = clock.now()
    qs = (
        Case.objects.filter(visible_cases_q(user))
        .select_related("category", "region", "lead_department")
        .annotate(lead_allowed_seconds=_lead_allowed_seconds())
    )
    if f.mine:
        scope = get_scope(user)
        qs = qs.filter(reporter_id=scope.user_id)
    if f.status:
        unknown = [s for s in f.status if s not in CaseStatus.values]
        if unknown:
            raise ValidationError({"status": _("未知状态: %(join)s") % {"join": join_list(unknown)}})
        qs = qs.filter(status__in=f.status)
    if f.category:
        qs = qs.filter(category__path__subtree=_category(f.category).path)
    if f.region:
        qs = qs.filter(region_path__subtree=_region_in_scope(user, f.region).path)
    if f.unit:
        department = _department(f.unit)
        qs = qs.filter(pk__in=CaseTask.objects.filter(department=department).values("case_id"))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.submitted_from is not None:
        qs = qs.filter(submitted_at__gte=_local_midnight(f.submitted_from))
    if f.submitted_to is not None:
        qs = qs.filter(submitted_at__lt=_local_midnight(f.submitted_to + dt.timedelta(days=1)))
    if f.supervised is not None:
        qs = qs.filter(is_supervised=f.supervised)
    if f.overdue is True:
        qs = qs.filter(_light_q(workcal.DeadlineLight.RED, at))
    elif f.overdue is False:
        qs = qs.exclude(_light_q(workcal.DeadlineLight.RED, at))
    if f.light:
        qs = qs.filter(_light_q(f.light, at))
    if f.q.strip():
        qs = qs.filter(search_q(f.q))
    return qs.order_by("-submitted_at", "-id")


# --- lights, tasks and the timeline -------------------------------------------------------------------


def deadline_light(
    *, status: str, due_at: dt.datetime | None, allowed_seconds: float | None, at: dt.datetime | None = None
) -> str | None:
    """The resolve-by light of a case or task while its clock runs; ``None`` when no clock runs."""
    if due_at is None or status not in CLOCK_STATUSES:
        return None
    return str(workcal.deadline_light(at or clock.now(), due_at, float(allowed_seconds or 0)))


def task_light(task: CaseTask, at: dt.datetime | None = None) -> str | None:
    if task.status not in ACTIVE_TASK_STATUSES:
        return None
    return str(workcal.deadline_light(at or clock.now(), task.resolve_due_at, float(task.allowed_seconds)))


def case_light(case: Case, tasks: list[CaseTask] | None = None, at: dt.datetime | None = None) -> str | None:
    allowed = getattr(case, "lead_allowed_seconds", None)
    if allowed is None and tasks is not None:
        leads = [t for t in tasks if t.role == TaskRole.LEAD]
        allowed = leads[-1].allowed_seconds if leads else 0
    return deadline_light(status=case.status, due_at=case.resolve_due_at, allowed_seconds=allowed, at=at)


def case_tasks(case: Case) -> list[CaseTask]:
    return list(
        CaseTask.objects.filter(case=case).select_related("department", "region", "signed_by").order_by("id")
    )


def available_moves(case: Case, actor: Any, *, tasks: list[CaseTask] | None = None) -> list[Transition]:
    """The moves ``actor`` may make on ``case`` now, by the door's own checks (status, relation,
    guard): what the API offers and the pages draw as buttons. ``tasks`` as ``case_tasks`` reads them
    (with their regions), when the caller has them already."""
    if tasks is None:
        tasks = case_tasks(case)
    return CaseWorkflow.available_moves(case, actor, state={"tasks": tasks})


def may_move(case: Case, actor: Any, action: str, *, tasks: list[CaseTask] | None = None) -> bool:
    """Whether ``action`` is among ``available_moves(case, actor)`` (that one row checked)."""
    if tasks is None:
        tasks = case_tasks(case)
    return CaseWorkflow.can(case, actor, action, state={"tasks": tasks})


def case_timeline(case: Case) -> list[CaseEvent]:
    """The case's events in the order they happened."""
    return list(CaseEvent.objects.filter(case=case).order_by("id"))


def case_attachments(case: Case) -> list[Attachment]:
    return list(Attachment.objects.filter(case=case).order_by("id"))
