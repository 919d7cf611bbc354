"""The case page (/cases/<code>/): facts, the whole timeline, photos, tasks and every move the viewer
may make now, drawn from the workflow table (``workflow.available``).

Each move posts to /cases/<code>/do/<action>/, which calls the same service as the API
(``case_transition``; a move with photos ``case_transition_with_photos``, both or neither). Every form
carries the version the page was drawn from: a page that went stale gets a clear message and the fresh page.
Bad input re-draws the page with the error next to the field and what was typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.analytics.command_data import unit_options
from dangqun.cases import selectors
from dangqun.cases.enums import (
    CaseStatus,
    Priority,
    Satisfaction,
    TaskRole,
)
from dangqun.cases.models import AttachmentStage, Case, CaseTask
from dangqun.cases.permissions import STAFF_RELATIONS, my_active_tasks, relations
from dangqun.cases.services.attachments import ATTACH_RELATIONS, attachments_add, upload_from
from dangqun.cases.services.contact import reporter_contact_view, reporter_phone_reveal
from dangqun.cases.services.moves import case_accept_and_dispatch, case_transition_with_photos
from dangqun.cases.workflow import TRANSITIONS, Action, Relation, Transition
from dangqun.core.errors import ConflictError, DomainError, ForbiddenError, validation_text
from dangqun.core.uploads import UploadRejectedError
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from dangqun.triage.replies import ReplyScore, score_reply
from dangqun.web.access import not_found_as_404
from dangqun.web.views.case_duplicates import case_duplicates
from dangqun.web.views.command_dispatch import dispatch_params, safe_next

# Moves a person makes on this page (the overdue sweep is the worker's).
PAGE_ACTIONS = frozenset(TRANSITIONS) - {Action.BREACH}
TASK_ACTIONS = frozenset(
    {
        Action.SIGN,
        Action.NOTE,
        Action.RETURN,
        Action.RESOLVE,
        Action.REQUEST_EXTENSION,
        Action.APPROVE_EXTENSION,
        Action.REFUSE_EXTENSION,
    }
)
PHOTO_STAGES = {Action.NOTE: AttachmentStage.HANDLING, Action.RESOLVE: AttachmentStage.RESULT}
RATED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED)
FOLLOW_UP_METHODS = [
    ("phone", gettext_lazy("电话")),
    ("sms", gettext_lazy("短信")),
    ("visit", gettext_lazy("上门")),
    ("online", gettext_lazy("网上")),
]
MAX_PHOTOS = 6


@dataclass
class MoveForm:
    """One move's form: what the template needs to draw it, and its errors after a bad post."""

    transition: Transition
    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def general_errors(self) -> list[str]:
        """Errors that belong to no field drawn on the form (shown at its top)."""
        drawn = {"reason", "lead", "co_units", "sign_hours", "resolve_days", "priority", "task_id"}
        drawn |= {"satisfaction", "main_case", "days", "photos"}
        return [m for key, msgs in self.errors.items() if key not in drawn for m in msgs]

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return str(self.transition.label)

    @property
    def needs_reason(self) -> bool:
        return self.transition.needs_reason

    @property
    def takes_photos(self) -> bool:
        return self.transition.action in PHOTO_STAGES

    @property
    def is_primary(self) -> bool:
        return self.transition.action in {
            Action.DISPATCH,
            Action.SIGN,
            Action.RESOLVE,
            Action.REVIEW,
            Action.RATE,
        }


def _moves(case: Case, user: Any, tasks: list[CaseTask]) -> list[Transition]:
    """The viewer's moves now (``selectors.available_moves``: the door's own checks)."""
    moves = [t for t in selectors.available_moves(case, user, tasks=tasks) if t.action in PAGE_ACTIONS]
    if case.status == CaseStatus.SUBMITTED and any(t.action == Action.ACCEPT for t in moves):
        # 受理并派单 in one step, drawn as the dispatch form (accept stays available on its own): the
        # dispatcher who may accept may dispatch what they accepted
        moves.insert(0, TRANSITIONS[Action.DISPATCH])
    return moves


def _route_view(route: dict[str, Any]) -> dict[str, Any]:
    """The suggestion with unit names instead of codes (two small queries when there is one)."""
    if not route:
        return {}
    view = dict(route)
    dept_codes = [route.get("lead_department"), *(route.get("co_departments") or [])]
    names = dict(Department.objects.filter(code__in=[c for c in dept_codes if c]).values_list("code", "name"))
    view["lead_department"] = names.get(route.get("lead_department") or "", route.get("lead_department"))
    view["co_departments"] = [names.get(c, c) for c in route.get("co_departments") or []]
    if route.get("lead_region"):
        region = Region.objects.filter(code=route["lead_region"]).first()
        view["lead_region"] = region.name if region else route["lead_region"]
    triage = route.get("triage")
    view["triage"] = triage if isinstance(triage, dict) else None
    return view


