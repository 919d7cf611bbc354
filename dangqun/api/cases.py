"""诉求 (cases): intake, scoped lists and detail, public tracking by code, attachments.

Every workflow move has its own endpoint (``cases_actions``, drawn from ``workflow.TRANSITIONS``).
Out of scope and nonexistent cases both answer 404.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from dangqun.api import cases_actions
from dangqun.api.cases_schemas import (
    AttachmentOut,
    CaseCreateIn,
    CaseDetailOut,
    CaseListItemOut,
    TrackOut,
    attachment_out,
    case_detail,
    list_item,
    track_out,
)
from dangqun.cases import selectors
from dangqun.cases.channels import CITIZEN_CHANNELS, HOTLINE_CHANNELS, channel_check
from dangqun.cases.models import AttachmentStage, Case, CaseTask, Category
from dangqun.cases.permissions import relations
from dangqun.cases.selectors_search import DEFAULT_SORT, CaseSearch, search_cases
from dangqun.cases.services.attachments import attachment_add
from dangqun.cases.services.contact import reporter_phone_reveal
from dangqun.cases.services.intake import case_create
from dangqun.cases.workflow import Relation
from dangqun.core import ratelimit
from dangqun.core.errors import DomainError
from dangqun.regions.models import Region

router = Router(tags=["cases"])

TRACK_RATE_PER_MINUTE = 30


class TooManyRequestsError(DomainError):
    status_code = 429

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("请求过于频繁,请稍后再试"), code="too_many_requests")


class CaseListQuery(Schema):
    status: list[str] = Field(default_factory=list, description="状态,可多选(重复参数或逗号分隔)")
    category: str | None = Field(None, description="分类编码(含下级)")
    region: str | None = Field(None, description="区划代码(含下级)")
    unit: str | None = Field(None, description="部门编码:有该部门任务的诉求")
    light: str | None = Field(None, description="green / yellow / red")
    overdue: bool | None = None
    channel: str | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    supervised: bool | None = None
    mine: bool = Field(False, description="只看我提交的诉求")
    q: str | None = Field(None, max_length=100, description="全文检索(标题与内容)")
    find: str | None = Field(
        None, max_length=100, description="一框查找:诉求编号、电话(完整号码或后四位)、诉求人姓名或内容关键词"
    )
    code: str | None = Field(None, max_length=32, description="诉求编号")
    phone: str | None = Field(None, max_length=20, description="诉求人电话:完整号码或后四位(按密钥散列比对)")
    name: str | None = Field(None, max_length=50, description="诉求人姓名(完全一致)")
    address: str | None = Field(None, max_length=100, description="地址(包含)")
    grid: str | None = Field(None, description="网格区划代码")
    sort: str | None = Field(
        None,
        description=(
            "排序:-submitted_at(默认)、submitted_at、resolve_due_at、code、status、updated_at,前加 - 为倒序"
        ),
    )


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationError({"category": _("未知分类编码: %(code)s") % {"code": code}})
    return category


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None:
        raise ValidationError({"region": _("未知区划代码: %(code)s") % {"code": code}})
    return region


@router.post("/cases", response={200: CaseDetailOut, 201: CaseDetailOut}, summary="提交诉求")
def create_case(request: HttpRequest, payload: CaseCreateIn) -> Status:
    user = request.user
    channel_check(user, payload.channel)
    reporter_name, reporter_phone = payload.reporter_name, payload.reporter_phone
    if payload.channel in CITIZEN_CHANNELS:
        reporter_name = reporter_name or getattr(user, "display_name", "")
        reporter_phone = reporter_phone or getattr(user, "phone", "")
    elif payload.channel in HOTLINE_CHANNELS and not reporter_phone:
        raise ValidationError({"reporter_phone": _("热线登记须填写来电人电话")})
    result = case_create(
        actor=user,
        channel=payload.channel,
        title=payload.title,
        description=payload.description,
        case_type=payload.case_type,
        category=_category(payload.category),
        priority=payload.priority,
        lng=payload.lng,
        lat=payload.lat,
        crs=payload.crs,
        region=_region(payload.region),
        address=payload.address,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        is_anonymous=payload.is_anonymous,
        source_ref=payload.source_ref,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    if result.event is not None:
        # A new case with nothing else done to it: no tasks, no attachments, its one event.
        detail = case_detail(result.case, user, tasks=[], events=[result.event], attachments=[])
        return Status(201, detail)
    case = selectors.access_case_by_id(user, result.case.pk)
    return Status(201 if result.created else 200, case_detail(case, user))


@router.get("/cases", response=list[CaseListItemOut], summary="诉求列表")
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest, filters: Query[CaseListQuery]) -> Any:
    statuses = tuple(s.strip() for raw in filters.status for s in raw.split(",") if s.strip())
    qs = search_cases(
        request.user,
        CaseSearch(
            status=statuses,
            category=filters.category or "",
            region=filters.region or "",
            unit=filters.unit or "",
            light=filters.light or "",
            overdue=filters.overdue,
            channel=filters.channel or "",
            submitted_from=filters.submitted_from,
            submitted_to=filters.submitted_to,
            supervised=filters.supervised,
            mine=filters.mine,
            q=filters.q or "",
            find=filters.find or "",
            code=filters.code or "",
            phone=filters.phone or "",
            name=filters.name or "",
            address=filters.address or "",
            grid=filters.grid or "",
            sort=filters.sort or DEFAULT_SORT,
        ),
    )
    return _ListItems(qs)


class _ListItems:
    """A lazily sliced queryset whose page is turned into list items (the paginator counts and slices)."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [list_item(case) for case in self.qs[index]]


