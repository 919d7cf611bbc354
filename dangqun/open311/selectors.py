"""Reads of the Open311 server: the jurisdiction, services, requests and the updates feed.

Nothing here is scoped to a user: GeoReport reads are public within a jurisdiction. What a request
shows is limited accordingly (``request_out``): no reporter data, and the full description only for
cases that came in through Open311 (the others show their title)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from dangqun.cases.enums import CaseChannel, CaseStatus, TaskRole
from dangqun.cases.models import Case, CaseEvent, CaseTask, Category
from dangqun.cases.public import PUBLIC_EVENTS, PUBLIC_REASON_EVENTS
from dangqun.core.choices import label
from dangqun.open311.media import media_url_of
from dangqun.open311.models import Open311Client, Open311Request, ServiceAttribute
from dangqun.open311.render import Open311Error, iso
from dangqun.open311.statuses import (
    CLOSED_CASE_STATUSES,
    OPEN_CASE_STATUSES,
    extended_status,
    georeport_status,
)
from dangqun.regions.models import Region


def mask_name(name: str) -> str:
    """``"王小明"`` → ``"王**"``, as citizen tracking shows staff; "系统" stays."""
    text = (name or "").strip()
    if not text or text == "系统":  # i18n: data (the stored name of the system actor)
        return text
    return text[0] + "*" * max(len(text) - 1, 1)


def jurisdiction(jurisdiction_id: str) -> Region:
    """The district (a root region) named by ``jurisdiction_id``; optional when there is only one."""
    roots = Region.objects.filter(parent__isnull=True, is_active=True).defer("boundary")
    code = (jurisdiction_id or "").strip()
    if not code:
        only = list(roots[:2])
        if len(only) != 1:
            raise Open311Error(400, _("jurisdiction_id 为必填项"))
        return only[0]
    region = roots.filter(code=code).first()
    if region is None:
        raise Open311Error(404, _("未找到 jurisdiction_id: %(code)s") % {"code": code[:40]})
    return region


def _services_qs() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("path")


def services() -> list[dict[str, Any]]:
    categories = list(_services_qs())
    by_path = {c.path: c for c in categories}
    with_metadata = set(
        ServiceAttribute.objects.filter(variable=True).values_list("category_id", flat=True).distinct()
    )
    out = []
    for c in categories:
        top_path = "/" + c.path.strip("/").split("/")[0] + "/"
        top = by_path.get(top_path)
        out.append(
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": c.name if top is None or top is c else f"{top.name} · {c.name}",
                "metadata": c.pk in with_metadata,
                "type": "realtime",
                "keywords": ", ".join(k for k in c.keywords.replace(",", " ").split() if k)[:500],
                "group": top.name if top is not None else c.name,
            }
        )
    return out


def service_category(code: str) -> Category:
    category = _services_qs().filter(code=(code or "").strip()).first()
    if category is None:
        raise Open311Error(404, _("未找到 service_code: %(value)s") % {"value": (code or "")[:40]})
    return category


def service_definition(category: Category) -> dict[str, Any]:
    attributes = ServiceAttribute.objects.filter(category=category).order_by("order", "id")
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [
                    {"key": str(v.get("key")), "name": str(v.get("name"))}
                    for v in a.values
                    if isinstance(v, dict)
                ],
            }
            for a in attributes
        ],
    }


# --- requests ---------------------------------------------------------------------------------------


def requests_qs(district: Region) -> QuerySet[Case]:
    lead_region = Subquery(
        CaseTask.objects.filter(case=OuterRef("pk"), role=TaskRole.LEAD)
        .order_by("-id")
        .values("region__name")[:1]
    )
    return (
        Case.objects.filter(region_path__subtree=district.path)
        .annotate(lead_region_name=lead_region)
        .order_by("-submitted_at", "-id")
    )


# What ``request_out`` shows, and nothing else, read as plain rows: a list of 1,000 builds no model
# instances, decrypts no phone numbers and parses no routing suggestions it never prints.
REQUEST_FIELDS = (
    *("id", "code", "status", "result", "channel", "title", "description", "address", "lat", "lng"),
    *("submitted_at", "updated_at", "resolve_due_at", "lead_region_name"),
    *("category__code", "category__name", "lead_department__name", "grid__code"),
    *("open311_request__id", "open311_request__media_file", "open311_request__media_url"),
)


def request_rows(qs: QuerySet[Case]) -> list[dict[str, Any]]:
    return list(qs.values(*REQUEST_FIELDS))


def filter_requests(
    qs: QuerySet[Case],
    *,
    service_codes: list[str],
    statuses: list[str],
    start: dt.datetime,
    end: dt.datetime,
) -> QuerySet[Case]:
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    wanted: list[str] = []
    for status in statuses:
        if status == "open":
            wanted += OPEN_CASE_STATUSES
        elif status == "closed":
            wanted += CLOSED_CASE_STATUSES
        else:
            raise Open311Error(400, _("未知 status: %(status)s(可选 open/closed)") % {"status": status[:20]})
    if wanted:
        qs = qs.filter(status__in=wanted)
    return qs


def _notes(case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    events = CaseEvent.objects.filter(case_id__in=case_ids, event_type__in=PUBLIC_EVENTS).order_by("id")
    for e in events:
        notes[e.case_id].append(
            {
                "datetime": iso(e.created_at),
                "summary": e.get_event_type_display(),
                "description": e.reason if e.event_type in PUBLIC_REASON_EVENTS else "",
                "author": mask_name(e.actor_label),
                "unit": e.actor_unit,
                "type": "status_change" if e.to_status != e.from_status else "note",
            }
        )
    return notes


def request_out(
    row: dict[str, Any],
    *,
    absolute: Callable[[str], str],
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One request (a row of ``request_rows``) as the spec lists it; ``absolute`` turns an app path
    into a full URL. Optional fields we have no value for (``zipcode``) are left out, never ``""``."""
    status = row["status"]
    closed = georeport_status(status) == "closed"
    # Cases from other channels (a hotline call, a grid worker's report) show their title and grid,
    # never the caller's text, address or exact point.
    public = row["channel"] == CaseChannel.OPEN311
    out: dict[str, Any] = {
        "service_request_id": row["code"],
        "status": georeport_status(status),
        "status_notes": row["result"] if closed and row["result"] else label(CaseStatus, status),
        "service_name": row["category__name"] or "",
        "service_code": row["category__code"] or "",
        "description": row["description"] if public else row["title"],
        "agency_responsible": row["lead_department__name"] or row["lead_region_name"] or "",
        "service_notice": "",
        "requested_datetime": iso(row["submitted_at"]),
        "updated_datetime": iso(row["updated_at"]),
        "expected_datetime": iso(row["resolve_due_at"]),
        "address": row["address"] if public else "",
        "address_id": row["grid__code"] or "",
        "lat": row["lat"] if public else None,
        "long": row["lng"] if public else None,
        "media_url": media_url_of(
            row["open311_request__id"],
            row["open311_request__media_file"],
            row["open311_request__media_url"],
            absolute,
        ),
    }
    if notes is not None:
        out["extended_attributes"] = {"detailed_status": extended_status(status)}
        out["notes"] = notes
    return out


