"""分流交办: apply the routing rules to a new case. The first active rule (by ``order``) whose category,
region and keywords all match names the lead unit and co-units; no match leaves the case with the
dispatcher. The suggestion is stored on the case; the dispatcher can always override it."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from dangqun.cases.models import Category, RoutingRule
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

_SPLIT = re.compile(r"[,，、;；\s]+")


def split_keywords(text: str) -> list[str]:
    return [k for k in _SPLIT.split(text or "") if k]


@dataclass(frozen=True)
class RouteSuggestion:
    rule_id: int | None = None
    rule_name: str = ""
    lead_department: Department | None = None
    lead_region: Region | None = None
    co_departments: tuple[Department, ...] = field(default_factory=tuple)

    @property
    def matched(self) -> bool:
        return self.rule_id is not None

    def as_json(self) -> dict[str, object]:
        if not self.matched:
            return {}
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "lead_department": self.lead_department.code if self.lead_department else None,
            "lead_region": self.lead_region.code if self.lead_region else None,
            "co_departments": [d.code for d in self.co_departments],
        }


def _rule_matches(rule: RoutingRule, category: Category | None, region: Region, text: str) -> bool:
    if rule.category is not None and (category is None or not category.path.startswith(rule.category.path)):
        return False
    if rule.region is not None and not region.path.startswith(rule.region.path):
        return False
    keywords = split_keywords(rule.keywords)
    return not keywords or any(k in text for k in keywords)


def _region_at_level(region: Region, level: int) -> Region | None:
    paths = region.ancestor_paths()
    if level > len(paths):
        return None
    return Region.objects.filter(path=paths[level - 1]).first()


# Active rules, read at most every RULES_TTL seconds per process: intake is the hot path. A rule saved
# through the rules service clears this process's copy at once; other processes follow within the TTL.
RULES_TTL = 10.0
_rules_cache: tuple[float, list[RoutingRule]] = (-RULES_TTL, [])


def active_rules() -> list[RoutingRule]:
    global _rules_cache  # noqa: PLW0603 - a process-wide cache
    loaded_at, rules = _rules_cache
    if time.monotonic() - loaded_at >= RULES_TTL:
        rules = list(
            RoutingRule.objects.filter(is_active=True)
            .select_related("category", "region", "lead_department")
            .prefetch_related("co_departments")
            .order_by("order", "id")
        )
        _rules_cache = (time.monotonic(), rules)
    return rules


def clear_rules_cache() -> None:
    global _rules_cache  # noqa: PLW0603
    _rules_cache = (-RULES_TTL, [])


def suggest_route(
    *, category: Category | None, region: Region, title: str, description: str
) -> RouteSuggestion:
    text = f"{title}\n{description}"
    for rule in active_rules():
        if not _rule_matches(rule, category, region, text):
            continue
        lead_region = None
        if rule.lead_department is None and rule.lead_region_level:
            lead_region = _region_at_level(region, rule.lead_region_level)
        if rule.lead_department is None and lead_region is None:
            continue
        co = tuple(d for d in rule.co_departments.all() if d.is_active and d != rule.lead_department)
        return RouteSuggestion(rule.pk, rule.name, rule.lead_department, lead_region, co)
    return RouteSuggestion()
