"""The active model inside an app process, and the classifier intake calls through ``cases.backends``.

A process keeps one unpickled classifier and re-reads which version is active at most every
``CHECK_SECONDS`` (one indexed query); a new or rolled-back version is loaded on the next check.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from dangqun.cases.backends import Suggestion
from dangqun.cases.models import Category
from dangqun.triage.learn import Classifier

logger = logging.getLogger(__name__)

CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Loaded:
    version: int
    classifier: Classifier
    categories: dict[str, Category]  # label code → active category


_lock = threading.Lock()
_state: tuple[float, Loaded | None] = (-CHECK_SECONDS, None)


def invalidate() -> None:
    global _state  # noqa: PLW0603 - the process's loaded model
    with _lock:
        _state = (-CHECK_SECONDS, _state[1])


def _load(version: int) -> Loaded | None:
    from dangqun.triage.models import TriageModel

    row = TriageModel.objects.filter(version=version).only("blob", "labels").first()
    if row is None:
        return None
    classifier = pickle.loads(bytes(row.blob))  # noqa: S301 - written only by triage.services
    categories = {c.code: c for c in Category.objects.filter(code__in=classifier.labels, is_active=True)}
    return Loaded(version, classifier, categories)


def current() -> Loaded | None:
    """The active model, loaded; ``None`` when no model is trained."""
    global _state  # noqa: PLW0603
    from dangqun.triage.models import TriageModel

    checked_at, loaded = _state
    if time.monotonic() - checked_at < CHECK_SECONDS:
        return loaded
    with _lock:
        version = TriageModel.objects.filter(is_active=True).values_list("version", flat=True).first()
        if version is None:
            loaded = None
        elif loaded is None or loaded.version != version:
            loaded = _load(version)
            logger.info("triage: model v%s loaded", version)
        _state = (time.monotonic(), loaded)
    return loaded


def classify_message(title: str, description: str) -> Suggestion | None:
    """What ``triage.backends.Classifier`` answers: the best category and the top three."""
    loaded = current()
    if loaded is None:
        return None
    ranked = [
        (loaded.categories[code], score)
        for code, score in loaded.classifier.top(title, description, k=len(loaded.classifier.labels))
        if code in loaded.categories
    ][:3]
    if not ranked:
        return None
    return Suggestion(
        category=ranked[0][0], confidence=ranked[0][1], top=ranked, model_version=f"v{loaded.version}"
    )


def auto_dispatch_threshold() -> float | None:
    """``DANGQUN["TRIAGE_AUTO_DISPATCH_CONFIDENCE"]``: None or ≤ 0 is off."""
    value = settings.DANGQUN.get("TRIAGE_AUTO_DISPATCH_CONFIDENCE")
    if value is None or str(value).strip() == "":
        return None
    threshold = float(str(value))
    return threshold if threshold > 0 else None
