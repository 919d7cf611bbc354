"""Writes of 办事指南: staff keep their region's catalogue of service items; a resident submits an
online application (代办) with uploaded materials, checked and stored exactly as a case's attachments
are (``core.uploads`` through the cases app's ``Upload``). Every service takes ``actor`` and writes a
typed audit event; an application's status changes only through ``ApplicationWorkflow.apply``."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.cases.services.attachments import Upload
from dangqun.civic.access import covers_region, require_service_staff
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import (
    ApplicationMaterial,
    ApplicationStatus,
    CatalogueLevel,
    ServiceApplication,
    ServiceItem,
)
from dangqun.core import clock, workcal
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.core.uploads import inspect_upload, store_upload
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel

MATERIALS_FOLDER = "civic/materials"
MAX_FILES = 10
MAX_MATERIALS = 30
MAX_TIME_LIMIT_DAYS = 60
LEVEL_OF_REGION = {
    RegionLevel.DISTRICT: CatalogueLevel.DISTRICT,
    RegionLevel.STREET: CatalogueLevel.STREET,
    RegionLevel.COMMUNITY: CatalogueLevel.COMMUNITY,
}
ITEM_TEXT = ("name", "category", "unit_name", "conditions", "fee", "location", "hours", "phone")
ITEM_EDITABLE = (*ITEM_TEXT, "materials", "time_limit_days", "online", "is_active", "department")


def clean_materials(raw: Any) -> list[dict[str, Any]]:
    """The 一次性告知单 as a list of ``{"name", "copies", "note"}``; 422 naming the bad entry."""
    if not isinstance(raw, list):
        raise ValidationError({"materials": _("申请材料须为列表")})
    if len(raw) > MAX_MATERIALS:
        raise ValidationError({"materials": _("申请材料最多%(n)d项") % {"n": MAX_MATERIALS}})
    out = []
    for i, raw_entry in enumerate(raw):
        entry = {"name": raw_entry} if isinstance(raw_entry, str) else raw_entry
        if not isinstance(entry, dict):
            raise ValidationError({f"materials[{i}]": _("每项材料须有名称")})
        name = str(entry.get("name") or "").strip()
        if not name or len(name) > 80:
            raise ValidationError({f"materials[{i}].name": _("材料名称须为1至80个字")})
        copies = entry.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 20:
            raise ValidationError({f"materials[{i}].copies": _("份数须为1至20的整数")})
        note = str(entry.get("note") or "").strip()[:120]
        out.append({"name": name, "copies": copies, "note": note})
    return out


def _region_for_item(actor: User, code: str) -> Region:
    region = Region.objects.filter(code=code, level__lte=RegionLevel.COMMUNITY).first()
    if region is None or not covers_region(actor, region.path):
        raise ValidationError({"region": _("区域不存在或不在您的管辖范围内:%(code)s") % {"code": code}})
    return region


def _department(code: str | None) -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise ValidationError({"department": _("责任单位不存在:%(code)s") % {"code": code}})
    return department


def _check_limit(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_TIME_LIMIT_DAYS:
        raise ValidationError(
            {"time_limit_days": _("办理时限须为0至%(n)d个工作日") % {"n": MAX_TIME_LIMIT_DAYS}}
        )
    return days


def _next_code(region: Region) -> str:
    n = ServiceItem.objects.filter(region=region).count() + 1
    while True:
        code = f"{region.code}-{n:03d}"[-40:]
        if not ServiceItem.objects.filter(code=code).exists():
            return code
        n += 1


@transaction.atomic
def service_item_create(
    *,
    actor: User,
    region_code: str,
    name: str,
    materials: list[Any],
    time_limit_days: int,
    department_code: str | None = None,
    **fields: Any,
) -> ServiceItem:
    """A service item in a catalogue of the actor's regions (the level follows the region)."""
    require_service_staff(actor)
    region = _region_for_item(actor, region_code)
    unknown = set(fields) - set(ITEM_TEXT) - {"online"}
    if unknown:
        raise ValidationError({n: _("未知字段") for n in sorted(unknown)})
    text = {k: str(v or "").strip() for k, v in fields.items() if k in ITEM_TEXT}
    item = ServiceItem(
        code=_next_code(region),
        name=str(name or "").strip(),
        region=region,
        level=LEVEL_OF_REGION[RegionLevel(region.level)],
        department=_department(department_code),
        materials=clean_materials(materials),
        time_limit_days=_check_limit(time_limit_days),
        online=bool(fields.get("online", True)),
        **text,
    )
    item.full_clean()
    item.save()
    record_event(
        actor=actor,
        event_type=CivicEvent.SERVICE_CREATED,
        target=item,
        data={"code": item.code, "region": region.code, "materials": len(item.materials)},
    )
    return item


