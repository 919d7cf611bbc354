"""Reads of the four lists: counts by status for a region, the lists, the matches of a need and the
public 民情回音壁 (personal data masked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet

from dangqun.community.access import needs_for, projects_for, resources_for, responsibilities_for
from dangqun.community.matching import Match, rank
from dangqun.community.models import (
    Need,
    NeedStatus,
    ProjectStatus,
    Resource,
    ResponsibilityStatus,
)
from dangqun.core import clock
from dangqun.core.masking import mask_person_name
from dangqun.regions.models import Region, RegionLevel

COMMUNITY_DEPTH = int(RegionLevel.COMMUNITY)


@dataclass(frozen=True)
class ListCount:
    key: str
    total: int
    by_status: list[tuple[str, str, int]]  # (status, label, count)


def _counts(qs: QuerySet[Any], choices: Any) -> list[tuple[str, str, int]]:
    got = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, str(label), got.get(value, 0)) for value, label in choices.choices]


def four_lists(user: object, region: Region) -> list[ListCount]:
    """需求、资源、项目、责任 of ``region``'s subtree: totals and counts by status."""
    sub = {"region__path__subtree": region.path}
    needs = _counts(needs_for(user).filter(**sub), NeedStatus)
    projects = _counts(projects_for(user).filter(need__region__path__subtree=region.path), ProjectStatus)
    duties = _counts(responsibilities_for(user).filter(**sub), ResponsibilityStatus)
    resources = resources_for(user).filter(**sub)
    today = clock.local_today()
    usable = resources.filter(remaining__gt=0).exclude(available_until__lt=today).count()
    total = resources.count()
    return [
        ListCount("needs", sum(n for *_, n in needs), needs),
        ListCount("resources", total, [("available", "", usable), ("used", "", total - usable)]),
        ListCount("projects", sum(n for *_, n in projects), projects),
        ListCount("responsibilities", sum(n for *_, n in duties), duties),
    ]


def matches_for(user: object, need: Need, limit: int = 10) -> list[tuple[Match, Resource]]:
    """The ranked resources of the user's regions for ``need``, with their rows."""
    ranked = rank(need, resources_for(user), today=clock.local_today(), limit=limit)
    rows = Resource.objects.select_related("unit", "region").in_bulk([m.resource_id for m in ranked])
    return [(m, rows[m.resource_id]) for m in ranked]


def _community_path(path: str) -> str:
    return "/" + "/".join(path.strip("/").split("/")[:COMMUNITY_DEPTH]) + "/"


@dataclass(frozen=True)
class WallItem:
    code: str
    title: str
    category: str
    place: str  # the region's name: never below the compound, never an address
    raised_by: str  # masked
    raised_on: str
    status: str
    taken_by: str
    result: str
    rating: int | None
    feedback: str


def wall(region: Region, limit: int = 50) -> tuple[dict[str, int], list[WallItem]]:
    """The public wall (一汇一报一跟一反馈) of ``region``'s subtree: counts and the latest public needs."""
    qs = Need.objects.filter(region__path__subtree=region.path, is_public=True).exclude(
        status=NeedStatus.CANCELLED
    )
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    rows = list(
        qs.select_related("region", "claimed_by").order_by(F("resolved_at").desc(nulls_last=True), "-id")[
            :limit
        ]
    )
    communities = dict(
        Region.objects.filter(path__in={_community_path(n.region.path) for n in rows}).values_list(
            "path", "name"
        )
    )
    items = [
        WallItem(
            code=n.code,
            title=n.title,
            category=n.get_category_display(),
            place=communities.get(_community_path(n.region.path), ""),
            raised_by=mask_person_name(n.raiser_name),
            raised_on=n.created_at.date().isoformat(),
            status=n.get_status_display(),
            taken_by=n.claimed_by.name if n.claimed_by else "",
            result=n.result,
            rating=n.rating,
            feedback=n.feedback,
        )
        for n in rows
    ]
    summary = {
        "raised": sum(counts.values()),
        "resolved": counts.get(NeedStatus.RESOLVED, 0),
        "in_progress": counts.get(NeedStatus.IN_PROGRESS, 0) + counts.get(NeedStatus.CLAIMED, 0),
    }
    return summary, items
