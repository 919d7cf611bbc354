"""Attachments (photos, documents) on a case. Adding one does not change the status, so it does not
go through ``case_transition``; it still locks the case row and appends exactly one ``CaseEvent``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.cases.enums import TERMINAL_STATUSES, CaseEventType
from dangqun.cases.errors import ForbiddenError
from dangqun.cases.models import Attachment, AttachmentStage, Case, CaseEvent, CaseTask
from dangqun.cases.permissions import relations, visible_cases_q
from dangqun.cases.services.timeline import actor_label, actor_unit
from dangqun.cases.workflow import Relation
from dangqun.core import clock
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.uploads import (
    CheckedUpload,
    StoredFile,
    UploadData,
    inspect_upload,
    store_upload,
)

ATTACHMENT_FOLDER = "cases/attachments"
# Who may add files: the reporter and anyone who acts on the case (not a supervisor as such).
ATTACH_RELATIONS = frozenset(
    {
        Relation.REPORTER,
        Relation.DISPATCHER,
        Relation.LEAD_UNIT,
        Relation.CO_UNIT,
        Relation.GRID,
        Relation.ESCALATOR,
    }
)
MAX_ATTACHMENTS_PER_CASE = 30


def _check_actor(actor: Any, case: Case, tasks: list[CaseTask] | None = None) -> frozenset[Relation]:
    if not Case.objects.filter(visible_cases_q(actor), pk=case.pk).exists():
        raise NotFoundError(_("诉求不存在或无权访问"))
    rels = relations(actor, case, tasks)
    if not rels & ATTACH_RELATIONS:
        raise ForbiddenError(_("只有诉求人和办理人员可以上传附件"))
    return rels


@dataclass(frozen=True)
class Upload:
    """A file as it came in: its name, its content and the Content-Type the client claimed."""

    name: str
    data: UploadData
    declared_type: str = ""


def upload_from(file: Any) -> Upload:
    """An ``Upload`` from a Django/ninja ``UploadedFile``."""
    return Upload(name=file.name or "", data=file, declared_type=file.content_type or "")


def photos_checked(uploads: Sequence[Upload], *, limit: int) -> list[CheckedUpload]:
    """Report photos checked before anything is written: at most ``limit`` of them, each an image
    within the caps. Raises ``ValidationError`` on ``photos`` for too many, ``UploadRejectedError``
    (413/415) naming the file for one that is too large or not an image."""
    if len(uploads) > limit:
        raise ValidationError({"photos": _("最多上传%(n)d张照片") % {"n": limit}})
    return [
        inspect_upload(name=u.name, data=u.data, declared_type=u.declared_type, images_only=True)
        for u in uploads
    ]


def attachment_insert(
    *, locked: Case, task: CaseTask | None, stage: str, stored: StoredFile, actor: Any
) -> Attachment:
    """The attachment row and its one timeline event, on a case already locked by the caller's
    transaction (``attachment_add`` here, ``case_create`` for a submission's photos)."""
    attachment = Attachment(
        case=locked,
        task=task,
        stage=stage,
        file=stored.path,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        original_name=stored.original_name[:200],
        width=stored.width,
        height=stored.height,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.full_clean(exclude=["case", "task", "uploaded_by"])
    attachment.save()
    CaseEvent.objects.create(
        case=locked,
        task=task,
        event_type=CaseEventType.ATTACHMENT_ADDED,
        actor=attachment.uploaded_by,
        actor_label=actor_label(actor),
        actor_unit=actor_unit(actor),
        from_status=locked.status,
        to_status=locked.status,
        payload={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "stage": stage,
            "content_type": attachment.content_type,
            "size": attachment.size,
        },
        created_at=clock.now(),
    )
    return attachment


def attachment_add(
    *,
    actor: Any,
    case: Case,
    task: CaseTask | None = None,
    stage: str,
    name: str,
    data: UploadData,
    declared_type: str = "",
) -> Attachment:
    """Check, store and attach an uploaded file; 413/415 for a file too large or not what it claims."""
    upload = Upload(name=name, data=data, declared_type=declared_type)
    return attachments_add(actor=actor, case=case, task=task, stage=stage, uploads=[upload])[0]


def attachments_add(
    *,
    actor: Any,
    case: Case,
    task: CaseTask | None = None,
    stage: str,
    uploads: Sequence[Upload],
) -> list[Attachment]:
    """Check, store and attach several files, all or none: one refused file (413/415) or one too
    many for the case (409) adds nothing."""
    if stage not in AttachmentStage.values:
        raise ValidationError({"stage": _("未知附件阶段: %(stage)s") % {"stage": stage}})
    if task is not None and task.case_id != case.pk:
        raise ValidationError({"task_id": _("任务不属于该诉求")})
    _check_actor(actor, case)
    checked = [inspect_upload(name=u.name, data=u.data, declared_type=u.declared_type) for u in uploads]
    # The files are stored before the transaction: they are named by their hash, so a rolled-back
    # attach leaves at most unreferenced copies, and the row lock is not held while images are re-encoded.
    stored = [store_upload(checked=c, folder=ATTACHMENT_FOLDER) for c in checked]
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("handling_region", "grid")
            .get(pk=case.pk)
        )
        tasks = list(CaseTask.objects.filter(case=locked).select_related("region").order_by("id"))
        _check_actor(actor, locked, tasks)
        if locked.status in TERMINAL_STATUSES:
            raise ConflictError(_("诉求已结束,不能再上传附件"), code="case_closed")
        if Attachment.objects.filter(case=locked).count() + len(stored) > MAX_ATTACHMENTS_PER_CASE:
            raise ConflictError(
                _("每条诉求最多%(max_attachments_per_case)s个附件")
                % {"max_attachments_per_case": MAX_ATTACHMENTS_PER_CASE},
                code="too_many_attachments",
            )
        return [
            attachment_insert(locked=locked, task=task, stage=stage, stored=one, actor=actor)
            for one in stored
        ]
