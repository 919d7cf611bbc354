"""The ranking on a small fixed set: category first, then the need's own community, then shared
words; used-up and expired resources never suggested."""

from __future__ import annotations

import datetime as dt

from dangqun.community.matching import keywords_of, rank
from dangqun.community.models import Need, Resource
from dangqun.core import clock
from dangqun.regions.models import Region, RegionLevel


def _resource(title: str, category: str, region: Region, **kw) -> Resource:  # type: ignore[no-untyped-def]
    return Resource.objects.create(
        title=title,
        category=category,
        kind="skill",
        region=region,
        provider="测试单位",
        keywords=keywords_of(title, ""),
        **kw,
    )


def test_ranking_on_a_fixed_set(demo):
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("path"))
    home = communities[0]
    same_street = next(c for c in communities[1:] if c.path.split("/")[2] == home.path.split("/")[2])
    far = next(c for c in communities if c.path.split("/")[2] != home.path.split("/")[2])
    need = Need.objects.create(
        code="T1", title="轮椅无障碍坡道改造", category="disability", region=home, source="resident"
    )
    today = clock.local_today()
    ramp_home = _resource("无障碍坡道施工", "disability", home)
    ramp_street = _resource("无障碍坡道施工", "disability", same_street)
    other_home = _resource("康复器材", "disability", far)
    words_only = _resource("坡道维修", "other", far)
    _resource("无障碍坡道施工", "disability", home, remaining=0)
    _resource("无障碍坡道施工", "disability", home, available_until=today - dt.timedelta(days=1))
    candidates = Resource.objects.filter(provider="测试单位")
    ranked = [m.resource_id for m in rank(need, candidates, today=today, limit=10)]
    assert ranked == [ramp_home.pk, ramp_street.pk, other_home.pk, words_only.pk]
    assert rank(need, candidates, today=today, limit=1)[0].place == "community"
