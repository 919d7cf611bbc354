"""Hotline import: save a mapping profile, start a job on an uploaded file, run it.

A run reads the file once. Every row is checked first (``rows.parse_row``); a dry run stops there
and writes only its report. The real run creates each good row's case through ``case_create`` (channel
hotline_12345/8890, the order number as ``source_ref``) together with its ``ImportedOrder`` in one
transaction per row, so a broken row never leaves half a case, and an order already imported is
skipped: importing the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.cases.permissions import DISPATCH_ROLES
from dangqun.cases.services.intake import case_create
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError, ForbiddenError, NotFoundError
from dangqun.core.i18n import join_list
from dangqun.exchange.events import ExchangeEvent
from dangqun.exchange.models import (
    IMPORT_FIELDS,
    REQUIRED_FIELDS,
    ImportedOrder,
    ImportJob,
    ImportSource,
    JobStatus,
    MappingProfile,
)
from dangqun.exchange.reading import MAX_FILE_BYTES, MAX_ROWS, kind_of, open_sheet
from dangqun.exchange.rows import Lookups, RowData, RowError, parse_row

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

UPLOAD_FOLDER = "imports"
PROGRESS_EVERY = 200
PREVIEW_ROWS = 50


def ensure_can_import(actor: Any) -> None:
    scope = get_scope(actor)
    if not (scope.is_sysadmin or scope.has_role(*DISPATCH_ROLES)):
        raise ForbiddenError(_("只有指挥中心和街道、社区受理人员可以导入热线工单"))


@transaction.atomic
def profile_save(
    *,
    actor: Any,
    name: str,
    source: str,
    mapping: dict[str, str],
    crs: str = "gcj02",
    profile: MappingProfile | None = None,
) -> MappingProfile:
    ensure_can_import(actor)
    unknown = sorted(set(mapping) - set(IMPORT_FIELDS))
    if unknown:
        raise ValidationError({"mapping": _("未知字段: %(join)s") % {"join": ", ".join(unknown)}})
    if "\x00" in name or any("\x00" in f"{k}{v}" for k, v in mapping.items()):
        raise ValidationError({"mapping": _("方案含有非法字符(NUL)")})
    cleaned = {k: str(v).strip()[:100] for k, v in mapping.items() if str(v).strip()}
    missing = [str(IMPORT_FIELDS[f]) for f in REQUIRED_FIELDS if f not in cleaned]
    if missing:
        raise ValidationError({"mapping": _("缺少必需字段的列:%(join)s") % {"join": join_list(missing)}})
    profile = profile or MappingProfile()
    profile.name, profile.source, profile.mapping, profile.crs = name.strip(), source, cleaned, crs
    profile.full_clean()
    profile.save()
    record_event(
        actor=actor, event_type=ExchangeEvent.PROFILE_SAVED, target=profile, data={"mapping": cleaned}
    )
    return profile


def access_job_by_id(user: Any, job_id: int) -> ImportJob:
    """A job its creator (or a system administrator) may see; 404 otherwise."""
    job = ImportJob.objects.select_related("profile").filter(pk=job_id).first()
    scope = get_scope(user)
    if job is None or not (scope.is_sysadmin or job.created_by_id == scope.user_id):
        raise NotFoundError(_("导入任务不存在或无权访问"))
    return job


def import_start(*, actor: Any, profile: MappingProfile, name: str, data: bytes, dry_run: bool) -> ImportJob:
    """Store the file and create the job; the caller runs it (inline or in the worker)."""
    ensure_can_import(actor)
    if not profile.is_active:
        raise ValidationError({"profile": _("该导入方案已停用")})
    name = "".join(ch for ch in name if ch >= " ")[-200:]
    kind_of(name)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("文件不能超过%(value)sMB") % {"value": MAX_FILE_BYTES // (1024 * 1024)}}
        )
    digest = hashlib.sha256(data).hexdigest()
    suffix = name.rsplit(".", 1)[-1].lower()
    path = f"{UPLOAD_FOLDER}/{digest}.{suffix}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    return _job(actor=actor, profile=profile, path=path, name=name, digest=digest, dry_run=dry_run)


def import_again(*, actor: Any, job: ImportJob, dry_run: bool = False) -> ImportJob:
    """The same file as ``job`` once more (typically: for real, after a dry run)."""
    ensure_can_import(actor)
    return _job(
        actor=actor,
        profile=job.profile,
        path=job.file,
        name=job.file_name,
        digest=job.sha256,
        dry_run=dry_run,
    )


@transaction.atomic
def _job(
    *, actor: Any, profile: MappingProfile, path: str, name: str, digest: str, dry_run: bool
) -> ImportJob:
    job = ImportJob.objects.create(
        profile=profile,
        source=profile.source,
        dry_run=dry_run,
        file=path,
        file_name=name[:200],
        sha256=digest,
        created_by=actor,
    )
    record_event(
        actor=actor,
        event_type=ExchangeEvent.IMPORT_STARTED,
        target=job,
        data={"file": job.file_name, "sha256": digest, "dry_run": dry_run, "profile": profile.pk},
    )
    return job


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status, job.message, job.finished_at = JobStatus.FAILED, message[:300], clock.now()
    job.save(update_fields=["status", "message", "finished_at"])
    return job


def _progress(job: ImportJob) -> None:
    job.save(update_fields=["processed_rows", "created_count", "skipped_count", "error_count"])


def _create(job: ImportJob, row: RowData) -> bool:
    """Create one row's case and its order mapping together; ``False`` when already imported."""
    try:
        with transaction.atomic():
            result = case_create(actor=job.created_by, channel=job.source, **row.fields)
            ImportedOrder.objects.create(source=job.source, order_no=row.order_no, case=result.case, job=job)
    except IntegrityError:
        return False
    except DomainError as exc:
        if exc.code == "duplicate_source_ref":
            return False
        raise RowError(exc.message) from None
    except ValidationError as exc:
        raise RowError("; ".join(exc.messages)) from None
    return True


