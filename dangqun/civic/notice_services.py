"""Writes of the 居务公开栏: staff write notices for the boards of their regions (a community, a
street, the district); the text is sanitised on the way in (``civic.services.sanitise_body``), the
title is plain text. Every service takes ``actor`` and writes a typed audit event; a notice's status
changes only through ``NoticeWorkflow.apply``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.civic.access import manages_region, require_notice_staff
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import Notice, NoticeKind, NoticeStatus
from dangqun.civic.notices import NoticeWorkflow
from dangqun.civic.services import sanitise_body
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.regions.models import Region, RegionLevel

EDITABLE = ("kind", "title", "body", "issuer", "pinned", "expires_on")


def _board_region(actor: User, code: str) -> Region:
    """A board the actor keeps: a district, street or community of their staff scope."""
    region = Region.objects.filter(code=code, level__lte=RegionLevel.COMMUNITY, is_active=True).first()
    if region is None or not manages_region(actor, region.path):
        raise ValidationError({"region": _("区域不存在或不在您的管辖范围内:%(code)s") % {"code": code}})
    return region


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "kind" in out and out["kind"] not in NoticeKind.values:
        kinds = ", ".join(NoticeKind.values)
        raise ValidationError({"kind": _("类别须为 %(kinds)s 之一") % {"kinds": kinds}})
    for name in ("title", "issuer"):
        if name in out:
            out[name] = str(out[name] or "").strip()
    if "body" in out:
        out["body"] = sanitise_body(str(out["body"] or ""))
        if len(out["body"]) > 20000:
            raise ValidationError({"body": _("正文过长")})
    if "pinned" in out:
        out["pinned"] = bool(out["pinned"])
    return out


@transaction.atomic
def notice_create(
    *,
    actor: User,
    region_code: str,
    kind: str,
    title: str,
    body: str = "",
    issuer: str = "",
    pinned: bool = False,
    expires_on: dt.date | None = None,
    publish: bool = False,
) -> Notice:
    """A draft notice on a board of the actor's regions — published at once when ``publish``."""
    require_notice_staff(actor)
    region = _board_region(actor, region_code)
    fields = _clean({"kind": kind, "title": title, "body": body, "issuer": issuer or region.name,
                     "pinned": pinned})  # fmt: skip
    notice = Notice(region=region, expires_on=expires_on, created_by=actor, **fields)
    notice.full_clean()
    notice.save()
    record_event(
        actor=actor,
        event_type=CivicEvent.NOTICE_CREATED,
        target=notice,
        data={"region": region.code, "kind": notice.kind, "pinned": notice.pinned},
    )
    if publish:
        notice = NoticeWorkflow.apply(obj=notice.pk, action="publish", actor=actor)
    return notice


@transaction.atomic
def notice_update(*, actor: User, notice: Notice, changes: dict[str, Any]) -> Notice:
    """Correct a draft or a published notice, pin or unpin it; a withdrawn one stays as it was."""
    require_notice_staff(actor)
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.status == NoticeStatus.WITHDRAWN:
        raise ConflictError(_("已撤回的公开栏信息不能修改"), code="withdrawn")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("不能修改此项") for name in sorted(unknown)})
    changes = _clean(changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=[*sorted(changes), "updated_at"])
    record_event(
        actor=actor, event_type=CivicEvent.NOTICE_UPDATED, target=locked, data={"fields": sorted(changes)}
    )
    return locked
