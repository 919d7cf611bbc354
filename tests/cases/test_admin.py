"""The case domain's admin: every page renders for a superuser, reference data saves through the
services, and cases, their timeline and attachments are read-only (no add, change or delete)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.cases.events import CasesEvent
from dangqun.cases.models import (
    Attachment,
    Case,
    CaseConfig,
    CaseEvent,
    Category,
    RoutingRule,
    SlaPolicy,
)
from dangqun.core.models import AuditEvent

MODELS = (Category, RoutingRule, SlaPolicy, CaseConfig, Case, CaseEvent, Attachment)


def _url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:cases_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def root(demo: None) -> User:
    return User.objects.create_superuser(username="cases_root", password=None, email="")


@pytest.fixture
def client_root(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_render(client_root: Client, model: type) -> None:
    response = client_root.get(_url(model, "changelist"))

    assert response.status_code == 200


def test_case_changelist_filters_and_searches(client_root: Client) -> None:
    case = Case.objects.order_by("id").first()
    assert case is not None
    level1 = Category.objects.filter(level=1).order_by("path").first()
    assert level1 is not None

    by_code = client_root.get(_url(Case, "changelist"), {"q": case.code})
    filtered = client_root.get(
        _url(Case, "changelist"),
        {"status": "closed", "category1": level1.code, "priority": "normal", "is_supervised__exact": "0"},
    )

    assert by_code.status_code == 200
    assert list(by_code.context["cl"].result_list) == [case]
    assert filtered.status_code == 200


def test_the_case_changelist_query_count_does_not_grow_with_the_page(
    client_root: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    assert Case.objects.count() >= 50

    with django_assert_max_num_queries(12):
        response = client_root.get(_url(Case, "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 50


def test_cases_and_their_timeline_cannot_be_added_changed_or_deleted(root: User, client_root: Client) -> None:
    request = RequestFactory().get("/")
    request.user = root
    case = Case.objects.order_by("id").first()
    assert case is not None

    for model in (Case, CaseEvent, Attachment):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, None)
        assert not model_admin.has_delete_permission(request, None)
    assert client_root.get(_url(Case, "add")).status_code == 403
    detail = client_root.get(_url(Case, "change", case.pk))
    assert detail.status_code == 200
    assert "办理过程" in detail.content.decode()
    status_before = case.status
    posted = client_root.post(_url(Case, "change", case.pk), {"status": "submitted"})
    assert posted.status_code == 403
    case.refresh_from_db()
    assert case.status == status_before


def test_a_category_added_in_admin_goes_through_the_service(client_root: Client) -> None:
    parent = Category.objects.filter(level=1, name="城乡建设").get()

    response = client_root.post(
        _url(Category, "add"), {"parent": parent.pk, "name": "后台新增分类", "code": "", "keywords": "甲,乙"}
    )

    assert response.status_code == 302, response.content[:800]
    created = Category.objects.get(parent=parent, name="后台新增分类")
    assert created.level == 2
    assert created.code.startswith(parent.code)
    assert AuditEvent.objects.filter(
        event_type=CasesEvent.CATEGORY_CREATED.value, target_id=str(created.pk)
    ).exists()


def test_a_duplicate_category_in_admin_is_a_form_error(client_root: Client) -> None:
    parent = Category.objects.filter(level=1, name="城乡建设").get()
    before = Category.objects.count()

    response = client_root.post(_url(Category, "add"), {"parent": parent.pk, "name": "供热", "code": ""})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Category.objects.count() == before


def test_a_routing_rule_saved_in_admin_keeps_its_co_departments(client_root: Client) -> None:
    rule = RoutingRule.objects.exclude(lead_department=None).order_by("id").first()
    assert rule is not None
    assert rule.lead_department is not None
    co = rule.co_departments.first()
    data = {
        "name": rule.name,
        "order": rule.order,
        "category": rule.category_id or "",
        "region": rule.region_id or "",
        "keywords": rule.keywords,
        "lead_department": rule.lead_department_id,
        "lead_region_level": "",
        "co_departments": [co.pk] if co else [],
        "is_active": "on",
    }
    events = AuditEvent.objects.filter(event_type=CasesEvent.ROUTING_RULE_SAVED.value).count()

    response = client_root.post(_url(RoutingRule, "change", rule.pk), data)

    assert response.status_code == 302, response.content[:800]
    assert list(rule.co_departments.all()) == ([co] if co else [])
    assert AuditEvent.objects.filter(event_type=CasesEvent.ROUTING_RULE_SAVED.value).count() == events + 1


def test_the_settings_row_can_be_changed_but_not_added_twice(client_root: Client, root: User) -> None:
    request = RequestFactory().get("/")
    request.user = root
    config = CaseConfig.objects.get()

    assert not admin.site._registry[CaseConfig].has_add_permission(request)
    response = client_root.post(
        _url(CaseConfig, "change", config.pk), {"rating_timeout_days": 10, "max_reopen": 1}
    )

    assert response.status_code == 302, response.content[:800]
    config.refresh_from_db()
    assert (config.rating_timeout_days, config.max_reopen, config.auto_dispatch) == (10, 1, False)
