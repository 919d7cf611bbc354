"""Hotline exchange: column-mapping profiles, imports (dry run, then for real) and Excel exports.

Imports: POST a file with a profile; small files are processed in the request, larger ones by the
worker, and ``GET /exchange/imports/{id}`` reports the progress and every bad row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from dangqun.core import clock
from dangqun.exchange import exports, jobs, params, services
from dangqun.exchange.models import ImportJob, MappingProfile

router = Router(tags=["exchange"])


class ProfileIn(Schema):
    name: str = Field(..., max_length=80)
    source: str = Field(..., description="hotline_12345 / hotline_8890")
    mapping: dict[str, str] = Field(..., description="{我方字段: 对方表头}")
    crs: str = "gcj02"


class ProfileOut(Schema):
    id: int
    name: str
    source: str
    mapping: dict[str, str]
    crs: str


class RowErrorOut(Schema):
    row: int
    reason: str


class JobOut(Schema):
    id: int
    profile: int
    source: str
    dry_run: bool
    file_name: str
    status: str
    message: str
    total_rows: int
    processed_rows: int
    percent: int
    created_count: int = Field(description="新建(试运行:将新建)")
    skipped_count: int = Field(description="已导入过,跳过")
    error_count: int
    errors: list[RowErrorOut]
    preview: list[dict[str, Any]]
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _job_out(job: ImportJob) -> dict[str, Any]:
    return {**{f: getattr(job, f) for f in JobOut.model_fields if f != "profile"}, "profile": job.profile_id}


@router.get("/exchange/profiles", response=list[ProfileOut], summary="导入列对应方案")
def list_profiles(request: HttpRequest) -> Any:
    services.ensure_can_import(request.user)
    return list(MappingProfile.objects.filter(is_active=True))


@router.post("/exchange/profiles", response={201: ProfileOut}, summary="新建导入列对应方案")
def create_profile(request: HttpRequest, payload: ProfileIn) -> Status:
    profile = services.profile_save(
        actor=request.user, name=payload.name, source=payload.source, mapping=payload.mapping, crs=payload.crs
    )
    return Status(201, profile)


@router.post("/exchange/imports", response={201: JobOut}, summary="上传热线工单(试运行或正式导入)")
def start_import(
    request: HttpRequest,
    file: File[UploadedFile],
    profile: Form[int],
    dry_run: Form[bool] = True,
) -> Status:
    services.ensure_can_import(request.user)
    chosen = MappingProfile.objects.filter(pk=profile, is_active=True).first()
    if chosen is None:
        raise ValidationError({"profile": _("未知导入方案: %(profile)s") % {"profile": profile}})
    data = file.read(services.MAX_FILE_BYTES + 1)
    job = services.import_start(
        actor=request.user, profile=chosen, name=file.name or "", data=data, dry_run=dry_run
    )
    jobs.schedule(job)
    job.refresh_from_db()
    return Status(201, _job_out(job))


@router.post("/exchange/imports/{job_id}/run", response={201: JobOut}, summary="按试运行的文件正式导入")
def run_import(request: HttpRequest, job_id: int) -> Status:
    job = services.access_job_by_id(request.user, job_id)
    again = services.import_again(actor=request.user, job=job, dry_run=False)
    jobs.schedule(again)
    again.refresh_from_db()
    return Status(201, _job_out(again))


@router.get("/exchange/imports/{job_id}", response=JobOut, summary="导入进度与结果")
def get_import(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _job_out(services.access_job_by_id(request.user, job_id))


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/exchange/exports/cases.xlsx", summary="导出诉求列表(与列表页相同的筛选条件)", response={200: None}
)
def export_cases(request: HttpRequest) -> HttpResponse:
    data = exports.export_case_search(actor=request.user, search=params.case_search(request.GET), fmt="xlsx")
    return _xlsx(data, f"cases-{clock.now():%Y%m%d-%H%M}.xlsx")


@router.get(
    "/exchange/exports/cases.csv", summary="导出诉求列表为 CSV(与列表页相同的筛选条件)", response={200: None}
)
def export_cases_csv(request: HttpRequest) -> HttpResponse:
    data = exports.export_case_search(actor=request.user, search=params.case_search(request.GET), fmt="csv")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{clock.now():%Y%m%d-%H%M}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/exchange/exports/kpis.xlsx", summary="导出考核报表(按街道、部门、分类)", response={200: None})
def export_kpis(request: HttpRequest) -> HttpResponse:
    start, end = params.kpi_period(request.GET)
    return _xlsx(
        exports.export_kpis(actor=request.user, start=start, end=end), f"kpis-{clock.now():%Y%m%d}.xlsx"
    )
