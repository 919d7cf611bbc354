"""A case submitted without a category gets the classifier's suggestion (the demo district has a
trained model); the dispatcher sees it, the citizen does not; the category stays for the dispatcher."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from dangqun.cases.backends import classifier_backend
from dangqun.cases.models import Case, Category, RoutingRule
from dangqun.cases.routing import clear_rules_cache
from dangqun.cases.services.rules import routing_rule_save
from dangqun.orgs.models import Department
from dangqun.triage.models import TriageModel

BODY = {
    "channel": "app",
    "title": "小区暖气不热",
    "description": "家里暖气片冰凉,室温只有十二度,供暖公司一直没人来修。",
}


def _submit(client, **changes):  # type: ignore[no-untyped-def]
    response = client.post_json("/api/v1/cases", {**BODY, **changes})
    assert response.status_code == 201, response.content
    return response.json()["code"]


def _triage_block_is_well_formed(block: dict) -> None:
    assert set(block) == {"category", "category_name", "confidence", "top", "model"}
    assert Category.objects.get(code=block["category"]).name == block["category_name"]
    assert 0 <= block["confidence"] <= 1
    assert 1 <= len(block["top"]) <= 3
    assert block["top"][0]["category"] == block["category"]
    assert block["top"][0]["score"] == block["confidence"]
    for item in block["top"]:
        assert set(item) == {"category", "name", "score"}
    scores = [item["score"] for item in block["top"]]
    assert scores == sorted(scores, reverse=True)
    active = TriageModel.objects.get(is_active=True)
    assert block["model"] == f"v{active.version}"


def test_a_case_without_category_gets_the_triage_block_for_the_dispatcher(api_as):
    citizen, dispatcher = api_as("citizen"), api_as("dispatcher")
    code = _submit(citizen)

    seen = dispatcher.get(f"/api/v1/cases/{code}").json()
    block = seen["suggested_route"]["triage"]
    _triage_block_is_well_formed(block)
    assert Category.objects.get(code=block["category"]).name in ("供热", "室温不达标")
    assert seen["category"] is None  # the dispatcher confirms; the prediction is only a suggestion
    assert seen["status"] == "submitted"
    assert Case.objects.get(code=code).category_id is None

    mine = citizen.get(f"/api/v1/cases/{code}").json()
    assert mine["suggested_route"] == {}


def test_a_case_with_a_category_is_not_classified(api_as):
    citizen = api_as("citizen")
    category = Category.objects.filter(level=2, is_active=True).first()
    code = _submit(citizen, category=category.code)
    assert "triage" not in Case.objects.get(code=code).suggested_route


def test_routing_uses_the_predicted_category(api_as, demo):
    citizen = api_as("citizen")
    code = _submit(citizen)
    predicted = Category.objects.get(code=Case.objects.get(code=code).suggested_route["triage"]["category"])
    department = Department.objects.filter(is_active=True).order_by("code").first()
    routing_rule_save(
        actor=None, rule=None, name="按预测分类派单", order=1, category=predicted, lead_department=department
    )
    route = Case.objects.get(code=_submit(citizen)).suggested_route
    assert route["rule_name"] == "按预测分类派单"
    assert route["lead_department"] == department.code


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("啊", "嗯"),
        ("Streetlight broken", "The lamp outside building 3 has been off for a week."),
        ("😡😡😡", "🔥🔥🔥🚒🚒"),
        ("投诉", "噪" * 5000),
    ],
)
def test_odd_messages_get_a_low_confidence_suggestion_or_none_never_an_error(api_as, title, description):
    code = _submit(api_as("citizen"), title=title, description=description[:5000])
    block = Case.objects.get(code=code).suggested_route.get("triage")
    if block is not None and len(description) < 100:
        assert block["confidence"] < 0.5


def _auto_dispatch_at(threshold: str) -> override_settings:
    return override_settings(DANGQUN={**settings.DANGQUN, "TRIAGE_AUTO_DISPATCH_CONFIDENCE": threshold})


def _keyword_rule() -> Department:
    department = Department.objects.filter(is_active=True).order_by("code").first()
    routing_rule_save(
        actor=None, rule=None, name="暖气关键词", order=0, keywords="暖气", lead_department=department
    )
    return department


@_auto_dispatch_at("0.0001")
def test_a_confident_prediction_with_a_lead_unit_is_dispatched_by_the_system_after_commit(
    api_as, django_capture_on_commit_callbacks
):
    department = _keyword_rule()
    with django_capture_on_commit_callbacks(execute=True):
        code = _submit(api_as("citizen"))
    case = Case.objects.get(code=code)
    assert case.status == "dispatched"
    assert case.lead_department == department
    assert case.category_id is None
    events = list(case.events.order_by("id").values_list("event_type", "actor_id"))
    assert events[1:] == [("accepted", None), ("dispatched", None)]


@_auto_dispatch_at("0.9")
def test_a_message_with_too_little_text_waits_for_the_dispatcher(api_as, django_capture_on_commit_callbacks):
    _keyword_rule()  # the route names a lead unit, but the classifier cannot be sure of "暖气😡😡"
    with django_capture_on_commit_callbacks(execute=True):
        code = _submit(api_as("citizen"), title="暖气", description="😡😡")
    case = Case.objects.get(code=code)
    assert case.suggested_route["lead_department"]
    assert case.suggested_route["triage"]["confidence"] < 0.9
    assert case.status == "submitted"


@_auto_dispatch_at("0.0001")
def test_without_a_lead_unit_nothing_is_dispatched(api_as, django_capture_on_commit_callbacks):
    RoutingRule.objects.update(is_active=False)
    clear_rules_cache()
    with django_capture_on_commit_callbacks(execute=True):
        code = _submit(api_as("citizen"))
    assert Case.objects.get(code=code).status == "submitted"


def test_the_suggestion_endpoint_takes_a_long_paste_and_is_for_dispatchers_only(api_as):
    body = {"title": "投诉", "description": "楼下烧烤油烟扰民" * 12_000}
    response = api_as("dispatcher").post_json("/api/v1/triage/suggest", body)
    assert response.status_code == 200, response.content
    _triage_block_is_well_formed(response.json())
    assert api_as("citizen").post_json("/api/v1/triage/suggest", body).status_code == 403


def test_a_failing_classifier_never_loses_the_report(api_as, monkeypatch):
    def broken(title: str, description: str) -> None:
        raise RuntimeError("model file corrupt")

    monkeypatch.setattr(classifier_backend(), "classify", broken)
    code = _submit(api_as("citizen"))
    case = Case.objects.get(code=code)
    assert "triage" not in case.suggested_route
    assert case.status == "submitted"


def test_with_no_trained_model_intake_works_as_before(api_as):
    TriageModel.objects.update(is_active=False)
    code = _submit(api_as("citizen"))
    assert "triage" not in Case.objects.get(code=code).suggested_route
