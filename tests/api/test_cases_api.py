"""The cases API on the demo district: the whole loop from a citizen's report to the closed case,
every kind of refusal, tracking by code, tokens, lists with filters, attachments."""

import io

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from dangqun.accounts import services as account_services
from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.models import Case, CaseEvent, Category, RoutingRule
from dangqun.cases.services.categories import category_create
from dangqun.cases.workflow import TRANSITIONS, Action
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel
from tests.conftest import DEMO_PASSWORD, ApiClient

CITIZEN_PHONE = "13912345678"


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture
def category(demo) -> Category:
    parent = category_create(actor=None, name="接口测试分类", code="APITEST1")
    return category_create(actor=None, name="接口测试路灯", parent=parent, code="APITEST1-01")


@pytest.fixture
def departments(demo) -> tuple[Department, Department]:
    lead = Department.objects.get(short_name="城管局")
    co = Department.objects.get(short_name="住建局")
    return lead, co


@pytest.fixture
def routing_rule(category, departments) -> RoutingRule:
    lead, co = departments
    rule = RoutingRule.objects.create(name="路灯归城管", category=category, lead_department=lead)
    rule.co_departments.set([co])
    return rule


@pytest.fixture
def persona_grid(demo) -> Region:
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region


def _login(username: str) -> ApiClient:
    client = ApiClient(enforce_csrf_checks=True)
    client.api_login(username)
    return client


def _staff_of(department: Department, username: str) -> ApiClient:
    user = account_services.user_create(
        actor=None, username=username, password=DEMO_PASSWORD, display_name="钱卫东"
    )
    account_services.membership_grant(
        actor=None, user=user, role=Role.DEPARTMENT_STAFF, department=department
    )
    return _login(username)


def _citizen(username: str) -> ApiClient:
    user = account_services.user_create(
        actor=None, username=username, password=DEMO_PASSWORD, display_name="孙小红"
    )
    account_services.membership_grant(actor=None, user=user, role=Role.CITIZEN)
    return _login(username)


def _report(client: ApiClient, grid: Region, cat: Category | None = None, **overrides):
    body = {
        "channel": "app",
        "case_type": "help",
        "category": cat.code if cat else None,
        "title": "小区门口路灯不亮",
        "description": "幸福小区东门路灯连续三晚不亮,夜间出行不便。",
        "lng": grid.centroid_lng,
        "lat": grid.centroid_lat,
        "reporter_phone": CITIZEN_PHONE,
        **overrides,
    }
    return client.post_json("/api/v1/cases", body)


def _submit(client: ApiClient, grid: Region, category: Category | None = None, **overrides) -> dict:
    response = _report(client, grid, category, **overrides)
    assert response.status_code == 201, response.content
    return response.json()


def _act(client: ApiClient, code: str, path: str, body: dict | None = None):
    return client.post_json(f"/api/v1/cases/{code}/{path}", body or {})


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


# --- the whole loop ----------------------------------------------------------------------------------


