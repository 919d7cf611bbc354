"""Reads of 党的声音: the publisher's list with read counts, an item's receipts per branch (or grid,
or region) and who has or hasn't read it, and a reader's feed — pinned first, then today's, then the
rest, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangqun.civic.voice_access import managed_voice, my_receipts
from dangqun.civic.voice_models import VoiceAudience, VoiceItem, VoiceReceipt
from dangqun.core import clock

READ = Q(receipts__read_at__isnull=False)


def staff_voice(user: object, *, status: str = "", kind: str = "", q: str = "") -> QuerySet[VoiceItem]:
    qs = managed_voice(user).annotate(read_count=Count("receipts", filter=READ))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(issuer__icontains=q))
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class GroupCount:
    code: str
    name: str
    total: int
    read: int

    @property
    def unread(self) -> int:
        return self.total - self.read


def receipt_totals(item: VoiceItem) -> dict[str, int]:
    row = VoiceReceipt.objects.filter(item=item).aggregate(
        total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False))
    )
    return {"total": row["total"] or 0, "read": row["read"] or 0}


def receipts_by_group(item: VoiceItem) -> list[GroupCount]:
    """Delivered and read per branch (members) or per grid/region (residents, staff), most unread first."""
    group = "org" if item.audience == VoiceAudience.MEMBERS else "region"
    rows = (
        VoiceReceipt.objects.filter(item=item)
        .values(f"{group}__code", f"{group}__name")
        .annotate(total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False)))
    )
    out = [
        GroupCount(
            code=r[f"{group}__code"] or "", name=r[f"{group}__name"] or "—", total=r["total"], read=r["read"]
        )
        for r in rows
    ]
    return sorted(out, key=lambda g: (-g.unread, g.name))


def readers(item: VoiceItem, *, read: bool, group: str = "", limit: int = 200) -> list[dict[str, Any]]:
    """Who has (``read``) or hasn't read the item, optionally in one group (an org or region code)."""
    qs = VoiceReceipt.objects.filter(item=item, read_at__isnull=not read).select_related(
        "user", "org", "region"
    )
    if group:
        qs = qs.filter(Q(org__code=group) | Q(region__code=group))
    rows = qs.order_by("-read_at" if read else "user__display_name", "id")[:limit]
    out = []
    for r in rows:
        place = r.org or r.region
        out.append(
            {
                "name": r.user.display_name or r.user.username,
                "group": place.name if place else "",
                "read_at": r.read_at,
            }
        )
    return out


@dataclass(frozen=True)
class Feed:
    pinned: list[VoiceReceipt]
    today: list[VoiceReceipt]
    earlier: list[VoiceReceipt]
    unread: int


def feed(user: object, *, limit: int = 30, today: dt.date | None = None) -> Feed:
    """The reader's 党的声音: pinned items, today's, then the rest (newest first), and the unread count."""
    day = today or clock.local_today()
    qs = my_receipts(user).order_by("-item__published_at", "-id")
    pinned = list(qs.filter(item__pinned=True)[:5])
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    rest = qs.filter(item__pinned=False)
    todays = list(rest.filter(item__published_at__gte=start)[:limit])
    earlier = list(rest.filter(item__published_at__lt=start)[:limit])
    return Feed(pinned=pinned, today=todays, earlier=earlier, unread=qs.filter(read_at__isnull=True).count())
