"""Matching a need to resources (需求—资源匹配): ranked by category, place and text.

A resource's words are cut once, when it is registered (rjieba, the triage text tools), and kept on
the row; a need is cut when it is matched. The score of a usable resource (some left, not expired):

- 0.5 when the categories agree;
- 0.3 in the need's own community (the same region or one inside it), 0.15 in the same street;
- up to 0.2 for the words they share (the share of the need's words the resource names).

Ties go to the resource with more left, then the newer one. One query reads the few columns of the
usable resources of the need's category or street; scoring is plain Python over them. Only when
fewer than ``limit`` of those exist are the others (which can score by shared words alone) read too:
a resource of another category in another street (at best 0.2, on words) is considered only then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dangqun.community.models import Need, Resource
from dangqun.triage.text import clean, tokens

W_CATEGORY, W_COMMUNITY, W_STREET, W_TEXT = 0.5, 0.3, 0.15, 0.2
STREET_DEPTH = 2  # a path's parts down to the street: /district/street/ (RegionLevel.STREET)


def words_of(title: str, description: str) -> set[str]:
    """The distinct words of two characters or more (single characters match too much)."""
    return {w for w in tokens(clean(title, description, title_weight=1)) if len(w) > 1}


def keywords_of(title: str, description: str) -> str:
    """The words of a title and description, space-joined (stored on the resource)."""
    return " ".join(sorted(words_of(title, description)))


@dataclass(frozen=True)
class Match:
    resource_id: int
    score: float
    category: bool
    place: str  # "community", "street" or ""
    shared: tuple[str, ...]


def _prefix(path: str, depth: int) -> str:
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:depth]) + "/"


def rank(need: Need, candidates: QuerySet[Resource], *, today: dt.date, limit: int = 10) -> list[Match]:
    """The best ``limit`` usable resources among ``candidates`` for ``need``, best first."""
    words = words_of(need.title, need.description)
    need_path = need.region.path
    community = _prefix(need_path, STREET_DEPTH + 1)
    street = _prefix(need_path, STREET_DEPTH)
    usable = candidates.filter(
        Q(available_until__isnull=True) | Q(available_until__gte=today), remaining__gt=0
    )
    near = usable.filter(Q(category=need.category) | Q(region__path__subtree=street))
    scored = _score(need, near, words, community, street)
    if len(scored) < limit:  # few of the need's category or street: words alone may find the rest
        scored = _score(need, usable, words, community, street)
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def _score(
    need: Need, qs: QuerySet[Resource], words: set[str], community: str, street: str
) -> list[tuple[float, int, int, Match]]:
    rows = qs.values_list("pk", "category", "region__path", "keywords", "remaining")
    scored: list[tuple[float, int, int, Match]] = []
    for pk, category, path, keywords, remaining in rows:
        same_category = category == need.category
        if path.startswith(community):
            place, place_score = "community", W_COMMUNITY
        elif path.startswith(street):
            place, place_score = "street", W_STREET
        else:
            place, place_score = "", 0.0
        shared = words.intersection(keywords.split()) if words and keywords else set()
        text_score = W_TEXT * len(shared) / len(words) if words else 0.0
        score = (W_CATEGORY if same_category else 0.0) + place_score + text_score
        if score <= 0:
            continue
        match = Match(pk, round(score, 4), same_category, place, tuple(sorted(shared)))
        scored.append((-score, -remaining, -pk, match))
    return scored