def _reply_quality(case: Case, tasks: list[CaseTask]) -> ReplyScore | None:
    """At the review step (resolved, awaiting review): the lead unit's result scored against the
    case (``triage.replies``), for the reviewer."""
    if case.status != CaseStatus.RESOLVED:
        return None
    lead = next((t for t in tasks if t.role == TaskRole.LEAD and t.result.strip()), None)
    if lead is None:
        return None
    return score_reply(case.title, case.description, lead.result, case.submitted_at, lead.done_at)


def page_context(request: HttpRequest, case: Case, failed: MoveForm | None = None) -> dict[str, Any]:
    user = request.user
    tasks = selectors.case_tasks(case)
    rels = relations(user, case, tasks)
    scope = get_scope(user)
    forms = []
    for transition in _moves(case, user, tasks):
        if failed is not None and failed.transition.action == transition.action:
            forms.append(failed)
        else:
            forms.append(MoveForm(transition))
    is_staff = bool(rels & STAFF_RELATIONS) or scope.is_sysadmin
    attachments = selectors.case_attachments(case)
    task_by_id = {t.pk: t for t in tasks}
    needs_units = any(f.transition.action == Action.DISPATCH for f in forms)
    return {
        "case": case,
        "tasks": [(t, selectors.task_light(t)) for t in tasks],
        "task_by_id": task_by_id,
        "my_tasks": my_active_tasks(scope, tasks),
        "timeline": selectors.case_timeline(case),
        "photos": [a for a in attachments if a.content_type.startswith("image/")],
        "files": [a for a in attachments if not a.content_type.startswith("image/")],
        "light": selectors.case_light(case, tasks),
        "forms": forms,
        "may_attach": bool(rels & ATTACH_RELATIONS),
        "is_staff": is_staff,
        **reporter_contact_view(user, case, tasks, rels),
        "route": _route_view(case.suggested_route) if is_staff else {},
        "units": unit_options() if needs_units else [],
        "priorities": Priority.choices,
        "ratings": [(s.value, s.label) for s in RATED],
        "follow_up_methods": FOLLOW_UP_METHODS,
        "max_photos": MAX_PHOTOS,
        "task_actions": [a.value for a in TASK_ACTIONS],
        "attachment_count": len(attachments),
        "reply_quality": _reply_quality(case, tasks) if is_staff else None,
        "duplicates": case_duplicates(
            user, case, may_merge=any(f.transition.action == Action.MERGE for f in forms)
        ),
    }


@login_required
@not_found_as_404
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = selectors.access_case_by_code(request.user, code)
    return render(request, "web/case/detail.html", page_context(request, case))


# --- moves --------------------------------------------------------------------------------------------


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("expected_version", "")
    return int(raw) if raw.isdigit() else None


def _task_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("task_id", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"task_id": gettext("任务编号无效")})
    return int(raw)


def _params(request: HttpRequest, action: Action) -> dict[str, Any]:
    post = request.POST
    params: dict[str, Any] = {}
    if action in TASK_ACTIONS and (task_id := _task_id(request)) is not None:
        params["task_id"] = task_id
    if action == Action.RATE:
        value = post.get("satisfaction", "")
        if value not in Satisfaction.values or value == Satisfaction.UNRATED:
            raise ValidationError({"satisfaction": gettext("请选择满意、基本满意或不满意")})
        params.update(satisfaction=value, comment=post.get("comment", "")[:500])
    elif action == Action.MERGE:
        code = post.get("main_case", "").strip()
        try:
            params["main_case"] = selectors.access_case_by_code(request.user, code)
        except DomainError:
            raise ValidationError(
                {"main_case": gettext("未找到主诉求编号:%(code)s") % {"code": code}}
            ) from None
    elif action == Action.REQUEST_EXTENSION:
        if not post.get("days", "").strip():
            raise ValidationError({"days": gettext("请填写延期天数")})
        params["days"] = post.get("days", "").strip()
    elif action == Action.APPROVE_EXTENSION and post.get("days", "").strip():
        params["days"] = post.get("days", "").strip()
    elif action == Action.FOLLOW_UP:
        params.update(method=post.get("method", "phone"), satisfaction=post.get("satisfaction", ""))
    return params


