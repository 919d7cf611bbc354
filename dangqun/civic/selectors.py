"""Reads of the 惠民服务 app: policy lists, the preview count, reach and reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from dangqun.civic.access import policies_for
from dangqun.civic.models import Policy, PolicyReach
from dangqun.civic.rules import matching
from dangqun.core import clock
from dangqun.regions.models import Region


def preview_count(audience: str, rules: list[Any], region: Region) -> int:
    """How many residents or businesses the rules fit now (422 on a bad rule, nothing written)."""
    return matching(audience, rules, region, today=clock.local_today()).count()


def policy_list(user: object, *, status: str = "", q: str = "") -> QuerySet[Policy]:
    qs = policies_for(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(issuer__icontains=q) | Q(benefit__icontains=q))
    return qs.annotate(
        reach_n=Count("reach", distinct=True),
        read_n=Count("reach", filter=Q(reach__read_at__isnull=False), distinct=True),
    ).order_by("-created_at", "-id")


def reach_stats(policy: Policy) -> dict[str, int]:
    row = PolicyReach.objects.filter(policy=policy).aggregate(
        reached=Count("id"), read=Count("id", filter=Q(read_at__isnull=False))
    )
    return {"reached": row["reached"] or 0, "read": row["read"] or 0}