@transaction.atomic
def service_item_update(*, actor: User, item: ServiceItem, changes: dict[str, Any]) -> ServiceItem:
    require_service_staff(actor)
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    unknown = set(changes) - set(ITEM_EDITABLE)
    if unknown:
        raise ValidationError({n: _("不能修改此项") for n in sorted(unknown)})
    changes = dict(changes)
    if "materials" in changes:
        changes["materials"] = clean_materials(changes["materials"])
    if "time_limit_days" in changes:
        changes["time_limit_days"] = _check_limit(changes["time_limit_days"])
    if "department" in changes:
        changes["department"] = _department(changes["department"])
    for name in ITEM_TEXT:
        if name in changes:
            changes[name] = str(changes[name] or "").strip()
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=[*sorted(changes), "updated_at"])
    record_event(
        actor=actor, event_type=CivicEvent.SERVICE_UPDATED, target=locked, data={"fields": sorted(changes)}
    )
    return locked


def application_submit(
    *, actor: User, item: ServiceItem, note: str = "", uploads: Sequence[Upload]
) -> ServiceApplication:
    """A resident's online application with its materials: the files are checked (413/415 naming the
    file) and stored before anything is written; the application is due ``time_limit_days`` working
    days after submission on the working calendar that times cases."""
    if not getattr(actor, "is_authenticated", False):
        raise ForbiddenError(_("请先登录"))
    if not item.is_active:
        raise NotFoundError(_("办事事项不存在"))
    if not item.online:
        raise ConflictError(_("该事项不支持网上代办,请到办理地点现场办理"), code="not_online")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("申请说明最多500字")})
    if not uploads:
        raise ValidationError({"files": _("请上传申请材料")})
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("最多上传%(n)d个文件") % {"n": MAX_FILES}})
    checked = [inspect_upload(name=u.name, data=u.data, declared_type=u.declared_type) for u in uploads]
    # Stored before the transaction, as a case's attachments are: named by their hash, so a rollback
    # leaves at most unreferenced copies.
    stored = [store_upload(checked=c, folder=MATERIALS_FOLDER) for c in checked]
    now = clock.now()
    with transaction.atomic():
        application = ServiceApplication(
            code=f"DB{clock.local_today():%y%m%d}{secrets.token_hex(3).upper()}",
            item=item,
            applicant=actor,
            note=note,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            due_at=workcal.add_working_days(now, item.time_limit_days),
        )
        application.full_clean(exclude=["item", "applicant"])
        application.save()
        ApplicationMaterial.objects.bulk_create(
            [
                ApplicationMaterial(
                    application=application,
                    file=one.path,
                    original_name=one.original_name[:200],
                    content_type=one.content_type,
                    size=one.size,
                    sha256=one.sha256,
                    uploaded_at=now,
                )
                for one in stored
            ]
        )
        record_event(
            actor=actor,
            event_type=CivicEvent.APPLICATION_SUBMITTED,
            target=application,
            data={"item": item.code, "files": len(stored), "due_at": application.due_at.isoformat()},
        )
    return application
