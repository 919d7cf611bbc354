"""Reads of the 居务公开栏: a region's public board (its own notices and those of the street and
district above it; pinned first, then the newest), the counts per year and kind, the staff's list."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dangqun.civic.access import managed_notices, public_notices
from dangqun.civic.models import Notice, NoticeStatus
from dangqun.core import clock
from dangqun.regions.models import Region


def board(region: Region, *, kind: str = "", q: str = "") -> QuerySet[Notice]:
    """The public board of ``region``: what is on display today, pinned first, newest first."""
    qs = public_notices(clock.local_today()).filter(region__path__in=region.ancestor_paths())
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(issuer__icontains=q))
    return qs.order_by("-pinned", "-published_at", "-id")


def year_counts(region: Region, year: int) -> dict[str, int]:
    """Notices published in ``year`` by the region and the regions under it, per kind (and ``total``)."""
    rows = (
        Notice.objects.filter(
            region__path__subtree=region.path,
            published_at__year=year,
            status__in=[NoticeStatus.PUBLISHED, NoticeStatus.WITHDRAWN],
        )
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {row["kind"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    return counts


def staff_notices(user: object, *, status: str = "", kind: str = "", q: str = "") -> QuerySet[Notice]:
    qs = managed_notices(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(issuer__icontains=q))
    return qs.order_by("-created_at", "-id")
