"""What the classifier learns from, read from the database.

- Labelled: every case whose category a person confirmed: the case has a category and its timeline
  holds an accept, dispatch or on-the-spot resolution by a user (not the system). A category chosen at
  intake and kept by the dispatcher is a confirmation; one the dispatcher corrects is a correction;
  both end up as the case's category. Labels are cut to ``LEVEL`` (second level by default).
- Taxonomy: each active category at the label level with its own name, keywords and the names below it.
- Unlabelled: recent cases without a confirmed category.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dangqun.cases.enums import CaseEventType, CaseStatus
from dangqun.cases.models import Case, CaseEvent, Category
from dangqun.cases.routing import split_keywords

LEVEL = 2
MAX_LABELLED = 50_000
MAX_UNLABELLED = 20_000
CONFIRMING_EVENTS = (CaseEventType.ACCEPTED, CaseEventType.DISPATCHED, CaseEventType.RESOLVED_ON_SPOT)


@dataclass
class TrainingData:
    labelled: list[tuple[str, str, str]] = field(default_factory=list)
    unlabelled: list[tuple[str, str]] = field(default_factory=list)
    taxonomy: dict[str, list[str]] = field(default_factory=dict)


def label_categories(level: int = LEVEL) -> dict[int, Category]:
    """Category id → the category the model predicts for it (its ancestor at ``level``, or itself)."""
    categories = {c.pk: c for c in Category.objects.all()}
    result: dict[int, Category] = {}
    for pk, category in categories.items():
        node = category
        while node.level > level and node.parent_id is not None:
            node = categories[node.parent_id]
        result[pk] = node
    return result


def taxonomy_words(categories: Iterable[Category]) -> dict[str, list[str]]:
    """code → [name, parent + name, keywords..., names below] for the given categories."""
    every = list(Category.objects.filter(is_active=True).only("pk", "name", "parent_id", "keywords", "path"))
    words: dict[str, list[str]] = {}
    for category in categories:
        below = [c.name for c in every if c.path.startswith(category.path) and c.pk != category.pk]
        parent = next((c.name for c in every if c.pk == category.parent_id), "")
        words[category.code] = [
            category.name,
            f"{parent}{category.name}",
            *split_keywords(category.keywords),
            *below,
        ]
    return words


def confirmed_case_ids() -> Iterable[int]:
    return (
        CaseEvent.objects.filter(event_type__in=CONFIRMING_EVENTS, actor__isnull=False)
        .values_list("case_id", flat=True)
        .distinct()
    )


def training_data(level: int = LEVEL) -> TrainingData:
    mapping = label_categories(level)
    targets = [c for c in {m.pk: m for m in mapping.values()}.values() if c.is_active]
    data = TrainingData(taxonomy=taxonomy_words(targets))
    active_codes = {c.code for c in targets}
    confirmed = (
        Case.objects.filter(category__isnull=False, pk__in=confirmed_case_ids())
        .exclude(status=CaseStatus.MERGED)
        .order_by("-submitted_at")
        .values_list("title", "description", "category_id")[:MAX_LABELLED]
    )
    for title, description, category_id in confirmed:
        code = mapping[category_id].code
        if code in active_codes:
            data.labelled.append((title, description, code))
    unconfirmed = (
        Case.objects.filter(category__isnull=True)
        .order_by("-submitted_at")
        .values_list("title", "description")[:MAX_UNLABELLED]
    )
    data.unlabelled = list(unconfirmed)
    return data
