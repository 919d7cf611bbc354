"""The classification hook of intake: a higher layer (``dangqun.triage``) registers a classifier here,
and ``case_create`` asks it for a category suggestion when the caller gave none.

Layers flow down: cases never imports triage. With no classifier registered, or none trained yet,
``classify`` returns ``None`` and intake behaves as before. A classifier that fails is logged and
treated as absent: a citizen's report is never lost to a suggestion.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dangqun.cases.models import Category

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    """What the classifier thinks: the best category, its confidence (0..1), up to three
    (category, score) pairs best first, and the version of the model that said so."""

    category: Category
    confidence: float
    top: list[tuple[Category, float]] = field(default_factory=list)
    model_version: str = ""

    def as_json(self) -> dict[str, Any]:
        """The block stored as ``case.suggested_route["triage"]`` (the command centre reads it)."""
        return {
            "category": self.category.code,
            "category_name": self.category.name,
            "confidence": round(float(self.confidence), 4),
            "top": [
                {"category": c.code, "name": c.name, "score": round(float(s), 4)} for c, s in self.top[:3]
            ],
            "model": self.model_version,
        }


Classifier = Callable[[str, str], Suggestion | None]
Listener = Callable[[Any, Suggestion], bool]

_classifier: Classifier | None = None
_listeners: list[Listener] = []


def register_classifier(fn: Classifier | None) -> None:
    """Install the process's classifier (``None`` removes it). The last registration wins."""
    global _classifier  # noqa: PLW0603 - one classifier per process
    _classifier = fn


def register_listener(fn: Listener) -> None:
    """Call ``fn(case, suggestion)`` inside intake's transaction once a case with a suggestion is saved
    (the triage app uses it to queue an auto-dispatch after commit); ``fn`` returns ``True`` when it
    queued work that may change the case after commit. Registering twice is a no-op."""
    if fn not in _listeners:
        _listeners.append(fn)


def classify(title: str, description: str) -> Suggestion | None:
    if _classifier is None:
        return None
    try:
        return _classifier(title, description)
    except Exception:  # a broken model must not stop intake
        logger.exception("classifier failed; the case waits for the dispatcher")
        return None


# --- Where is it: the address hook ---------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """What a locator made of a typed address: the grid and region to place the case at (both
    ``None`` when it is not sure: the dispatcher chooses) and the details kept as
    ``case.suggested_route["address"]`` (matched name, confidence, candidates)."""

    grid: Any
    region: Any
    details: dict[str, Any] = field(default_factory=dict)


Locator = Callable[[str], Located | None]
_locator: Locator | None = None


def register_locator(fn: Locator | None) -> None:
    """Install the process's address locator (``None`` removes it). Intake calls it only for a case
    that came with an address but with neither a point nor a region."""
    global _locator  # noqa: PLW0603 - one locator per process
    _locator = fn


def locate_address(address: str) -> Located | None:
    if _locator is None or not (address or "").strip():
        return None
    try:
        return _locator(address)
    except Exception:  # a broken index must not stop intake
        logger.exception("address locator failed; the dispatcher places the case")
        return None


def suggestion_applied(case: Any, suggestion: Suggestion) -> bool:
    """Run the suggestion listeners; ``True`` when one of them queued a follow-up."""
    queued = False
    for fn in list(_listeners):
        try:
            queued = bool(fn(case, suggestion)) or queued
        except Exception:  # a follow-up (auto-dispatch) must not lose the citizen's report
            logger.exception("triage listener failed for case %s", getattr(case, "pk", None))
    return queued


# --- Every new case: the intake hook ----------------------------------------------------------------
# Follow-ups that do not depend on the classifier (auto-merge: a duplicate is a duplicate whether the
# category came from the model, the caller or nobody) hook here. A listener returns ``True`` when it
# queued work that may change the case after commit.

CaseListener = Callable[[Any], bool]
_case_listeners: list[CaseListener] = []


def register_case_listener(fn: CaseListener) -> None:
    """Call ``fn(case)`` inside intake's transaction for every newly created case, from every channel
    and whatever its category's source. Registering twice is a no-op."""
    if fn not in _case_listeners:
        _case_listeners.append(fn)


def case_created(case: Any) -> bool:
    """Run the intake listeners; ``True`` when one of them queued a follow-up."""
    queued = False
    for fn in list(_case_listeners):
        try:
            queued = bool(fn(case)) or queued
        except Exception:  # a follow-up (auto-merge) must not lose the citizen's report
            logger.exception("intake listener failed for case %s", getattr(case, "pk", None))
    return queued
