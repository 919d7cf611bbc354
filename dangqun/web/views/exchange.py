"""热线导入与导出: upload a 12345/8890 export with a mapping profile, see the dry run's report, run it
for real with a progress bar (htmx polling), and download Excel exports of the case list and KPIs.

Views stay thin: the work is ``exchange.services`` / ``exchange.exports``; access is the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError
from dangqun.exchange import exports, jobs, params, services
from dangqun.exchange.models import JobStatus, MappingProfile
from dangqun.web.views.case_search import field_errors


class ImportForm(forms.Form):
    profile = forms.ModelChoiceField(
        label=_("列对应方案"),
        queryset=MappingProfile.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"invalid_choice": _("请选择有效的导入方案")},
    )
    file = forms.FileField(
        label=_("工单文件(.xlsx 或 .csv)"), error_messages={"required": _("请选择要导入的文件")}
    )


def _forbidden(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "web/exchange/forbidden.html", {"message": exc.message}, status=exc.status_code)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    try:
        services.ensure_can_import(request.user)
    except DomainError as exc:
        return _forbidden(request, exc)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_start(
                actor=request.user,
                profile=form.cleaned_data["profile"],
                name=upload.name or "",
                data=upload.read(services.MAX_FILE_BYTES + 1),
                dry_run=True,
            )
            jobs.schedule(job)
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            return redirect("web:exchange_job", job_id=job.pk)
    return render(request, "web/exchange/upload.html", {"form": form})


def _job_context(request: HttpRequest, job_id: int) -> dict[str, Any]:
    job = services.access_job_by_id(request.user, job_id)
    return {"job": job, "running": job.status in (JobStatus.PENDING, JobStatus.RUNNING)}


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        context = _job_context(request, job_id)
    except DomainError as exc:
        return _forbidden(request, exc)
    return render(request, "web/exchange/job.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment htmx polls while the job runs."""
    try:
        context = _job_context(request, job_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code)
    return render(request, "web/exchange/_progress.html", context)


@login_required
@require_POST
def import_run(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = services.access_job_by_id(request.user, job_id)
        again = services.import_again(actor=request.user, job=job, dry_run=False)
        jobs.schedule(again)
    except DomainError as exc:
        return _forbidden(request, exc)
    return redirect("web:exchange_job", job_id=again.pk)


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_cases(request: HttpRequest) -> HttpResponse:
    return _export_case_search(request, "xlsx")


@login_required
@require_GET
def export_cases_csv(request: HttpRequest) -> HttpResponse:
    return _export_case_search(request, "csv")


def _export_case_search(request: HttpRequest, fmt: str) -> HttpResponse:
    """The case list's search (``/command/cases/`` and the other lists) as a file: the same query string."""
    try:
        data = exports.export_case_search(actor=request.user, search=params.case_search(request.GET), fmt=fmt)
    except ValidationError as exc:
        return HttpResponse(field_errors(exc), status=400, content_type="text/plain; charset=utf-8")
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    name = f"cases-{clock.now():%Y%m%d-%H%M}.{fmt}"
    if fmt == "xlsx":
        return _xlsx(data, name)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def export_kpis(request: HttpRequest) -> HttpResponse:
    try:
        start, end = params.kpi_period(request.GET)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    return _xlsx(
        exports.export_kpis(actor=request.user, start=start, end=end), f"kpis-{clock.now():%Y%m%d}.xlsx"
    )


@login_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/exchange/export.html", {"title": gettext("导出")})
