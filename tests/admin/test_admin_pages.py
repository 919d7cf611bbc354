"""Every admin page of the foundation renders for a superuser, and list pages stay cheap."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.regions.models import Region
from dangqun.registry.models import Resident

from .conftest import make_id_number

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _ids(items: list) -> list[str]:
    return [model._meta.label for model, _ in items]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=_ids(REGISTERED))
def test_changelist_renders(admin_client: Client, model: type[Model], model_admin: admin.ModelAdmin) -> None:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200, response.content[:500]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=_ids(REGISTERED))
def test_add_page_renders_or_is_forbidden(
    admin_client: Client, superuser: User, model: type[Model], model_admin: admin.ModelAdmin
) -> None:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    request = RequestFactory().get(url)
    request.user = superuser

    response = admin_client.get(url)

    expected = 200 if model_admin.has_add_permission(request) else 403
    assert response.status_code == expected, response.content[:500]


def test_foundation_models_are_all_registered() -> None:
    labels = {model._meta.label for model in admin.site._registry}

    assert {
        "core.AuditEvent",
        "regions.Region",
        "orgs.PartyOrg",
        "orgs.Department",
        "accounts.User",
        "registry.Building",
        "registry.Household",
        "registry.Resident",
        "registry.ResidentTag",
        "registry.Business",
        "registry.Institution",
        "registry.Facility",
        "party.PartyMember",
    } <= labels


@pytest.mark.django_db
def test_audit_events_cannot_be_added_changed_or_deleted(superuser: User) -> None:
    from dangqun.core.models import AuditEvent

    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = superuser

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


@pytest.mark.django_db
def test_import_and_export_pages_render(admin_client: Client) -> None:
    for name in ("building", "household", "resident", "business", "institution", "facility"):
        for action in ("import", "export"):
            response = admin_client.get(reverse(f"admin:registry_{name}_{action}"))
            assert response.status_code == 200, (name, action)
    assert admin_client.get(reverse("admin:party_partymember_import")).status_code == 200


# --- query counts of the big list pages -------------------------------------------------------------


@pytest.mark.usefixtures("fifty_residents")
def test_resident_changelist_query_count_is_bounded(
    tree: dict[str, Region], admin_client: Client, django_assert_max_num_queries
) -> None:
    # The fixture's fifty residents, not the demo's: filtered to the test's own grid.
    url = f"{reverse('admin:registry_resident_changelist')}?grid__id__exact={tree['grid_a'].pk}"

    with django_assert_max_num_queries(12):
        response = admin_client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('name="_selected_action"') == 50
    assert "110***********" in body
    assert make_id_number("11010119900101007") not in body


@pytest.mark.usefixtures("fifty_residents")
def test_building_changelist_query_count_is_bounded(
    admin_client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:registry_building_changelist"))

    assert response.status_code == 200


@pytest.mark.usefixtures("fifty_residents")
def test_household_changelist_query_count_is_bounded(
    admin_client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:registry_household_changelist"))

    assert response.status_code == 200


@pytest.mark.usefixtures("fifty_residents")
def test_resident_change_form_uses_autocomplete_not_full_selects(admin_client: Client) -> None:
    resident = Resident.objects.get(name="居民7", grid__code="T2101010101")

    response = admin_client.get(reverse("admin:registry_resident_change", args=[resident.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="admin-autocomplete' in body  # grid and household: autocomplete, not all options
    assert 'data-field-name="grid"' in body
    assert body.count("<option") < 60
