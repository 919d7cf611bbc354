"""Intake's extension point (``cases.backends``): the classifier, the locator and the jobs after a
submission are named in settings and loaded once; a name that imports nothing is a clear
``ImproperlyConfigured``; with none of them (no triage) intake works as before."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from dangqun.cases.backends import (
    Suggestion,
    check_backends,
    classifier_backend,
    intake_jobs,
    locator_backend,
)
from dangqun.cases.models import Case, Category
from dangqun.triage import autodispatch, automerge

BODY = {
    "channel": "app",
    "title": "小区暖气不热",
    "description": "家里暖气片冰凉,室温只有十二度,供暖公司一直没人来修。",
}
COUNTING = "tests.cases.test_intake_backends.CountingClassifier"


class CountingClassifier:
    """Suggests the first active leaf category, and counts how often it is made and asked."""

    made: ClassVar[int] = 0
    asked: ClassVar[int] = 0

    def __init__(self) -> None:
        CountingClassifier.made += 1

    def classify(self, title: str, description: str) -> Suggestion | None:
        CountingClassifier.asked += 1
        category = Category.objects.filter(is_active=True, level=2).order_by("path").first()
        assert category is not None
        return Suggestion(category=category, confidence=0.5, top=[(category, 0.5)], model_version="count")


def _submit(client: Any, **changes: Any) -> Case:
    response = client.post_json("/api/v1/cases", {**BODY, **changes})
    assert response.status_code == 201, response.content
    return Case.objects.get(code=response.json()["code"])


@override_settings(DANGQUN_CLASSIFIER_BACKEND=COUNTING)
def test_the_classifier_backend_is_made_once_and_asked_for_every_case(api_as):
    CountingClassifier.made = CountingClassifier.asked = 0
    citizen = api_as("citizen")

    first = _submit(citizen)
    second = _submit(citizen, title="楼道灯不亮")

    assert (CountingClassifier.made, CountingClassifier.asked) == (1, 2)
    assert classifier_backend() is classifier_backend()
    for case in (first, second):
        assert case.suggested_route["triage"]["model"] == "count"


def test_the_shipped_settings_name_triages_backends_and_jobs_in_order():
    assert type(classifier_backend()).__module__ == "dangqun.triage.backends"
    assert type(locator_backend()).__module__ == "dangqun.triage.backends"
    # merge first: a case folded into another is not dispatched on its own
    assert [job.name for job in intake_jobs()] == ["auto_merge", "auto_dispatch"]
    assert check_backends() == []


@pytest.mark.parametrize(
    ("setting", "value", "load"),
    [
        ("DANGQUN_CLASSIFIER_BACKEND", "dangqun.triage.backends.NoSuchClassifier", classifier_backend),
        ("DANGQUN_LOCATOR_BACKEND", "dangqun.no_such_app.backends.Locator", locator_backend),
        ("DANGQUN_INTAKE_JOBS", ["dangqun.triage.jobs.no_such_job"], intake_jobs),
    ],
)
def test_a_backend_that_imports_nothing_is_improperly_configured(setting, value, load):
    with override_settings(**{setting: value}):
        with pytest.raises(ImproperlyConfigured, match=setting):
            load()
        errors = check_backends()
        assert [e.id for e in errors] == ["cases.E001"]
        assert setting in errors[0].msg
    load()  # the setting restored: loaded again, fine


@override_settings(DANGQUN_INTAKE_JOBS=["dangqun.triage.backends.Classifier"])
def test_an_intake_job_that_is_not_a_job_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="not an IntakeJob"):
        intake_jobs()


@override_settings(DANGQUN_CLASSIFIER_BACKEND=None, DANGQUN_LOCATOR_BACKEND="", DANGQUN_INTAKE_JOBS=[])
def test_intake_without_triage_works_as_before(api_as, django_capture_on_commit_callbacks):
    assert (classifier_backend(), locator_backend(), intake_jobs()) == (None, None, ())
    citizen = api_as("citizen")
    # auto-merge and auto-dispatch switched on: without the jobs named, nothing follows the submission
    on = {**settings.DANGQUN, "TRIAGE_AUTO_MERGE_SCORE": "0.01", "TRIAGE_AUTO_DISPATCH_CONFIDENCE": "0.01"}
    with override_settings(DANGQUN=on), django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = _submit(citizen, address="幸福小区3号楼")
        again = _submit(citizen, address="幸福小区3号楼")

    assert "triage" not in case.suggested_route  # nobody classified it
    assert "address" not in case.suggested_route  # nobody placed it: the dispatcher does
    assert case.region.parent_id is None
    assert case.status == "submitted"
    assert case.category_id is None
    jobs = (automerge.auto_merge, autodispatch.auto_dispatch)
    assert not [c for c in callbacks if getattr(c, "func", None) in jobs]  # no intake job queued
    assert Case.objects.get(pk=again.pk).status == "submitted"  # the duplicate is not merged
