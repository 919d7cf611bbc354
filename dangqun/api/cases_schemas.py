"""Shapes of the cases API, and the builders that fill them from the domain objects."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Attachment, Case, CaseEvent, CaseTask
from dangqun.cases.permissions import STAFF_RELATIONS, relations
from dangqun.cases.public import PUBLIC_EVENTS, PUBLIC_REASON_EVENTS
from dangqun.cases.services.contact import reporter_contact_view
from dangqun.cases.workflow import Action
from dangqun.core.choices import label
from dangqun.core.masking import mask_person_name

# The URL segment of each move: POST /cases/{code}/<segment>. BREACH is the worker's, not an endpoint.
ACTION_PATHS: dict[Action, str] = {
    Action.ACCEPT: "accept",
    Action.REJECT: "reject",
    Action.DISPATCH: "dispatch",
    Action.SIGN: "sign",
    Action.NOTE: "note",
    Action.RETURN: "return",
    Action.RESOLVE: "resolve",
    Action.RESOLVE_ON_SPOT: "resolve-on-spot",
    Action.REVIEW: "review",
    Action.REVIEW_FAIL: "review-fail",
    Action.RATE: "rate",
    Action.CLOSE_UNRATED: "close-unrated",
    Action.ESCALATE: "escalate",
    Action.MERGE: "merge",
    Action.REQUEST_EXTENSION: "extension",
    Action.APPROVE_EXTENSION: "extension/approve",
    Action.REFUSE_EXTENSION: "extension/refuse",
    Action.SUPERVISE: "supervise",
    Action.LIFT_SUPERVISION: "lift-supervision",
    Action.FOLLOW_UP: "follow-up",
}

RESULT_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.REVIEWED, CaseStatus.CLOSED})


# --- input ------------------------------------------------------------------------------------------


class CaseCreateIn(Schema):
    channel: str = Field("app", description="app/web(群众);grid_worker/proactive(网格);hotline_12345 等")
    case_type: str = "help"
    category: str | None = Field(None, description="分类编码")
    priority: str = "normal"
    title: str = Field(..., max_length=120)
    description: str = Field(..., max_length=5000)
    lng: float | None = None
    lat: float | None = None
    crs: str = Field("wgs84", description="wgs84 / gcj02 / bd09")
    region: str | None = Field(None, description="区划代码(无坐标时)")
    address: str = Field("", max_length=200)
    reporter_name: str = Field("", max_length=50, description="诉求人(热线来电人)")
    reporter_phone: str = Field("", max_length=20)
    is_anonymous: bool = False
    source_ref: str = Field("", max_length=64)


class ActionIn(Schema):
    reason: str = Field("", max_length=2000)
    expected_version: int | None = None


class TaskActionIn(ActionIn):
    task_id: int | None = None


class UnitIn(Schema):
    department: str | None = Field(None, description="部门编码")
    region: str | None = Field(None, description="属地区划代码(街道或社区)")


class DispatchIn(ActionIn):
    lead: UnitIn
    co_units: list[UnitIn] = Field(default_factory=list, max_length=10)
    sign_hours: Decimal | None = Field(None, gt=0, le=240)
    resolve_days: Decimal | None = Field(None, gt=0, le=365)
    priority: str | None = None


class RateIn(ActionIn):
    satisfaction: str = Field(..., description="satisfied/basically/unsatisfied 或 满意/基本满意/不满意")
    comment: str = Field("", max_length=500)


class MergeIn(ActionIn):
    main_case: str = Field(..., description="主诉求编号")


class ExtensionRequestIn(TaskActionIn):
    days: Decimal = Field(..., description="延期工作日")


class ExtensionApproveIn(TaskActionIn):
    days: Decimal | None = None


class FollowUpIn(ActionIn):
    method: str = "phone"
    satisfaction: str = ""


# --- output -----------------------------------------------------------------------------------------


class NamedOut(Schema):
    code: str
    name: str


class ActionOut(Schema):
    action: str
    label: str
    path: str
    needs_reason: bool


class EventOut(Schema):
    id: int
    type: str
    label: str
    actor_label: str
    actor_unit: str
    from_status: str
    to_status: str
    reason: str
    payload: dict[str, Any]
    task_id: int | None
    created_at: dt.datetime


class TaskOut(Schema):
    id: int
    role: str
    role_label: str
    unit_kind: str
    unit_code: str
    unit_name: str
    status: str
    status_label: str
    sign_due_at: dt.datetime
    resolve_due_at: dt.datetime
    signed_at: dt.datetime | None
    signed_by: str
    done_at: dt.datetime | None
    result: str
    extension_status: str
    extension_days: Decimal | None
    sign_breached: bool
    resolve_breached: bool
    light: str | None


class AttachmentOut(Schema):
    id: int
    stage: str
    name: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    task_id: int | None
    url: str
    created_at: dt.datetime


class CaseListItemOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    channel: str
    case_type: str
    priority: str
    category: NamedOut | None
    region: NamedOut
    lead_department: NamedOut | None
    is_supervised: bool
    submitted_at: dt.datetime
    resolve_due_at: dt.datetime | None
    light: str | None
    satisfaction: str


class CaseDetailOut(CaseListItemOut):
    id: int
    version: int
    channel_label: str
    case_type_label: str
    priority_label: str
    description: str
    lng: float | None
    lat: float | None
    address: str
    grid: NamedOut | None
    handling_region: NamedOut
    reporter_name: str
    reporter_phone: str = Field(description="诉求人电话:仅对诉求人本人完整显示,其余均脱敏")
    may_unmask_phone: bool = Field(
        description="当前用户可通过 POST /cases/{code}/unmask 查看完整电话(记录访问审计)"
    )
    is_anonymous: bool
    source_ref: str
    suggested_route: dict[str, Any]
    merged_into: str | None
    reopen_count: int
    escalation_count: int
    rating_comment: str
    result: str
    sign_due_at: dt.datetime | None
    breached_at: dt.datetime | None
    accepted_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    signed_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    rated_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolved_on_time: bool | None
    timeline: list[EventOut]
    tasks: list[TaskOut]
    attachments: list[AttachmentOut]
    actions: list[ActionOut]


class TrackEventOut(Schema):
    label: str
    actor: str
    unit: str
    reason: str
    created_at: dt.datetime


class TrackOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    category: str
    submitted_at: dt.datetime
    result: str
    satisfaction: str
    timeline: list[TrackEventOut]


# --- builders ---------------------------------------------------------------------------------------


def _named(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def list_item(case: Case) -> dict[str, Any]:
    return {
        "code": case.code,
        "title": case.title,
        "status": case.status,
        "status_label": label(CaseStatus, case.status),
        "channel": case.channel,
        "case_type": case.case_type,
        "priority": case.priority,
        "category": _named(case.category),
        "region": _named(case.region),
        "lead_department": _named(case.lead_department),
        "is_supervised": case.is_supervised,
        "submitted_at": case.submitted_at,
        "resolve_due_at": case.resolve_due_at,
        "light": selectors.case_light(case),
        "satisfaction": case.satisfaction,
    }


def _event(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "type": event.event_type,
        "label": event.get_event_type_display(),
        "actor_label": event.actor_label,
        "actor_unit": event.actor_unit,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "payload": event.payload,
        "task_id": event.task_id,
        "created_at": event.created_at,
    }


def _task(task: CaseTask) -> dict[str, Any]:
    unit: Any = task.department or task.region
    signer = task.signed_by
    return {
        "id": task.pk,
        "role": task.role,
        "role_label": task.get_role_display(),
        "unit_kind": "department" if task.department_id else "region",
        "unit_code": unit.code,
        "unit_name": unit.name,
        "status": task.status,
        "status_label": task.get_status_display(),
        "sign_due_at": task.sign_due_at,
        "resolve_due_at": task.resolve_due_at,
        "signed_at": task.signed_at,
        "signed_by": (signer.display_name or signer.username) if signer else "",
        "done_at": task.done_at,
        "result": task.result,
        "extension_status": task.extension_status,
        "extension_days": task.extension_days,
        "sign_breached": task.sign_breached,
        "resolve_breached": task.resolve_breached,
        "light": selectors.task_light(task),
    }


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "stage": attachment.stage,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "width": attachment.width,
        "height": attachment.height,
        "task_id": attachment.task_id,
        "url": f"/api/v1/attachments/{attachment.pk}",
        "created_at": attachment.created_at,
    }


def actions_for(case: Case, user: Any, tasks: list[CaseTask] | None = None) -> list[dict[str, Any]]:
    """The moves the viewer may make now (``selectors.available_moves``: the door's own checks)."""
    return [
        {
            "action": t.action,
            "label": str(t.label),
            "path": ACTION_PATHS[Action(t.action)],
            "needs_reason": t.needs_reason,
        }
        for t in selectors.available_moves(case, user, tasks=tasks)
        if t.action in ACTION_PATHS
    ]


def case_detail(
    case: Case,
    user: Any,
    *,
    tasks: list[CaseTask] | None = None,
    events: list[CaseEvent] | None = None,
    attachments: list[Attachment] | None = None,
) -> dict[str, Any]:
    """The case as its viewer may see it: contact masked unless they handle it or reported it.
    ``tasks``, ``events`` and ``attachments`` are read from the database unless the caller has them."""
    if tasks is None:
        tasks = selectors.case_tasks(case)
    rels = relations(user, case, tasks)
    is_staff = bool(rels & STAFF_RELATIONS) or get_scope(user).is_sysadmin
    return {
        **list_item(case),
        "light": selectors.case_light(case, tasks),
        "id": case.pk,
        "version": case.version,
        "channel_label": case.get_channel_display(),
        "case_type_label": case.get_case_type_display(),
        "priority_label": case.get_priority_display(),
        "description": case.description,
        "lng": case.lng,
        "lat": case.lat,
        "address": case.address,
        "grid": _named(case.grid),
        "handling_region": _named(case.handling_region),
        **reporter_contact_view(user, case, tasks, rels),
        "is_anonymous": case.is_anonymous,
        "source_ref": case.source_ref,
        "suggested_route": case.suggested_route if is_staff else {},
        "merged_into": case.merged_into.code if case.merged_into_id and case.merged_into else None,
        "reopen_count": case.reopen_count,
        "escalation_count": case.escalation_count,
        "rating_comment": case.rating_comment,
        "result": case.result,
        "sign_due_at": case.sign_due_at,
        "breached_at": case.breached_at,
        "accepted_at": case.accepted_at,
        "dispatched_at": case.dispatched_at,
        "signed_at": case.signed_at,
        "resolved_at": case.resolved_at,
        "reviewed_at": case.reviewed_at,
        "rated_at": case.rated_at,
        "closed_at": case.closed_at,
        "resolved_on_time": case.resolved_on_time,
        "timeline": [_event(e) for e in (events if events is not None else selectors.case_timeline(case))],
        "tasks": [_task(t) for t in tasks],
        "attachments": [
            attachment_out(a)
            for a in (attachments if attachments is not None else selectors.case_attachments(case))
        ],
        "actions": actions_for(case, user, tasks),
    }


def track_out(case: Case) -> dict[str, Any]:
    events = [e for e in selectors.case_timeline(case) if e.event_type in PUBLIC_EVENTS]
    return {
        "code": case.code,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "category": case.category.name if case.category else "",
        "submitted_at": case.submitted_at,
        "result": case.result if case.status in RESULT_STATUSES else "",
        "satisfaction": case.satisfaction,
        "timeline": [
            {
                "label": e.get_event_type_display(),
                "actor": mask_person_name(e.actor_label),
                "unit": e.actor_unit,
                "reason": e.reason if e.event_type in PUBLIC_REASON_EVENTS else "",
                "created_at": e.created_at,
            }
            for e in events
        ],
    }
