"""Intake's extension point: the classifier, the address locator and the jobs queued after a
submission are named in settings and loaded once, the way Django names ``EMAIL_BACKEND``:

- ``DANGQUN_CLASSIFIER_BACKEND``: a class whose instances have ``classify(title, description)`` →
  ``Suggestion | None`` (``dangqun.triage.backends.Classifier``);
- ``DANGQUN_LOCATOR_BACKEND``: a class whose instances have ``locate(address)`` → ``Located | None``
  (``dangqun.triage.backends.Locator``);
- ``DANGQUN_INTAKE_JOBS``: the dotted paths of ``IntakeJob`` objects, in order
  (``dangqun.triage.jobs.auto_merge``, ``dangqun.triage.jobs.auto_dispatch``).

An empty setting means none: intake then works without triage (no suggestion, no placing by address,
no job). A setting that names nothing importable raises ``ImproperlyConfigured`` naming the setting
(at ``manage.py check`` and at first use). Layers flow down: the names are settings, so ``cases``
never imports ``triage``. A classifier or locator that fails is logged and treated as absent: a
citizen's report is never lost to a suggestion.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.module_loading import import_string

from dangqun.cases.models import Category

if TYPE_CHECKING:
    from dangqun.cases.models import Case

logger = logging.getLogger(__name__)

CLASSIFIER_SETTING = "DANGQUN_CLASSIFIER_BACKEND"
LOCATOR_SETTING = "DANGQUN_LOCATOR_BACKEND"
JOBS_SETTING = "DANGQUN_INTAKE_JOBS"


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


@dataclass(frozen=True)
class Located:
    """What a locator made of a typed address: the grid and region to place the case at (both
    ``None`` when it is not sure: the dispatcher chooses) and the details kept as
    ``case.suggested_route["address"]`` (matched name, confidence, candidates)."""

    grid: Any
    region: Any
    details: dict[str, Any] = field(default_factory=dict)


class Classifier(Protocol):
    def classify(self, title: str, description: str) -> Suggestion | None: ...


class Locator(Protocol):
    def locate(self, address: str) -> Located | None: ...


@dataclass(frozen=True)
class IntakeJob:
    """A job queued on commit after a submission: ``wanted(case, suggestion)`` decides inside intake's
    transaction (cheaply, without queries where it can) and ``run(case_id)`` does the work after the
    commit, as the system. ``run`` must be safe to skip: the case then waits for the dispatcher."""

    name: str
    wanted: Callable[[Case, Suggestion | None], bool]
    run: Callable[[int], object]


def _import(setting: str, path: str) -> Any:
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{setting} = {path!r} cannot be imported: {exc}") from exc


def _backend(setting: str) -> Any:
    path = getattr(settings, setting, None)
    if not path:
        return None
    return _import(setting, path)()


@functools.cache
def classifier_backend() -> Classifier | None:
    """The process's classifier (``DANGQUN_CLASSIFIER_BACKEND``), made once; ``None`` when unset."""
    backend: Classifier | None = _backend(CLASSIFIER_SETTING)
    return backend


@functools.cache
def locator_backend() -> Locator | None:
    """The process's address locator (``DANGQUN_LOCATOR_BACKEND``), made once; ``None`` when unset."""
    backend: Locator | None = _backend(LOCATOR_SETTING)
    return backend


@functools.cache
def intake_jobs() -> tuple[IntakeJob, ...]:
    """The jobs of ``DANGQUN_INTAKE_JOBS``, in order, loaded once."""
    jobs = []
    for path in getattr(settings, JOBS_SETTING, None) or ():
        job = _import(JOBS_SETTING, path)
        if not isinstance(job, IntakeJob):
            raise ImproperlyConfigured(f"{JOBS_SETTING}: {path!r} is not an IntakeJob")
        jobs.append(job)
    return tuple(jobs)


def reset_backends() -> None:
    """Forget the loaded backends and jobs (settings changed: tests' ``override_settings``)."""
    classifier_backend.cache_clear()
    locator_backend.cache_clear()
    intake_jobs.cache_clear()


@receiver(setting_changed)
def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in (CLASSIFIER_SETTING, LOCATOR_SETTING, JOBS_SETTING):
        reset_backends()


@register()
def check_backends(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """``manage.py check``: every named backend and job imports (nothing is made or loaded)."""
    errors: list[CheckMessage] = []
    named = [(s, getattr(settings, s, None)) for s in (CLASSIFIER_SETTING, LOCATOR_SETTING)]
    named += [(JOBS_SETTING, p) for p in getattr(settings, JOBS_SETTING, None) or ()]
    for setting, path in named:
        if not path:
            continue
        try:
            _import(setting, path)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="cases.E001"))
    return errors


def classify(title: str, description: str) -> Suggestion | None:
    backend = classifier_backend()
    if backend is None:
        return None
    try:
        return backend.classify(title, description)
    except Exception:  # a broken model must not stop intake
        logger.exception("classifier failed; the case waits for the dispatcher")
        return None


def locate_address(address: str) -> Located | None:
    backend = locator_backend()
    if backend is None or not (address or "").strip():
        return None
    try:
        return backend.locate(address)
    except Exception:  # a broken index must not stop intake
        logger.exception("address locator failed; the dispatcher places the case")
        return None


def queue_intake_jobs(case: Case, suggestion: Suggestion | None) -> bool:
    """Inside intake's transaction: queue, for after the commit, every intake job that wants this
    case, in the order of the setting; ``True`` when one was queued (the case may change after commit,
    so the caller reads it again)."""
    queued = False
    for job in intake_jobs():
        try:
            wanted = job.wanted(case, suggestion)
        except Exception:  # a follow-up must not lose the citizen's report
            logger.exception("intake job %s failed to decide for case %s", job.name, case.pk)
            continue
        if wanted:
            transaction.on_commit(functools.partial(job.run, case.pk), robust=True)
            queued = True
    return queued