def test_the_whole_loop_from_report_to_closed_case(api_as, persona_grid, category, departments, routing_rule):
    lead_department, co_department = departments
    citizen = api_as("citizen")
    dispatcher = api_as("dispatcher")
    lead_staff = api_as("department_staff")
    co_staff = _staff_of(co_department, "zjj_staff")

    # given a citizen's report, sent twice with the same Idempotency-Key
    body = {
        "channel": "app",
        "category": category.code,
        "title": "小区门口路灯不亮",
        "description": "幸福小区东门路灯连续三晚不亮,夜间出行不便。",
        "lng": persona_grid.centroid_lng,
        "lat": persona_grid.centroid_lat,
        "reporter_phone": CITIZEN_PHONE,
    }
    first = citizen.post_json("/api/v1/cases", body, headers={"Idempotency-Key": "k-1"})
    replay = citizen.post_json("/api/v1/cases", body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    assert replay.status_code == 200
    code = first.json()["code"]
    assert replay.json()["code"] == code
    assert Case.objects.filter(code=code).count() == 1
    assert first.json()["grid"]["code"] == persona_grid.code

    # the dispatcher sees it with the routing suggestion and may accept it
    seen = _ok(dispatcher.get(f"/api/v1/cases/{code}"))
    assert seen["suggested_route"]["lead_department"] == lead_department.code
    assert seen["suggested_route"]["co_departments"] == [co_department.code]
    assert "accept" in [a["action"] for a in seen["actions"]]
    assert seen["reporter_phone"] == "139****5678"  # masked: revealing it is an audited action
    assert seen["may_unmask_phone"] is True

    accepted = _ok(_act(dispatcher, code, "accept"))
    assert accepted["status"] == "accepted"
    dispatched = _ok(
        _act(
            dispatcher,
            code,
            "dispatch",
            {
                "lead": {"department": lead_department.code},
                "co_units": [{"department": co_department.code}],
                "expected_version": accepted["version"],
            },
        )
    )
    assert dispatched["status"] == "dispatched"
    assert [(t["role"], t["unit_code"]) for t in dispatched["tasks"]] == [
        ("lead", lead_department.code),
        ("co", co_department.code),
    ]
    assert dispatched["light"] == "green"

    # both units sign; the lead's signature starts the handling
    lead_view = _ok(lead_staff.get(f"/api/v1/cases/{code}"))
    assert {"sign", "return"} <= {a["action"] for a in lead_view["actions"]}
    assert lead_view["reporter_phone"] == "139****5678"
    # staff handling it may call back: the phone through the audited unmask action
    assert _ok(_act(lead_staff, code, "unmask"))["reporter_phone"] == CITIZEN_PHONE
    assert _ok(_act(lead_staff, code, "sign"))["status"] == "in_progress"
    co_signed = _ok(_act(co_staff, code, "sign"))
    assert [t["status"] for t in co_signed["tasks"]] == ["signed", "signed"]

    # the lead resolves, the dispatcher reviews, the citizen rates 满意
    resolved = _ok(_act(lead_staff, code, "resolve", {"reason": "已更换灯泡,恢复照明"}))
    assert resolved["status"] == "resolved"
    assert _ok(_act(dispatcher, code, "review"))["status"] == "reviewed"
    closed = _ok(_act(citizen, code, "rate", {"satisfaction": "满意", "comment": "很快"}))

    assert closed["status"] == "closed"
    assert closed["satisfaction"] == "satisfied"
    assert closed["actions"] == []
    assert [e["type"] for e in closed["timeline"]] == [
        "created",
        "accepted",
        "dispatched",
        "signed",
        "signed",
        "resolved",
        "reviewed",
        "rated",
    ]
    assert closed["timeline"][3]["actor_unit"] == lead_department.name
    assert closed["timeline"][4]["actor_label"] == "钱卫东"
    # once their task is done, the unit still sees the case but no longer the contact
    assert "*" in _ok(lead_staff.get(f"/api/v1/cases/{code}"))["reporter_phone"]
    assert _act(lead_staff, code, "unmask").status_code == 403


def test_hotline_operator_registers_a_caller_and_the_caller_tracks_it(api_as, persona_grid):
    dispatcher = api_as("dispatcher")

    case = _submit(
        dispatcher,
        persona_grid,
        channel="hotline_12345",
        reporter_name="王小明",
        reporter_phone="13800001234",
    )
    tracked = Client().get(f"/api/v1/track/{case['code']}?phone_last4=1234")

    assert case["channel"] == "hotline_12345"
    assert tracked.status_code == 200
    assert tracked.json()["timeline"][0]["actor"] == "陈*"


# --- refusals ----------------------------------------------------------------------------------------


def test_a_move_not_in_the_table_is_409_naming_the_allowed_moves(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]

    response = _act(api_as("dispatcher"), code, "review")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert "accept" in body["allowed"]
    assert "受理" in body["detail"]


def test_a_stale_version_is_409_with_the_allowed_moves(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]

    response = _act(api_as("dispatcher"), code, "accept", {"expected_version": 99})

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert "accept" in response.json()["allowed"]


def test_a_citizen_may_not_accept_their_own_case(api_as, persona_grid):
    citizen = api_as("citizen")
    code = _submit(citizen, persona_grid)["code"]

    response = _act(citizen, code, "accept")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_reason_is_required_where_the_table_says_so(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]

    response = _act(api_as("dispatcher"), code, "reject")

    assert response.status_code == 422
    assert "reason" in response.json()["errors"]


def test_another_citizens_case_is_404_like_a_missing_one(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]
    stranger = _citizen("other_citizen")

    by_code = stranger.get(f"/api/v1/cases/{code}")
    missing = stranger.get("/api/v1/cases/YB-20000101-000001")
    acting = _act(stranger, code, "rate", {"satisfaction": "满意"})

    assert by_code.status_code == missing.status_code == acting.status_code == 404
    assert by_code.json() == missing.json()


@pytest.mark.parametrize(
    ("overrides", "field", "named"),
    [
        ({"category": "NOPE"}, "category", "NOPE"),
        ({"region": "999999", "lng": None, "lat": None}, "region", "999999"),
        ({"lng": 0.5, "lat": 0.5}, "__all__", "网格"),
        ({"case_type": "gossip"}, "case_type", "gossip"),
    ],
)
def test_bad_intake_is_422_naming_the_problem(api_as, persona_grid, overrides, field, named):
    response = _report(api_as("citizen"), persona_grid, **overrides)

    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"]
    assert named in body["detail"]


def test_channels_are_limited_by_role(api_as, persona_grid):
    assert _report(api_as("citizen"), persona_grid, channel="hotline_12345").status_code == 403
    assert _report(api_as("grid_worker"), persona_grid, channel="grid_worker").status_code == 201
    assert _report(api_as("grid_worker"), persona_grid, channel="app").status_code == 403
    assert _report(api_as("leader"), persona_grid, channel="internal").status_code == 403


def test_anonymous_users_get_401(demo, persona_grid):
    client = Client()

    assert client.get("/api/v1/cases").status_code == 401
    assert client.post("/api/v1/cases", {}, content_type="application/json").status_code in (401, 403)


def test_dispatch_to_an_unknown_department_is_422(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]
    dispatcher = api_as("dispatcher")
    _ok(_act(dispatcher, code, "accept"))

    response = _act(dispatcher, code, "dispatch", {"lead": {"department": "NOPE"}})

    assert response.status_code == 422
    assert "NOPE" in response.json()["detail"]


def test_every_move_of_a_person_has_an_endpoint(demo):
    from dangqun.api.cases_schemas import ACTION_PATHS
    from dangqun.api.urls import api

    paths = set(api.get_openapi_schema()["paths"])

    assert set(ACTION_PATHS) == set(TRANSITIONS) - {Action.BREACH}
    for segment in ACTION_PATHS.values():
        assert f"/api/v1/cases/{{code}}/{segment}" in paths


# --- grid worker, escalation, supervision ---------------------------------------------------------------


def test_grid_worker_resolves_on_the_spot_and_escalates(api_as, persona_grid):
    grid_worker = api_as("grid_worker")
    first = _submit(grid_worker, persona_grid, channel="grid_worker")
    second = _submit(grid_worker, persona_grid, channel="proactive", title="井盖缺失")

    on_spot = _ok(_act(grid_worker, first["code"], "resolve-on-spot", {"reason": "现场已处理"}))
    escalated = _ok(_act(grid_worker, second["code"], "escalate", {"reason": "需社区协调"}))

    assert on_spot["status"] == "resolved"
    assert escalated["handling_region"]["code"] != persona_grid.code
    assert escalated["escalation_count"] == 1


def test_leader_supervises_and_lifts(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]
    _ok(_act(api_as("dispatcher"), code, "accept"))
    leader = api_as("leader")

    supervised = _ok(_act(leader, code, "supervise", {"reason": "群众反映强烈"}))
    again = _act(leader, code, "supervise", {"reason": "再次"})
    lifted = _ok(_act(leader, code, "lift-supervision"))

    assert supervised["is_supervised"] is True
    assert again.status_code == 409
    assert lifted["is_supervised"] is False


def test_extension_request_and_approval_move_the_deadline(api_as, persona_grid, departments):
    lead_department, _ = departments
    code = _submit(api_as("citizen"), persona_grid)["code"]
    dispatcher = api_as("dispatcher")
    staff = api_as("department_staff")
    _ok(_act(dispatcher, code, "accept"))
    _ok(_act(dispatcher, code, "dispatch", {"lead": {"department": lead_department.code}}))
    _ok(_act(staff, code, "sign"))

    requested = _ok(_act(staff, code, "extension", {"days": "2", "reason": "需采购配件"}))
    approved = _ok(_act(dispatcher, code, "extension/approve"))

    assert requested["tasks"][0]["extension_status"] == "requested"
    assert approved["resolve_due_at"] > requested["resolve_due_at"]


def test_merge_joins_a_duplicate_to_its_main_case(api_as, persona_grid):
    citizen = api_as("citizen")
    main = _submit(citizen, persona_grid)["code"]
    duplicate = _submit(citizen, persona_grid, title="路灯又不亮")["code"]
    dispatcher = api_as("dispatcher")

    merged = _ok(_act(dispatcher, duplicate, "merge", {"main_case": main}))
    unknown = _act(dispatcher, main, "merge", {"main_case": "YB-20000101-000009"})

    assert merged["status"] == "merged"
    assert merged["merged_into"] == main
    assert unknown.status_code == 422


# --- lists ---------------------------------------------------------------------------------------------


def test_list_filters_by_status_category_and_mine(api_as, persona_grid, category):
    citizen = api_as("citizen")
    dispatcher = api_as("dispatcher")
    a = _submit(citizen, persona_grid, category)["code"]
    b = _submit(citizen, persona_grid, title="噪音扰民", description="夜间施工噪音")["code"]
    _ok(_act(dispatcher, b, "accept"))

    by_status = dispatcher.get("/api/v1/cases?status=submitted&status=accepted&limit=500").json()
    by_comma = dispatcher.get("/api/v1/cases?status=accepted,rejected&limit=500").json()
    by_category = dispatcher.get("/api/v1/cases?category=APITEST1").json()
    mine = citizen.get("/api/v1/cases?mine=true&limit=1000").json()
    unknown = dispatcher.get("/api/v1/cases?category=NOPE")

    assert {a, b} <= {item["code"] for item in by_status["items"]}
    assert b in {item["code"] for item in by_comma["items"]}
    assert a not in {item["code"] for item in by_comma["items"]}
    assert [item["code"] for item in by_category["items"]] == [a]
    assert {a, b} <= {item["code"] for item in mine["items"]}
    assert {item["code"] for item in mine["items"]} == set(
        Case.objects.filter(reporter__username="citizen").values_list("code", flat=True)
    )
    assert unknown.status_code == 422


def test_list_region_outside_scope_is_404(api_as, persona_grid):
    grid_worker = api_as("grid_worker")
    street_path = persona_grid.ancestor_paths()[1]
    other_street = Region.objects.filter(level=RegionLevel.STREET).exclude(path=street_path).first()
    assert other_street is not None
    own_street = Region.objects.get(path=street_path)
    _submit(grid_worker, persona_grid, channel="grid_worker")

    outside = grid_worker.get(f"/api/v1/cases?region={other_street.code}")
    above = grid_worker.get(f"/api/v1/cases?region={own_street.code}")

    assert outside.status_code == 404
    assert above.status_code == 200
    assert above.json()["count"] >= 1


def test_list_by_unit_light_and_overdue(api_as, persona_grid, departments):
    lead_department, co_department = departments
    citizen = api_as("citizen")
    dispatcher = api_as("dispatcher")
    code = _submit(citizen, persona_grid)["code"]
    _ok(_act(dispatcher, code, "accept"))
    _ok(_act(dispatcher, code, "dispatch", {"lead": {"department": lead_department.code}}))
    late = _submit(citizen, persona_grid, title="井盖破损")["code"]
    _ok(_act(dispatcher, late, "accept"))
    _ok(_act(dispatcher, late, "dispatch", {"lead": {"department": lead_department.code}}))
    Case.objects.filter(code=late).update(
        resolve_due_at=Case.objects.get(code=late).submitted_at.replace(year=2000)
    )

    def codes(query: str) -> set[str]:
        response = dispatcher.get(f"/api/v1/cases?{query}&limit=500")
        assert response.status_code == 200, response.content
        return {item["code"] for item in response.json()["items"]}

    assert {code, late} <= codes(f"unit={lead_department.code}")
    assert code not in codes(f"unit={co_department.code}")
    assert late in codes("overdue=true")
    assert code not in codes("overdue=true")
    assert late in codes("light=red")
    assert code in codes("light=green")
    assert code not in codes("light=yellow")
    assert dispatcher.get("/api/v1/cases?light=blue").status_code == 422


def test_list_full_text_search(api_as, persona_grid):
    citizen = api_as("citizen")
    lamp = _submit(citizen, persona_grid, title="路灯不亮", description="东门路灯坏了")["code"]
    noise = _submit(citizen, persona_grid, title="噪音扰民", description="夜间KTV噪音很大")["code"]
    dispatcher = api_as("dispatcher")

    def codes(q: str) -> set[str]:
        return {i["code"] for i in dispatcher.get(f"/api/v1/cases?q={q}&limit=500").json()["items"]}

    assert lamp in codes("路灯不亮")
    assert noise not in codes("路灯不亮")
    assert noise in codes("噪音")
    assert noise in codes("ktv")
    assert lamp not in codes("ktv 噪音")
    assert noise in codes("ktv 噪音")


def test_list_queries_do_not_grow_with_the_page(
    api_as, persona_grid, category, django_assert_max_num_queries
):
    citizen = api_as("citizen")
    for i in range(3):
        _submit(citizen, persona_grid, category, title=f"路灯不亮{i}")
    dispatcher = api_as("dispatcher")
    dispatcher.get("/api/v1/cases?limit=50")  # warm the working calendar's per-process cache

    with django_assert_max_num_queries(8) as few:
        dispatcher.get("/api/v1/cases?limit=1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = dispatcher.get("/api/v1/cases?limit=50")

    assert response.status_code == 200
    assert len(response.json()["items"]) >= 3


# --- tracking by code --------------------------------------------------------------------------------


def test_track_by_code_and_phone_masks_staff_names(api_as, persona_grid):
    cache.clear()
    code = _submit(api_as("citizen"), persona_grid)["code"]
    dispatcher = api_as("dispatcher")
    _ok(_act(dispatcher, code, "reject", {"reason": "不属于政务服务范围"}))
    anonymous = Client()

    found = anonymous.get(f"/api/v1/track/{code}?phone_last4=5678")
    wrong_phone = anonymous.get(f"/api/v1/track/{code}?phone_last4=0000")
    unknown = anonymous.get("/api/v1/track/YB-20000101-000001?phone_last4=5678")

    assert found.status_code == 200
    body = found.json()
    assert body["status"] == "rejected"
    rejected = body["timeline"][-1]
    assert rejected["actor"] == "陈*"
    assert rejected["reason"] == "不属于政务服务范围"
    assert wrong_phone.status_code == unknown.status_code == 404
    assert wrong_phone.json() == unknown.json()


def test_tracking_is_rate_limited_per_address(demo, settings):
    cache.clear()
    settings.DANGQUN = {**settings.DANGQUN, "TRACK_RATE_PER_MINUTE": 3}
    client = Client()

    statuses = [client.get("/api/v1/track/YB-1?phone_last4=1234").status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]
    cache.clear()


# --- token auth --------------------------------------------------------------------------------------


def test_bearer_token_works_without_csrf_and_a_revoked_token_is_401(api_as, persona_grid):
    code = _submit(api_as("citizen"), persona_grid)["code"]
    dispatcher = User.objects.get(username="dispatcher")
    made = account_services.api_token_create(actor=dispatcher, user=dispatcher, name="热线对接")
    machine = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {made.key}"})

    listed = machine.get("/api/v1/cases?limit=1")
    accepted = machine.post(f"/api/v1/cases/{code}/accept", {}, content_type="application/json")
    account_services.api_token_revoke(actor=dispatcher, token=made.token)
    after = machine.get("/api/v1/cases?limit=1")
    wrong = Client(headers={"Authorization": "Bearer dq_nope"}).get("/api/v1/cases")

    assert listed.status_code == 200
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["timeline"][-1]["actor_label"] == "陈雪"
    assert after.status_code == 401
    assert wrong.status_code == 401
    made.token.refresh_from_db()
    assert made.token.last_used_at is not None
    assert made.token.key_hash != made.key


# --- attachments -------------------------------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(client: ApiClient, code: str, name: str, data: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/api/v1/cases/{code}/attachments",
        {"file": SimpleUploadedFile(name, data, content_type=content_type), "stage": "report"},
        headers={"X-CSRFToken": client.csrf_token},
    )


def test_attachments_upload_and_serve_within_scope(api_as, persona_grid, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    citizen = api_as("citizen")
    code = _submit(citizen, persona_grid)["code"]

    added = _upload(citizen, code, "现场.png", _png())
    fake = _upload(citizen, code, "现场2.png", b"not an image at all")
    assert added.status_code == 201, added.content
    attachment = added.json()
    served = api_as("dispatcher").get(attachment["url"])
    hidden = _citizen("nosy").get(attachment["url"])
    detail = _ok(citizen.get(f"/api/v1/cases/{code}"))

    assert fake.status_code == 415
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert hidden.status_code == 404
    assert [a["id"] for a in detail["attachments"]] == [attachment["id"]]
    assert detail["timeline"][-1]["type"] == "attachment_added"
    assert CaseEvent.objects.filter(case__code=code, event_type="attachment_added").count() == 1


def test_a_supervisor_only_may_not_attach(api_as, persona_grid, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    code = _submit(api_as("citizen"), persona_grid)["code"]

    response = _upload(api_as("leader"), code, "a.png", _png())

    assert response.status_code == 403


# --- intake cost -------------------------------------------------------------------------------------


def test_a_submission_costs_a_bounded_number_of_queries_and_answers_like_the_detail(
    demo, persona_grid, category, django_assert_max_num_queries
):
    """The intake hot path: token auth, scope (its memberships also name the actor's unit), category,
    grid, handling region, code counter, three inserts (case, event, idempotency key: its unique key
    is the idempotency check), transaction; the answer is built from the case in hand and reads
    nothing more. It equals what the detail endpoint shows afterwards, and so does a retry's."""
    citizen = User.objects.get(username="citizen")
    key = account_services.api_token_create(actor=None, user=citizen, name="app").key
    app = Client(headers={"Authorization": f"Bearer {key}"})
    body = {
        "channel": "app",
        "case_type": "help",
        "category": category.code,
        "title": "小区门口路灯不亮",
        "description": "幸福小区东门路灯连续三晚不亮,夜间出行不便。",
        "lng": persona_grid.centroid_lng,
        "lat": persona_grid.centroid_lat,
    }
    app.post("/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "warm"})

    with django_assert_max_num_queries(11):
        created = app.post(
            "/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
        )
    retried = app.post(
        "/api/v1/cases", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )

    assert created.status_code == 201, created.content
    shown = app.get(f"/api/v1/cases/{created.json()['code']}")
    assert created.json() == shown.json()
    assert retried.status_code == 200
    assert retried.json() == shown.json()
    count = Case.objects.count()
    reused = app.post(
        "/api/v1/cases",
        {**body, "title": "另一件事"},
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == count