def import_run(job_id: int) -> ImportJob:
    """Run a job to the end (idempotent: a finished job is returned as it is)."""
    job = ImportJob.objects.select_related("profile", "created_by").get(pk=job_id)
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return job
    mapping: dict[str, str] = job.profile.mapping
    try:
        with default_storage.open(job.file, "rb") as stream:
            sheet = open_sheet(job.file_name, stream)
            missing = [h for h in mapping.values() if h not in sheet.headers]
            if missing:
                return _fail(job, _("文件缺少方案中的列:%(join)s") % {"join": join_list(missing)[:200]})
            if sheet.total > MAX_ROWS:
                return _fail(job, _("单个文件不能超过%(max_rows)s行") % {"max_rows": MAX_ROWS})
            job.status, job.total_rows = JobStatus.RUNNING, sheet.total
            job.save(update_fields=["status", "total_rows"])
            index = {field: sheet.headers.index(header) for field, header in mapping.items()}
            _rows(job, sheet.rows, index)
    except ValidationError as exc:
        return _fail(job, "; ".join(exc.messages))
    except Exception:
        # Never leave a job "running" for ever: the page stops polling and says what happened.
        _fail(job, _("导入中断(系统错误),已导入的行不受影响,可重新导入"))
        raise
    job.status, job.finished_at = JobStatus.DONE, clock.now()
    job.total_rows = max(job.total_rows, job.processed_rows)
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "total_rows",
            "processed_rows",
            "created_count",
            "skipped_count",
            "error_count",
            "errors",
            "preview",
        ]
    )
    record_event(
        actor=job.created_by,
        event_type=ExchangeEvent.IMPORT_FINISHED,
        target=job,
        data={
            "dry_run": job.dry_run,
            "created": job.created_count,
            "skipped": job.skipped_count,
            "errors": job.error_count,
        },
    )
    return job


def _rows(job: ImportJob, rows: Any, index: dict[str, int]) -> None:
    lookups = Lookups()
    imported = set(ImportedOrder.objects.filter(source=job.source).values_list("order_no", flat=True))
    seen: set[str] = set()
    errors: list[dict[str, Any]] = []
    preview: list[dict[str, Any]] = []
    for number, values in rows:
        job.processed_rows += 1
        if all(v is None or str(v).strip() == "" for v in values):
            job.processed_rows -= 1
            continue
        raw = {field: (values[i] if i < len(values) else None) for field, i in index.items()}
        try:
            row = parse_row(number, raw, lookups, job.profile.crs)
            if row.order_no in seen:
                raise RowError(_("工单编号“%(order_no)s”在文件中重复") % {"order_no": row.order_no})
            seen.add(row.order_no)
            if row.order_no in imported:
                job.skipped_count += 1
            elif job.dry_run:
                job.created_count += 1
                if len(preview) < PREVIEW_ROWS:
                    preview.append(_preview(row))
            elif _create(job, row):
                job.created_count += 1
            else:
                job.skipped_count += 1
        except RowError as exc:
            job.error_count += 1
            errors.append({"row": number, "reason": str(exc)})
        if job.processed_rows % PROGRESS_EVERY == 0:
            _progress(job)
    job.errors, job.preview = errors, preview


def _preview(row: RowData) -> dict[str, Any]:
    f = row.fields
    return {
        "row": row.number,
        "order_no": row.order_no,
        "title": f["title"],
        "category": f["category"].name if f["category"] else "",
        "region": f["region"].name if f["region"] else "",
        "reporter_name": f["reporter_name"],
    }


def source_choices() -> list[tuple[str, StrOrPromise]]:
    return list(ImportSource.choices)
