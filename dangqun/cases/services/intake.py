"""Intake: every channel creates a case through ``case_create`` (web, app, grid worker, hotline,
department, proactive, Open311, imports). A retried submission with the same Idempotency-Key returns
the case the first one made.

A submission's photos come in with it (``photos=``): they are checked before anything is written,
stored by hash, and attached in the intake transaction itself, so the case and its photos exist
together or not at all, and a retry answers with the first submission's case and its photos."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.cases.backends import Suggestion, classify, locate_address, queue_intake_jobs
from dangqun.cases.codes import next_case_code
from dangqun.cases.enums import CaseChannel, CaseEventType, CaseStatus, CaseType, Priority
from dangqun.cases.models import AttachmentStage, Case, CaseEvent, Category, IdempotencyRecord
from dangqun.cases.routing import suggest_route
from dangqun.cases.services.attachments import (
    ATTACHMENT_FOLDER,
    Upload,
    attachment_insert,
    photos_checked,
)
from dangqun.cases.services.timeline import actor_label, actor_unit
from dangqun.core import clock
from dangqun.core.errors import ConflictError
from dangqun.core.uploads import StoredFile, store_upload
from dangqun.regions import selectors as region_selectors
from dangqun.regions.coords import CoordSystem, parse_crs, to_wgs84
from dangqun.regions.models import Region, RegionLevel

# The most photos a submission carries (the citizen app's form says so too).
MAX_REPORT_PHOTOS = 6
TITLE_MAX_CHARS = 120
# The forms and the API take at most 5,000 typed characters; an import or an Open311 request adds a
# line or two of its own (call time, attributes). Nothing stores more than this, whatever the door.
DESCRIPTION_MAX_CHARS = 10_000

_RESOLVED_RELATIONS = [
    "category",
    "grid",
    "region",
    "handling_region",
    "first_contact_owner",
    "reporter",
    "lead_department",
    "merged_into",
]


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    created: bool
    # The new case's one event while nothing else happened to it (no triage follow-up): callers may
    # answer with the case in hand instead of reading it again.
    event: CaseEvent | None = None


def _request_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _idempotent_case(owner: str, key: str, request_hash: str) -> Case | None:
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).select_related("case").first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise ConflictError(_("幂等键已用于另一条不同的诉求"), code="idempotency_key_reused")
    return record.case


def _locate(
    *, lng: float | None, lat: float | None, crs: CoordSystem, region: Region | None, address: str = ""
) -> tuple[float | None, float | None, Region | None, Region, dict[str, Any] | None]:
    """(wgs84 lng, lat, grid, deepest region, what the address locator made of the address) for the
    case. The locator (``cases.backends.locate_address``) is asked only with no point and no region."""
    if lng is not None or lat is not None:
        if lng is None or lat is None:
            raise ValidationError({"lat": _("经度和纬度须同时提供")})
        grid = region_selectors.locate_grid(lng, lat, crs=crs)
        wlng, wlat = to_wgs84(lng, lat, crs)
        return wlng, wlat, grid, grid, None
    if region is not None:
        return None, None, (region if region.level == RegionLevel.GRID else None), region, None
    located = locate_address(address) if address else None
    if located is not None and located.region is not None:
        return None, None, located.grid, located.region, located.details
    root = Region.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
    if root is None:
        raise ValidationError(_("系统尚未配置区划"))
    return None, None, None, root, (located.details if located is not None else None)


def _handling_region(channel: str, region: Region, actor: Any, known: Region | None = None) -> Region:
    """首问负责: a grid worker's or staff member's own report stays at their own level (the shallowest
    region above the case that their scope covers); the public channels go to the command centre."""
    paths = region.ancestor_paths()
    if channel in (CaseChannel.GRID_WORKER, CaseChannel.PROACTIVE):
        scope = get_scope(actor)
        for path in paths:
            if scope.covers_path(path):
                return Region.objects.defer("boundary").get(path=path)
    if known is not None and known.path == paths[0]:
        return known  # the district in hand (an Open311 client's): no second read
    return Region.objects.defer("boundary").get(path=paths[0])


def _create(
    *,
    actor: Any,
    fields: dict[str, Any],
    category: Category | None,
    grid: Region | None,
    region: Region,
    lng: float | None,
    lat: float | None,
    idempotency: tuple[str, str, str] | None,
    photos: Sequence[StoredFile] = (),
    within: Region | None = None,
) -> tuple[Case, CaseEvent | None]:
    at = clock.now()
    # Everything is read and computed before the transaction: the code counter's row lock
    # (PostgreSQL) and the database's one write lock (SQLite, IMMEDIATE transactions) are held
    # only for the counter bump, the three inserts and the commit, not for the classifier or routing.
    handling_region = _handling_region(fields["channel"], region, actor, within)
    unit = actor_unit(actor)
    # No category given: the triage classifier (if one is registered and trained) suggests one for
    # routing; the case's own category stays empty until the dispatcher confirms it.
    suggestion = classify(fields["title"], fields["description"]) if category is None else None
    route = suggest_route(
        category=category or (suggestion.category if suggestion else None),
        region=region,
        title=fields["title"],
        description=fields["description"],
    )
    suggested_route = route.as_json()
    if suggestion is not None:
        suggested_route["triage"] = suggestion.as_json()
    if fields.get("address_match"):
        suggested_route["address"] = fields["address_match"]
    case = Case(
        channel=fields["channel"],
        case_type=fields["case_type"],
        category=category,
        priority=fields["priority"],
        status=CaseStatus.SUBMITTED,
        title=fields["title"],
        description=fields["description"],
        lng=lng,
        lat=lat,
        address=fields["address"],
        grid=grid,
        region=region,
        region_path=region.path,
        handling_region=handling_region,
        first_contact_owner=actor if getattr(actor, "is_authenticated", False) else None,
        reporter=fields["reporter"],
        reporter_name="" if fields["is_anonymous"] else fields["reporter_name"],
        reporter_phone=fields["reporter_phone"],
        is_anonymous=fields["is_anonymous"],
        source_ref=fields["source_ref"],
        suggested_route=suggested_route,
        submitted_at=at,
    )
    # The foreign keys were resolved above and uniqueness is the database's (IntegrityError below):
    # validate the plain fields only, without one query per relation.
    case.full_clean(exclude=[*_RESOLVED_RELATIONS, "code"], validate_unique=False, validate_constraints=False)
    return _write(
        case,
        actor=actor,
        unit=unit,
        at=at,
        idempotency=idempotency,
        suggestion=suggestion,
        photos=photos,
    )


@transaction.atomic
def _write(
    case: Case,
    *,
    actor: Any,
    unit: str,
    at: dt.datetime,
    idempotency: tuple[str, str, str] | None,
    suggestion: Suggestion | None,
    photos: Sequence[StoredFile] = (),
) -> tuple[Case, CaseEvent | None]:
    """The intake transaction: the day's code, the case, its first event, the idempotency record, its
    photos."""
    case.code = next_case_code(timezone.localtime(at).date())
    case.save()
    event = CaseEvent.objects.create(
        case=case,
        event_type=CaseEventType.CREATED,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        actor_unit=unit,
        to_status=CaseStatus.SUBMITTED,
        payload={"channel": case.channel, "route": case.suggested_route},
        created_at=at,
    )
    if idempotency is not None:  # a retry stops here (IntegrityError), before its photos are inserted
        owner, key, request_hash = idempotency
        IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=request_hash, case=case)
    for stored in photos:
        attachment_insert(locked=case, task=None, stage=AttachmentStage.REPORT, stored=stored, actor=actor)
    queued = queue_intake_jobs(case, suggestion)  # DANGQUN_INTAKE_JOBS: auto-merge, auto-dispatch
    # The answer is the case in hand unless a follow-up may change it after commit (then it is read again).
    return case, (None if queued or photos else event)


def case_create(
    *,
    actor: Any,
    channel: str,
    title: str,
    description: str,
    case_type: str = CaseType.HELP,
    category: Category | None = None,
    priority: str = Priority.NORMAL,
    lng: float | None = None,
    lat: float | None = None,
    crs: CoordSystem | str = CoordSystem.WGS84,
    region: Region | None = None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    is_anonymous: bool = False,
    source_ref: str = "",
    idempotency_key: str = "",
    idempotency_owner: str = "",
    photos: Sequence[Upload] = (),
    within: Region | None = None,
) -> IntakeResult:
    """Create a case from any channel, with the reporter's photos (at most ``MAX_REPORT_PHOTOS``
    images) in the same transaction. Routing runs here; status changes go through case_transition.
    ``within``: the region the case must lie in (an Open311 client's district), checked where the
    point is located, so the grid is looked up once.

    Bad input is a ``ValidationError`` naming the field, a refused photo an ``UploadRejectedError``
    (413/415) naming the file; nothing is written then."""
    if channel not in CaseChannel.values:
        raise ValidationError({"channel": _("未知来源渠道: %(channel)s") % {"channel": channel}})
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": _("未知诉求类型: %(case_type)s") % {"case_type": case_type}})
    if priority not in Priority.values:
        raise ValidationError({"priority": _("未知紧急程度: %(priority)s") % {"priority": priority}})
    try:
        crs = parse_crs(crs)
    except ValueError as exc:
        raise ValidationError({"crs": str(exc)}) from None
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise ValidationError({"title": _("标题不能为空")})
    if len(title) > TITLE_MAX_CHARS:
        raise ValidationError({"title": _("标题不能超过%(n)d字") % {"n": TITLE_MAX_CHARS}})
    if not description:
        raise ValidationError({"description": _("内容不能为空")})
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise ValidationError({"description": _("内容不能超过%(n)d字") % {"n": DESCRIPTION_MAX_CHARS}})
    checked = photos_checked(photos, limit=MAX_REPORT_PHOTOS)
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("分类“%(name)s”已停用") % {"name": category.name}})
    # The reporter follows the case and rates it: the citizen who submitted it. An operator typing in a
    # hotline call, a department forwarding, a grid worker reporting: they own first contact, not the rating.
    is_citizen_channel = channel in (CaseChannel.APP, CaseChannel.WEB)
    reporter = actor if is_citizen_channel and getattr(actor, "is_authenticated", False) else None
    fields = {
        "channel": channel,
        "case_type": case_type,
        "priority": priority,
        "title": title,
        "description": description,
        "address": (address or "").strip(),
        "reporter": reporter,
        "reporter_name": (reporter_name or "").strip(),
        "reporter_phone": (reporter_phone or "").strip(),
        "is_anonymous": bool(is_anonymous),
        "source_ref": (source_ref or "").strip(),
    }
    key = (idempotency_key or "").strip()
    idempotency = None
    if key:
        if len(key) > 100:
            raise ValidationError({"idempotency_key": _("幂等键不能超过100个字符")})
        authenticated = getattr(actor, "is_authenticated", False)
        owner = idempotency_owner or (f"user:{actor.pk}" if authenticated else f"channel:{channel}")
        request_hash = _request_hash(
            {
                **{k: v for k, v in fields.items() if k != "reporter"},
                "category": category.pk if category else None,
                "lng": lng,
                "lat": lat,
                "crs": str(crs),
                "region": region.pk if region else None,
            }
        )
        # No look-up first: the record's unique (owner, key) decides. A retry's insert fails, its
        # transaction rolls back whole, and the case the first submission made is answered below.
        idempotency = (owner, key, request_hash)
    try:
        wlng, wlat, grid, where, address_match = _locate(
            lng=lng, lat=lat, crs=CoordSystem(crs), region=region, address=str(fields["address"])
        )
        if within is not None and not where.path.startswith(within.path):
            raise ValidationError({"lat": _("坐标不在本 jurisdiction 内")})
        fields["address_match"] = address_match
        # Stored before the transaction (named by their hash: a rolled-back intake leaves at most
        # unreferenced copies), so no lock is held while the images are re-encoded.
        stored = [store_upload(checked=one, folder=ATTACHMENT_FOLDER) for one in checked]
        case, event = _create(
            actor=actor,
            fields=fields,
            category=category,
            grid=grid,
            region=where,
            lng=wlng,
            lat=wlat,
            idempotency=idempotency,
            photos=stored,
            within=within,
        )
    except (IntegrityError, ValidationError) as error:
        # A retry answers with the first submission's case even if its point or the rules would no
        # longer be accepted today (the look-up happens only on this failure path).
        existing = _idempotent_case(*idempotency) if idempotency is not None else None
        if existing is not None:
            return IntakeResult(existing, created=False)
        if fields["source_ref"] and isinstance(error, IntegrityError):
            raise ConflictError(
                _("来源单号“%(source_ref)s”已登记") % {"source_ref": fields["source_ref"]},
                code="duplicate_source_ref",
            ) from None
        raise
    return IntakeResult(case, created=True, event=event)