@router.get("/cases/{code}", response=CaseDetailOut, summary="诉求详情(含时间线、任务、附件与可执行操作)")
def case_view(request: HttpRequest, code: str) -> dict[str, Any]:
    case = selectors.access_case_by_code(request.user, code)
    return case_detail(case, request.user)


class CasePhoneIn(Schema):
    reason: str = Field("", max_length=200, description="查看原因(可选;办理中的任务即为依据,写入访问审计)")


class CasePhoneOut(Schema):
    code: str
    reporter_phone: str


@router.post(
    "/cases/{code}/unmask",
    response=CasePhoneOut,
    summary="查看诉求人完整电话(办理中的承办单位、受理调度人员;记录访问审计)",
)
def case_unmask(request: HttpRequest, code: str, payload: CasePhoneIn) -> Case:
    return reporter_phone_reveal(
        actor=request.user, code=code, via="api", where=request.path, reason=payload.reason
    )


# --- attachments --------------------------------------------------------------------------------------


@router.post("/cases/{code}/attachments", response={201: AttachmentOut}, summary="上传附件")
def add_attachment(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    stage: Form[str] = "",
    task_id: Form[int | None] = None,
) -> Status:
    case = selectors.access_case_by_code(request.user, code)
    task = None
    if task_id is not None:
        task = CaseTask.objects.filter(case=case, pk=task_id).first()
        if task is None:
            raise ValidationError({"task_id": _("该诉求没有任务#%(task_id)s") % {"task_id": task_id}})
    if not stage:
        rels = relations(request.user, case)
        handling = rels & {Relation.LEAD_UNIT, Relation.CO_UNIT}
        stage = AttachmentStage.HANDLING if handling else AttachmentStage.REPORT
    attachment = attachment_add(
        actor=request.user,
        case=case,
        task=task,
        stage=stage,
        name=file.name or "",
        data=file,
        declared_type=file.content_type or "",
    )
    return Status(201, attachment_out(attachment))


@router.get("/attachments/{attachment_id}", summary="下载附件", response={200: None})
def get_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.access_attachment_by_id(request.user, attachment_id)
    response = FileResponse(
        default_storage.open(attachment.file, "rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name or attachment.file.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- tracking by code (no login) -----------------------------------------------------------------------


def _track_limit() -> int:
    return int(getattr(settings, "DANGQUN", {}).get("TRACK_RATE_PER_MINUTE", TRACK_RATE_PER_MINUTE))


def _throttle_tracking(request: HttpRequest) -> None:
    """At most ``TRACK_RATE_PER_MINUTE`` lookups per client address per minute, counted in one bucket
    with the citizen app's tracking page (``core.ratelimit``), so alternating the two gains nothing."""
    if not ratelimit.hit("track", ratelimit.client_ip(request), limit=_track_limit(), window=60).allowed:
        raise TooManyRequestsError(_("查询过于频繁,请一分钟后再试"))


@router.get("/track/{code}", auth=None, response=TrackOut, summary="凭编号和手机号后四位查询诉求进度")
def track_case(request: HttpRequest, code: str, phone_last4: str = "") -> dict[str, Any]:
    _throttle_tracking(request)
    case: Case = selectors.case_by_code_for_tracking(code, phone_last4)
    return track_out(case)


cases_actions.register(router)