def _photos(request: HttpRequest) -> list[Any]:
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": gettext("一次最多上传%(n)d张照片") % {"n": MAX_PHOTOS}})
    return files


def _redraw(
    request: HttpRequest, case: Case, transition: Transition, errors: dict[str, list[str]]
) -> HttpResponse:
    values = {
        k: request.POST.getlist(k) if k == "co_units" else request.POST.get(k, "") for k in request.POST
    }
    failed = MoveForm(transition, errors=errors, values=values)
    context = page_context(request, case, failed)
    context["focus_action"] = transition.action
    return render(request, "web/case/detail.html", context, status=422)


def _apply(request: HttpRequest, case: Case, action: Action) -> None:
    version = _version(request)
    if action == Action.DISPATCH and case.status == CaseStatus.SUBMITTED:
        case_accept_and_dispatch(
            case=case, actor=request.user, expected_version=version, **dispatch_params(request.POST)
        )
        return
    params = dispatch_params(request.POST) if action == Action.DISPATCH else _params(request, action)
    files = _photos(request) if action in PHOTO_STAGES else []
    case_transition_with_photos(
        case=case,
        action=action,
        actor=request.user,
        photos=[upload_from(f) for f in files],
        stage=PHOTO_STAGES.get(action, AttachmentStage.HANDLING),
        reason=request.POST.get("reason", ""),
        expected_version=version,
        **params,
    )


@login_required
@require_POST
@not_found_as_404
def case_move(request: HttpRequest, code: str, action: str) -> HttpResponse:
    try:
        move = Action(action)
    except ValueError:
        raise Http404 from None
    if move not in PAGE_ACTIONS:
        raise Http404
    case = selectors.access_case_by_code(request.user, code)
    transition = TRANSITIONS[move]
    try:
        _apply(request, case, move)
    except ValidationError as exc:
        return _redraw(request, case, transition, exc.message_dict)
    except UploadRejectedError as exc:
        return _redraw(request, case, transition, {"photos": [str(exc)]})
    except ConflictError as exc:
        messages.error(request, gettext("操作未完成:%(text)s(页面已更新为最新状态)") % {"text": exc})
        return redirect("web:case", code=case.code)
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc})
        return redirect("web:case", code=case.code)
    messages.success(
        request, gettext("%(code)s:已%(label)s") % {"code": case.code, "label": transition.label}
    )
    return redirect(safe_next(request, f"/cases/{case.code}/"))


@login_required
@require_POST
@not_found_as_404
def case_phone(request: HttpRequest, code: str) -> HttpResponse:
    """显示电话: the reporter's phone in full for a handler with an open task (or the dispatcher), one
    access-audit row per reveal (``cases.services.contact``). htmx swaps the contact line in place;
    without scripts the whole page comes back with the phone shown. Not stored by any cache."""
    try:
        case = reporter_phone_reveal(
            actor=request.user,
            code=code,
            via="web",
            where=request.path,
            reason=request.POST.get("reason", ""),
        )
    except ForbiddenError as exc:
        raise PermissionDenied(exc.message) from exc
    shown = {"reporter_phone": case.reporter_phone, "may_unmask_phone": False}
    if request.headers.get("HX-Request") == "true":
        tasks = selectors.case_tasks(case)
        contact = reporter_contact_view(request.user, case, tasks, relations(request.user, case, tasks))
        response = render(request, "web/case/_reporter_contact.html", {"case": case, **contact, **shown})
    else:
        response = render(request, "web/case/detail.html", {**page_context(request, case), **shown})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@not_found_as_404
def case_photos(request: HttpRequest, code: str) -> HttpResponse:
    """Add photos to a case without a move (the reporter, a handler, the dispatcher)."""
    case = selectors.access_case_by_code(request.user, code)
    try:
        files = _photos(request)
        if not files:
            raise ValidationError({"photos": gettext("请选择要上传的照片")})
        stage = AttachmentStage.REPORT
        if relations(request.user, case) & {Relation.LEAD_UNIT, Relation.CO_UNIT}:
            stage = AttachmentStage.HANDLING
        attachments_add(actor=request.user, case=case, stage=stage, uploads=[upload_from(f) for f in files])
    except ValidationError as exc:
        text = validation_text(exc)
        messages.error(request, text)
    except DomainError as exc:
        messages.error(request, gettext("上传未完成:%(text)s") % {"text": exc})
    else:
        messages.success(request, gettext("已上传%(n)d张照片") % {"n": len(files)})
    return redirect("web:case", code=case.code)
