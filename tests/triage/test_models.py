"""Learning and model versions: confirmed categories become training data, retraining is a background
job, and only a system administrator lists, retrains or rolls back models."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from dangqun.cases.backends import classify
from dangqun.cases.models import Case, Category
from dangqun.core.models import AuditEvent
from dangqun.triage.jobs import retrain_triage
from dangqun.triage.models import TriageModel

PHRASE = "紫罗兰广场音乐喷泉"


def _confirmed_cases(api_as, category: Category, n: int) -> None:  # type: ignore[no-untyped-def]
    citizen, dispatcher = api_as("citizen"), api_as("dispatcher")
    for i in range(n):
        body = {
            "channel": "app",
            "category": category.code,
            "title": f"{PHRASE}第{i}次反映",
            "description": f"{PHRASE}附近的问题又出现了,第{i}次请求处理。",
        }
        code = citizen.post_json("/api/v1/cases", body).json()["code"]
        assert dispatcher.post_json(f"/api/v1/cases/{code}/accept", {}).status_code == 200


def test_the_retrain_job_learns_the_categories_dispatchers_confirmed(
    api_as, django_capture_on_commit_callbacks
):
    gas = Category.objects.get(name="燃气", level=2)
    before = TriageModel.objects.get(is_active=True)
    first = classify(f"{PHRASE}的问题", f"{PHRASE}附近又出现了")
    assert first is not None
    assert first.category != gas  # nothing links the phrase to gas yet

    _confirmed_cases(api_as, gas, 8)
    with django_capture_on_commit_callbacks(execute=True):  # a new version reaches the process after commit
        result = retrain_triage.call(note="测试")

    after = TriageModel.objects.get(is_active=True)
    assert after.version == before.version + 1 == result["version"]
    assert after.n_labelled == before.n_labelled + 8
    assert gas.code in after.labels
    assert AuditEvent.objects.filter(event_type="triage.model_trained", target_id=str(after.pk)).exists()
    learnt = classify(f"{PHRASE}的问题", f"{PHRASE}附近又出现了")
    assert learnt is not None
    assert learnt.category == gas
    assert learnt.model_version == f"v{after.version}"


def test_an_unconfirmed_category_is_not_training_data(api_as):
    before = TriageModel.objects.get(is_active=True)
    gas = Category.objects.get(name="燃气", level=2)
    api_as("citizen").post_json(
        "/api/v1/cases", {"channel": "app", "category": gas.code, "title": PHRASE, "description": PHRASE}
    )
    retrain_triage.call()
    assert TriageModel.objects.get(is_active=True).n_labelled == before.n_labelled


def test_sysadmin_lists_queues_a_retraining_and_rolls_back(api_as, django_capture_on_commit_callbacks):
    admin = api_as("sysadmin")
    old = TriageModel.objects.get(is_active=True)
    retrain_triage.call()
    new = TriageModel.objects.get(is_active=True)

    listed = admin.get("/api/v1/triage/models").json()
    assert [m["version"] for m in listed][:2] == [new.version, old.version]
    assert listed[0]["is_active"]
    assert "blob" not in listed[0]

    queued = admin.post_json("/api/v1/triage/models/retrain", {"note": "夜间"})
    assert queued.status_code == 202
    assert DBTaskResult.objects.filter(pk=queued.json()["task_id"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        rolled = admin.post_json(f"/api/v1/triage/models/{old.version}/activate", {})
    assert rolled.status_code == 200, rolled.content
    assert rolled.json()["is_active"] is True
    assert TriageModel.objects.get(is_active=True) == old
    assert AuditEvent.objects.filter(event_type="triage.model_activated", target_id=str(old.pk)).exists()
    case_code = (
        api_as("citizen")
        .post_json("/api/v1/cases", {"channel": "app", "title": "路灯", "description": "路灯坏了"})
        .json()["code"]
    )
    assert Case.objects.get(code=case_code).suggested_route["triage"]["model"] == f"v{old.version}"

    again = admin.post_json(f"/api/v1/triage/models/{old.version}/activate", {})
    assert again.status_code == 409
    assert admin.post_json("/api/v1/triage/models/99999/activate", {}).status_code == 404


@pytest.mark.parametrize("persona", ["citizen", "dispatcher", "leader", "party_admin"])
def test_others_may_not_list_retrain_or_roll_back(api_as, persona):
    client = api_as(persona)
    version = TriageModel.objects.get(is_active=True).version
    before = (TriageModel.objects.count(), DBTaskResult.objects.count())
    assert client.get("/api/v1/triage/models").status_code == 403
    assert client.post_json("/api/v1/triage/models/retrain", {}).status_code == 403
    assert client.post_json(f"/api/v1/triage/models/{version}/activate", {}).status_code == 403
    assert (TriageModel.objects.count(), DBTaskResult.objects.count()) == before


def test_anonymous_callers_are_turned_away(client, demo):
    assert client.get("/api/v1/triage/models").status_code == 401


def test_the_sysadmin_rolls_back_in_admin(demo, client, django_capture_on_commit_callbacks):
    from dangqun.accounts.models import User

    old = TriageModel.objects.get(is_active=True)
    retrain_triage.call()
    client.force_login(User.objects.get(username="sysadmin"))
    page = client.get("/admin/triage/triagemodel/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/triage/triagemodel/",
            {"action": "make_active", "_selected_action": [str(old.pk)]},
            follow=True,
        )
    assert response.status_code == 200
    assert TriageModel.objects.get(is_active=True) == old