def requests_out(
    rows: list[dict[str, Any]], *, extensions: bool, absolute: Callable[[str], str]
) -> list[dict[str, Any]]:
    notes = _notes([r["id"] for r in rows]) if extensions else {}
    return [
        request_out(r, absolute=absolute, notes=notes.get(r["id"], []) if extensions else None) for r in rows
    ]


def token_request(token: str) -> Open311Request:
    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, _("未找到该 token")) from None
    posted = Open311Request.objects.select_related("case").filter(token=value).first()
    if posted is None:
        raise Open311Error(404, _("未找到该 token"))
    return posted


# --- the updates feed (servicerequestupdates) -------------------------------------------------------


def updates(
    client: Open311Client, *, start: dt.datetime, end: dt.datetime, limit: int
) -> list[dict[str, Any]]:
    """Status changes and public notes on the cases ``client`` posted, oldest first."""
    events = (
        CaseEvent.objects.filter(
            case__open311_request__client=client,
            event_type__in=PUBLIC_EVENTS,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("case")
        .order_by("created_at", "id")[:limit]
    )
    out = []
    for e in events:
        status = e.to_status or e.case.status
        text = e.get_event_type_display()
        if e.event_type in PUBLIC_REASON_EVENTS and e.reason:
            text = f"{text}:{e.reason}"
        out.append(
            {
                "update_id": str(e.pk),
                "service_request_id": e.case.code,
                "status": extended_status(status),
                "updated_datetime": iso(e.created_at),
                "description": text,
                "media_url": "",
            }
        )
    return out
