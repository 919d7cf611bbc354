"""Writes of 党的声音. The text is sanitised on the way in (nh3, the project's sanitiser, here also
keeping images); the title and summary are plain text; a video is a link on this site or an https
address. Every service takes ``actor`` and writes a typed audit event; an item's status changes only
through ``VoiceWorkflow.apply``; reading is the reader's own bookkeeping (``read_at`` is the record)."""

from __future__ import annotations

from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.civic.events import CivicEvent
from dangqun.civic.services import ALLOWED_TAGS
from dangqun.civic.voice import VoiceWorkflow
from dangqun.civic.voice_access import managed_org, managed_region, require_voice_staff
from dangqun.civic.voice_models import VoiceAudience, VoiceItem, VoiceKind, VoiceReceipt, VoiceStatus
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.notify.channels import validate_channel_names

EDITABLE = ("kind", "title", "summary", "body", "video_url", "issuer", "pinned", "channels")
BODY_LIMIT = 50_000


def sanitise_voice_body(html: str) -> str:
    """The 惠民政策 tags plus images (``src`` on this site or over http(s), with ``alt``)."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS | {"img", "figure", "figcaption"},
        attributes={"a": {"href"}, "img": {"src", "alt"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
    )


def _video_url(value: str) -> str:
    value = value.strip()
    if value and not (value.startswith("https://") or (value.startswith("/") and not value.startswith("//"))):
        raise ValidationError({"video_url": _("视频地址须为本站路径或 https:// 地址")})
    if any(c.isspace() or c in "\"'<>" for c in value):
        raise ValidationError({"video_url": _("视频地址不能含空格或引号")})
    return value


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "kind" in out and out["kind"] not in VoiceKind.values:
        raise ValidationError({"kind": _("类别须为 %(kinds)s 之一") % {"kinds": ", ".join(VoiceKind.values)}})
    for name in ("title", "summary", "issuer"):
        if name in out:
            out[name] = str(out[name] or "").strip()
    if "title" in out and not out["title"]:
        raise ValidationError({"title": _("请填写标题")})
    if "body" in out:
        out["body"] = sanitise_voice_body(str(out["body"] or ""))
        if len(out["body"]) > BODY_LIMIT:
            raise ValidationError({"body": _("正文过长")})
    if "video_url" in out:
        out["video_url"] = _video_url(str(out["video_url"] or ""))
    if "pinned" in out:
        out["pinned"] = bool(out["pinned"])
    if "channels" in out:
        channels = out["channels"] or []
        if isinstance(channels, str) or not isinstance(channels, list):
            raise ValidationError({"channels": _("channels 须为渠道名称的列表")})
        try:
            out["channels"] = list(validate_channel_names(channels))
        except ValidationError as exc:
            raise ValidationError({"channels": exc.messages}) from None
    return out


def _check_video(kind: str, video_url: str) -> None:
    if kind == VoiceKind.VIDEO and not video_url:
        raise ValidationError({"video_url": _("视频类须填写视频地址")})


def _target(actor: User, audience: str, org_code: str, region_code: str) -> dict[str, Any]:
    """The organisation or region the audience is drawn from, inside the actor's scope."""
    if audience not in VoiceAudience.values:
        raise ValidationError({"audience": _("发送对象须为 members、residents 或 staff")})
    if audience == VoiceAudience.MEMBERS:
        org = managed_org(actor, org_code or "")
        if org is None:
            raise ValidationError(
                {"org": _("党组织不存在或不在您的管理范围内:%(code)s") % {"code": org_code}}
            )
        return {"org": org, "region": None}
    region = managed_region(actor, region_code or "")
    if region is None:
        raise ValidationError(
            {"region": _("区域不存在或不在您的管辖范围内:%(code)s") % {"code": region_code}}
        )
    return {"org": None, "region": region}


@transaction.atomic
def voice_create(
    *,
    actor: User,
    kind: str,
    title: str,
    audience: str,
    org: str = "",
    region: str = "",
    summary: str = "",
    body: str = "",
    video_url: str = "",
    issuer: str = "",
    pinned: bool = False,
    channels: list[str] | None = None,
    publish: bool = False,
) -> VoiceItem:
    """A draft item for an audience of the actor's scope — published (and pushed) at once when ``publish``."""
    require_voice_staff(actor)
    target = _target(actor, audience, org, region)
    fields = _clean({"kind": kind, "title": title, "summary": summary, "body": body, "video_url": video_url,
                     "issuer": issuer, "pinned": pinned, "channels": channels or []})  # fmt: skip
    _check_video(fields["kind"], fields["video_url"])
    source = target["org"] or target["region"]
    fields["issuer"] = fields["issuer"] or source.name
    item = VoiceItem(audience=audience, created_by=actor, **target, **fields)
    item.full_clean()
    item.save()
    record_event(
        actor=actor,
        event_type=CivicEvent.VOICE_CREATED,
        target=item,
        data={"audience": audience, "kind": item.kind, "source": source.code, "pinned": item.pinned},
    )
    if publish:
        item = VoiceWorkflow.apply(obj=item.pk, action="publish", actor=actor)
    return item


@transaction.atomic
def voice_update(*, actor: User, item: VoiceItem, changes: dict[str, Any]) -> VoiceItem:
    """Correct a draft or a published item, pin or unpin it; a withdrawn one stays as it was. The
    audience is fixed once written (a published item has already reached it)."""
    require_voice_staff(actor)
    locked = VoiceItem.objects.select_for_update().get(pk=item.pk)
    if locked.status == VoiceStatus.WITHDRAWN:
        raise ConflictError(_("已撤回的党的声音不能修改"), code="withdrawn")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("不能修改此项") for name in sorted(unknown)})
    changes = _clean(changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_video(locked.kind, locked.video_url)
    locked.full_clean()
    locked.save(update_fields=[*sorted(changes), "updated_at"])
    record_event(
        actor=actor, event_type=CivicEvent.VOICE_UPDATED, target=locked, data={"fields": sorted(changes)}
    )
    return locked


def voice_mark_read(*, actor: User, receipt: VoiceReceipt) -> VoiceReceipt:
    """The reader opened the item: stamps the receipt once (opening it again changes nothing)."""
    if receipt.user_id != actor.pk:
        raise ValidationError({"receipt": _("只能标记自己的回执")})
    if receipt.read_at is None:
        now = timezone.now()
        if VoiceReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now):
            receipt.read_at = now
        else:
            receipt.refresh_from_db(fields=["read_at"])
    return receipt
