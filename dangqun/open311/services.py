"""Writes of the Open311 server: a posted request enters through ``case_create`` like every other
channel (routing, triage and idempotency happen there); a client's update is recorded once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.cases.enums import CaseChannel, CaseType
from dangqun.cases.models import Case, Category
from dangqun.cases.services.intake import case_create
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.open311.attributes import describe, validate_attributes
from dangqun.open311.events import Open311Event
from dangqun.open311.models import Open311Client, Open311Request, Open311Update, ServiceAttribute
from dangqun.open311.render import Open311Error
from dangqun.open311.statuses import CLIENT_UPDATE_STATUSES
from dangqun.regions.models import Region

MAX_DESCRIPTION = 4000
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


@dataclass
class RequestInput:
    service_code: str
    description: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    media_file: str = ""  # the storage path of a photo uploaded with the request
    attributes: dict[str, list[str]] = field(default_factory=dict)
    idempotency_key: str = ""


def _clean_text(value: str, name: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise Open311Error(400, _("%(name)s 不能超过%(limit)s个字符") % {"name": name, "limit": limit})
    return text


def _description(raw: str) -> str:
    text = _clean_text(raw, "description", MAX_DESCRIPTION)
    if HTML_TAG.search(text):
        raise Open311Error(400, _("description 不能包含 HTML 标签"))
    return text


def _coordinates(data: RequestInput) -> tuple[float, float] | None:
    """The point, parsed; intake locates its grid and checks it lies in the district (``within``)."""
    if not data.lat.strip() and not data.long.strip():
        return None
    try:
        return float(data.long), float(data.lat)
    except ValueError:
        raise Open311Error(400, _("lat 和 long 须同时提供且为数字")) from None


def _region(address_id: str, district: Region) -> Region | None:
    code = address_id.strip()
    if not code:
        return None
    region = Region.objects.filter(code=code, is_active=True, path__startswith=district.path).first()
    if region is None:
        raise Open311Error(400, _("未知 address_id: %(code)s") % {"code": code[:40]})
    return region


def _idempotency_key(client: Open311Client, data: RequestInput) -> str:
    """The client's Idempotency-Key, or one derived from the device and the report itself, so that a
    client retrying the same POST gets the same case."""
    if data.idempotency_key.strip():
        return data.idempotency_key.strip()[:100]
    if not (data.device_id or data.account_id):
        return ""
    parts = [
        data.device_id,
        data.account_id,
        data.service_code,
        data.description,
        data.lat,
        data.long,
        data.address_string,
        data.address_id,
        repr(sorted(data.attributes.items())),
    ]
    return "derived:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def request_create(
    *, actor: Any, client: Open311Client, category: Category, data: RequestInput
) -> tuple[Case, Open311Request, bool]:
    """Validate a GeoReport POST and create the case; ``(case, request, created)``."""
    district = client.district
    # The spec makes description optional: without one, the service's name stands for it.
    description = _description(data.description) or category.name
    definitions = list(ServiceAttribute.objects.filter(category=category).order_by("order", "id"))
    values = validate_attributes(definitions, data.attributes)
    coords = _coordinates(data)
    region = _region(data.address_id, district)
    address = _clean_text(data.address_string, "address_string", 200)
    if coords is None and region is None and not address:
        raise Open311Error(400, _("须提供位置:lat/long、address_string 或 address_id 之一"))
    names = [_clean_text(data.last_name, "last_name", 25), _clean_text(data.first_name, "first_name", 25)]
    phone = _clean_text(data.phone, "phone", 20)
    email = _clean_text(data.email, "email", 200)
    media_url = _clean_text(data.media_url, "media_url", 500)
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        raise Open311Error(400, _("media_url 须为 http(s) 地址"))
    extra = describe(definitions, values)
    supplement = "\n\n【补充信息】\n"  # i18n: data (stored in the case content)
    full = description + supplement + extra if extra else description
    owner = f"open311:{client.pk}"
    key = _idempotency_key(client, data)
    with transaction.atomic():
        try:
            result = case_create(
                actor=actor,
                channel=CaseChannel.OPEN311,
                case_type=CaseType.HELP,
                title=f"{category.name}:{description[:60]}"[:120],
                description=full,
                category=category,
                lng=coords[0] if coords else None,
                lat=coords[1] if coords else None,
                region=None if coords else (region or district),
                address=address,
                reporter_name="".join(n for n in names if n),
                reporter_phone=phone,
                idempotency_key=key,
                idempotency_owner=owner if key else "",
                within=district,
            )
        except ConflictError as exc:
            raise Open311Error(400, exc.message) from None
        except ValidationError as exc:
            raise Open311Error(400, "; ".join(exc.messages)) from None
        case = result.case
        if not result.created:
            existing = Open311Request.objects.filter(case=case).first()
            if existing is not None:
                return case, existing, False
        request = Open311Request.objects.create(
            case=case,
            client=client,
            device_id=_clean_text(data.device_id, "device_id", 100),
            account_id=_clean_text(data.account_id, "account_id", 100),
            email=email,
            attributes=values,
            media_url=media_url,
            media_file=data.media_file,
        )
        record_event(
            actor=actor,
            event_type=Open311Event.REQUEST_POSTED,
            target=case,
            data={"client": client.pk, "service_code": category.code, "token": str(request.token)},
        )
    return case, request, True


@dataclass
class UpdateInput:
    service_request_id: str
    update_id: str
    updated_datetime: dt.datetime
    status: str
    description: str = ""
    media_url: str = ""
    first_name: str = ""
    last_name: str = ""


def update_create(*, actor: Any, client: Open311Client, data: UpdateInput) -> tuple[Open311Update, bool]:
    """Record a client's update on one of its district's cases; a repeated ``update_id`` is a no-op."""
    status = data.status.strip().upper()
    if status not in CLIENT_UPDATE_STATUSES:
        raise Open311Error(400, _("未知 status: %(status)s") % {"status": data.status[:40]})
    external_id = _clean_text(data.update_id, "update_id", 100)
    if not external_id:
        raise Open311Error(400, _("update_id 为必填项"))
    case = Case.objects.filter(
        code=data.service_request_id.strip(), region_path__startswith=client.district.path
    ).first()
    if case is None:
        raise Open311Error(
            404,
            _("未找到 service_request_id: %(service_request_id)s")
            % {"service_request_id": data.service_request_id[:40]},
        )
    description = _description(data.description)
    existing = Open311Update.objects.filter(client=client, external_id=external_id).first()
    if existing is not None:
        return existing, False
    submitter = f"{data.last_name.strip()}{data.first_name.strip()}"[:120]
    try:
        with transaction.atomic():
            update = Open311Update.objects.create(
                client=client,
                case=case,
                external_id=external_id,
                status=status,
                description=description,
                media_url=_clean_text(data.media_url, "media_url", 500),
                submitter=submitter,
                updated_at=data.updated_datetime,
            )
            record_event(
                actor=actor,
                event_type=Open311Event.UPDATE_POSTED,
                target=case,
                data={"client": client.pk, "update_id": external_id, "status": status},
            )
    except IntegrityError:
        return Open311Update.objects.get(client=client, external_id=external_id), False
    return update, True
