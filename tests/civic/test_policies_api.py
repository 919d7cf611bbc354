"""惠民政策 through the API: staff write a policy with eligibility rules, preview the match count,
publish it through the door (the push runs in the background), and only the accounts the rules fit
find it in "policies for me". Bad rules are 422 naming the part; scope is 404; roles are 403; moves
the door refuses are 409."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangqun.civic.jobs import push_policy_now
from dangqun.civic.models import Policy, PolicyReach, PolicyStatus
from dangqun.core.models import AuditEvent
from dangqun.notify.models import Notification
from dangqun.registry.models import Business

TODAY = timezone.localdate()


def _policy(region: str, audience: str = "business", rules=None, **extra):  # type: ignore[no-untyped-def]
    return {
        "title": "小微餐饮企业房租减免",
        "issuer": "广济街道",
        "region": region,
        "audience": audience,
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=90)).isoformat(),
        "rules": rules
        if rules is not None
        else [
            {"field": "industry", "op": "in", "value": ["餐饮"]},
            {"field": "employees", "op": "lte", "value": 20},
        ],
        "body": "<p>减免3个月房租</p>",
        "benefit": "减免3个月房租",
        **extra,
    }


def test_rent_relief_reaches_only_the_catering_firms_it_fits(
    api_as, civic, run_jobs, django_capture_on_commit_callbacks
):
    staff, firm_contact, citizen = api_as("street_staff"), api_as("enterprise"), api_as("citizen")
    body = _policy(civic.street.code)
    expected = Business.objects.filter(
        grid__path__subtree=civic.street.path, industry="餐饮", employees__lte=20
    ).count()
    assert expected > 0

    preview = staff.post_json(
        "/api/v1/civic/policies/preview", {k: body[k] for k in ("region", "audience", "rules")}
    )
    created = staff.post_json("/api/v1/civic/policies", body)

    assert preview.status_code == 200, preview.content
    assert preview.json()["matched"] == expected
    assert created.status_code == 201, created.content
    policy = created.json()
    assert policy["status"] == "draft"
    assert [m["action"] for m in policy["moves"]] == ["publish"]
    assert firm_contact.get(f"/api/v1/civic/me/policies/{policy['id']}").status_code == 404  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        published = staff.post_json(f"/api/v1/civic/policies/{policy['id']}/publish", {})

    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert published.json()["matched_count"] == expected
    row = Policy.objects.get(pk=policy["id"])
    assert row.push_status == "done"
    assert row.reached_count == 1  # the enterprise persona is the one linked account among them
    mine = firm_contact.get("/api/v1/civic/me/policies").json()
    assert policy["id"] in [p["id"] for p in mine]
    assert policy["id"] not in [p["id"] for p in citizen.get("/api/v1/civic/me/policies").json()]
    assert citizen.get(f"/api/v1/civic/me/policies/{policy['id']}").status_code == 404
    assert Notification.objects.filter(
        recipient__username="enterprise", subject_type="civic.policy", subject_id=str(policy["id"])
    ).exists()
    read = firm_contact.get(f"/api/v1/civic/me/policies/{policy['id']}")
    assert read.status_code == 200
    assert staff.get(f"/api/v1/civic/policies/{policy['id']}").json()["read_count"] == 1
    assert AuditEvent.objects.filter(
        event_type="civic.policy_published", target_id=str(policy["id"])
    ).exists()
    assert AuditEvent.objects.filter(event_type="civic.policy_pushed", target_id=str(policy["id"])).exists()


def test_the_push_is_idempotent(api_as, civic, django_capture_on_commit_callbacks):
    staff = api_as("street_staff")
    policy_id = staff.post_json("/api/v1/civic/policies", _policy(civic.street.code)).json()["id"]
    staff.post_json(f"/api/v1/civic/policies/{policy_id}/publish", {})  # job queued, not run here

    first = push_policy_now(policy_id)
    second = push_policy_now(policy_id)

    assert (first, second) == (1, 0)
    assert PolicyReach.objects.filter(policy_id=policy_id).count() == 1
    assert Notification.objects.filter(subject_type="civic.policy", subject_id=str(policy_id)).count() == 1


def test_a_resident_policy_reaches_the_citizen_its_rules_fit(
    api_as, civic, run_jobs, django_capture_on_commit_callbacks
):
    staff = api_as("community_staff")
    rules = [{"field": "region", "op": "in", "value": [civic.resident.grid.code]}]
    policy_id = staff.post_json(
        "/api/v1/civic/policies", _policy(civic.community.code, audience="resident", rules=rules)
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        staff.post_json(f"/api/v1/civic/policies/{policy_id}/publish", {})

    assert policy_id in [p["id"] for p in api_as("citizen").get("/api/v1/civic/me/policies").json()]
    assert policy_id not in [p["id"] for p in api_as("enterprise").get("/api/v1/civic/me/policies").json()]


def test_bad_rules_are_422_naming_the_part_and_write_nothing(api_as, civic):
    staff = api_as("street_staff")
    before = Policy.objects.count()
    cases = [
        ([{"field": "salary", "op": "gte", "value": 1}], "rules[0].field"),
        ([{"field": "industry", "op": "gte", "value": 1}], "rules[0].op"),
        (
            [
                {"field": "industry", "op": "in", "value": ["餐饮"]},
                {"field": "employees", "op": "between", "value": [50, 10]},
            ],
            "rules[1].value",
        ),
        ([{"field": "kind", "op": "in", "value": ["bank"]}], "rules[0].value"),
        ([{"field": "employees", "op": "gte", "value": "many"}], "rules[0].value"),
        (["__import__('os')"], "rules[0]"),
    ]
    for rules, key in cases:
        response = staff.post_json("/api/v1/civic/policies", _policy(civic.street.code, rules=rules))
        preview = staff.post_json(
            "/api/v1/civic/policies/preview",
            {"region": civic.street.code, "audience": "business", "rules": rules},
        )
        assert response.status_code == 422, (rules, response.content)
        assert key in response.json()["errors"], (rules, response.json())
        assert preview.status_code == 422
    resident = [{"field": "tags", "op": "any", "value": ["no_such_tag"]}]
    response = staff.post_json("/api/v1/civic/policies", _policy(civic.street.code, "resident", resident))
    assert "rules[0].value" in response.json()["errors"]
    bad_period = _policy(civic.street.code, valid_until=(TODAY - dt.timedelta(days=400)).isoformat())
    assert "valid_until" in staff.post_json("/api/v1/civic/policies", bad_period).json()["errors"]
    assert Policy.objects.count() == before


def test_scope_is_404_and_roles_are_403(api_as, civic):
    street = api_as("street_staff")
    policy_id = street.post_json("/api/v1/civic/policies", _policy(civic.street.code)).json()["id"]

    community = api_as("community_staff")
    assert community.get(f"/api/v1/civic/policies/{policy_id}").status_code == 404
    assert community.post_json(f"/api/v1/civic/policies/{policy_id}/publish", {}).status_code == 404
    assert community.patch_json(f"/api/v1/civic/policies/{policy_id}", {"title": "x"}).status_code == 404
    outside = community.post_json("/api/v1/civic/policies", _policy(civic.street.code))
    assert outside.status_code == 422
    assert "region" in outside.json()["errors"]
    assert policy_id not in [p["id"] for p in community.get("/api/v1/civic/policies").json()["items"]]
    assert api_as("leader").get(f"/api/v1/civic/policies/{policy_id}").status_code == 200
    for persona in ("grid_worker", "citizen", "department_staff", "enterprise"):
        client = api_as(persona)
        assert client.get(f"/api/v1/civic/policies/{policy_id}").status_code == 403, persona
        assert client.post_json("/api/v1/civic/policies", _policy(civic.street.code)).status_code == 403


def test_the_door_refuses_moves_not_in_the_table(api_as, civic):
    staff = api_as("street_staff")
    policy_id = staff.post_json("/api/v1/civic/policies", _policy(civic.street.code)).json()["id"]

    assert staff.post_json(f"/api/v1/civic/policies/{policy_id}/withdraw", {"reason": "x"}).status_code == 409
    assert staff.post_json(f"/api/v1/civic/policies/{policy_id}/fly", {}).status_code == 422
    assert staff.post_json(f"/api/v1/civic/policies/{policy_id}/publish", {}).status_code == 200
    assert staff.post_json(f"/api/v1/civic/policies/{policy_id}/publish", {}).status_code == 409
    assert staff.patch_json(f"/api/v1/civic/policies/{policy_id}", {"title": "改"}).status_code == 409
    no_reason = staff.post_json(f"/api/v1/civic/policies/{policy_id}/withdraw", {})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    withdrawn = staff.post_json(f"/api/v1/civic/policies/{policy_id}/withdraw", {"reason": "政策调整"})
    assert withdrawn.json()["status"] == PolicyStatus.WITHDRAWN
    assert withdrawn.json()["moves"] == []


def test_a_draft_is_edited_and_its_text_sanitised(api_as, civic):
    staff = api_as("street_staff")
    policy_id = staff.post_json("/api/v1/civic/policies", _policy(civic.street.code)).json()["id"]

    edited = staff.patch_json(
        f"/api/v1/civic/policies/{policy_id}",
        {
            "body": '<p onclick="x()">好<script>alert(1)</script></p><a href="javascript:x">链</a>',
            "title": "新标题",
        },
    )
    bad = staff.patch_json(
        f"/api/v1/civic/policies/{policy_id}", {"rules": [{"field": "age", "op": "gte", "value": 1}]}
    )

    assert edited.status_code == 200, edited.content
    body = edited.json()["body"]
    assert "<script" not in body
    assert "onclick" not in body
    assert "javascript:" not in body
    assert edited.json()["title"] == "新标题"
    assert bad.status_code == 422  # age is a resident field, not a business one
    assert "rules[0].field" in bad.json()["errors"]


def test_the_rule_fields_are_listed_for_the_form(api_as):
    fields = api_as("street_staff").get("/api/v1/civic/rule-fields").json()

    assert {f["field"] for f in fields["resident"]} >= {"age", "tags", "region", "household_size"}
    assert {f["field"] for f in fields["business"]} >= {"industry", "employees", "kind"}


def test_the_demo_pushed_policies_to_the_personas_they_fit(api_as, civic):
    mine = [p["title"] for p in api_as("enterprise").get("/api/v1/civic/me/policies").json()]
    citizen = [p["title"] for p in api_as("citizen").get("/api/v1/civic/me/policies").json()]

    assert "小微餐饮企业房租减免" in mine
    assert "社区老年食堂助餐补贴" in citizen
    assert not set(mine) & set(citizen)


def test_the_library_list_does_not_grow_its_queries_with_its_rows(
    api_as, civic, django_assert_max_num_queries
):
    staff = api_as("street_staff")
    staff.get("/api/v1/civic/policies?limit=1")  # warm the session and scope
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(staff.get("/api/v1/civic/policies?limit=1").json()["items"]) == 1
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(staff.get("/api/v1/civic/policies?limit=50").json()["items"]) > 3
