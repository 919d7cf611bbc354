"""Every write to personal data goes through a service, with its actor and an audit row.

The guard walks ``admin.site._registry``: a model holding personal data (the registries, party
members, and any model with an encrypted or keyed-hash field) must be registered with a
``ServiceBackedAdmin`` that keeps the base's ``save_model``, or be read-only there; an inline of
such a model must be read-only. Then edits through the admin and the spreadsheet import are shown
to write the audit row with the actor, naming the fields and never their values, and bad input to
name the field and change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.db import models
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.core.admin import ServiceBackedAdmin
from dangqun.core.encrypted_fields import encrypted_fields, hash_fields, matching
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region
from dangqun.registry.models import (
    Building,
    Business,
    Facility,
    Household,
    Institution,
    Resident,
    ResidentTag,
)
from dangqun.registry.services import import_registry_file

from .conftest import make_id_number, xlsx_bytes

# The records of people and places the issue names; models with encrypted fields are found by type.
NAMED_PERSONAL_DATA: frozenset[type[models.Model]] = frozenset(
    {Resident, Household, Building, Business, Institution, Facility, PartyMember}
)


def holds_personal_data(model: type[models.Model]) -> bool:
    return model in NAMED_PERSONAL_DATA or bool(encrypted_fields(model) or hash_fields(model))


def _writes(model_admin: admin.options.BaseModelAdmin, request: HttpRequest) -> bool:
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        return bool(
            model_admin.has_add_permission(request, None) or model_admin.has_change_permission(request, None)
        )
    return bool(model_admin.has_add_permission(request) or model_admin.has_change_permission(request))


def unsafe_personal_data_admins(site: AdminSite, request: HttpRequest) -> list[str]:
    """The admins (and inlines) through which personal data could be saved past its service."""
    unsafe = []
    for model, model_admin in site._registry.items():
        if holds_personal_data(model) and _writes(model_admin, request):
            service_backed = isinstance(model_admin, ServiceBackedAdmin)
            if not service_backed or type(model_admin).save_model is not ServiceBackedAdmin.save_model:
                unsafe.append(model._meta.label)
        for inline_class in model_admin.inlines:
            inline = inline_class(model, site)
            if holds_personal_data(inline.model) and _writes(inline, request):
                unsafe.append(f"{model._meta.label} inline {inline.model._meta.label}")
    return unsafe


@pytest.fixture
def root_request(superuser: User) -> HttpRequest:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


def test_every_admin_of_personal_data_saves_through_a_service(root_request: HttpRequest) -> None:
    registered = set(admin.site._registry)

    assert registered >= NAMED_PERSONAL_DATA  # the guard below has something to guard
    assert unsafe_personal_data_admins(admin.site, root_request) == []


def test_the_guard_flags_a_stock_admin_an_own_save_model_and_a_writable_inline(
    root_request: HttpRequest,
) -> None:
    class OwnSave(ServiceBackedAdmin):
        def save_model(self, request: HttpRequest, obj: models.Model, form: object, change: bool) -> None:
            obj.save()

    class ResidentInline(admin.TabularInline):
        model = Resident

    class HouseholdWithResidents(ServiceBackedAdmin):
        inlines = (ResidentInline,)

    site = AdminSite(name="guard-test")
    site.register(Resident)  # a stock ModelAdmin
    site.register(PartyMember, OwnSave)
    site.register(Household, HouseholdWithResidents)
    site.register(ResidentTag)  # no personal data: not flagged

    assert sorted(unsafe_personal_data_admins(site, root_request)) == [
        "party.PartyMember",
        "registry.Household inline registry.Resident",
        "registry.Resident",
    ]


# --- edits through the admin --------------------------------------------------------------------------


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("id"))


def _resident_form(resident: Resident, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": resident.name,
        "gender": resident.gender,
        "ethnicity": resident.ethnicity,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "grid": resident.grid_id,
        "household": resident.household_id or "",
        "relation_to_head": resident.relation_to_head,
        "work_unit": resident.work_unit,
        "notes": resident.notes,
        "tags": [t.pk for t in resident.tags.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.usefixtures("fifty_residents")
def test_an_admin_edit_writes_an_audit_row_with_the_actor_and_the_field_names_only(
    admin_client: Client, superuser: User
) -> None:
    resident = Resident.objects.get(name="居民7")
    new_tag = ResidentTag.objects.get(code="tag2")

    response = admin_client.post(
        reverse("admin:registry_resident_change", args=[resident.pk]),
        _resident_form(resident, phone="+86 139 0000 7777", tags=[new_tag.pk]),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    resident.refresh_from_db()
    assert resident.phone == "13900007777"  # normalised by the service
    assert list(resident.tags.all()) == [new_tag]
    assert Resident.objects.filter(matching(Resident, "phone", "139 0000 7777")).get() == resident
    [event] = _events("registry.resident_updated")
    assert (event.actor, event.target_type, event.target_id) == (
        superuser,
        "registry.resident",
        str(resident.pk),
    )
    assert event.data == {"changed": ["phone", "tags"]}
    assert "7777" not in json.dumps(event.data)


@pytest.mark.usefixtures("fifty_residents")
def test_bad_input_in_the_admin_names_the_field_and_changes_nothing(admin_client: Client) -> None:
    resident = Resident.objects.get(name="居民7")
    before = (resident.name, resident.phone, resident.id_number)

    response = admin_client.post(
        reverse("admin:registry_resident_change", args=[resident.pk]),
        _resident_form(resident, name="新名字", phone="12345"),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["phone"]
    assert "电话号码" in form.errors["phone"][0]
    resident.refresh_from_db()
    assert (resident.name, resident.phone, resident.id_number) == before
    assert _events("registry.resident_updated") == []


@pytest.mark.usefixtures("fifty_residents")
def test_an_editor_who_sees_masked_values_keeps_them_when_saving(
    staff_client_factory: Callable[..., tuple[Client, User]],
) -> None:
    client, editor = staff_client_factory("registry.view_resident", "registry.change_resident")
    resident = Resident.objects.get(name="居民7")
    before = (resident.id_number, resident.phone)
    data = _resident_form(resident, name="居民七", id_number=None, phone=None)

    response = client.post(reverse("admin:registry_resident_change", args=[resident.pk]), data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    resident.refresh_from_db()
    assert resident.name == "居民七"
    assert (resident.id_number, resident.phone) == before
    [event] = _events("registry.resident_updated")
    assert (event.actor, event.data) == (editor, {"changed": ["name"]})


def test_adding_and_deleting_in_the_admin_go_through_the_services(
    tree: dict[str, Region], admin_client: Client, superuser: User
) -> None:
    response = admin_client.post(
        reverse("admin:registry_building_add"),
        {
            "code": "B900",
            "name": "九百号楼",
            "kind": "residential",
            "grid": tree["grid_a"].pk,
            "floors": "6",
            "units": "2",
            "manager_name": "楼长",
            "manager_phone": "13811112222",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    building = Building.objects.get(code="B900")
    [created] = _events("registry.building_created")
    assert (created.actor, created.target_id) == (superuser, str(building.pk))
    assert "manager_phone" in created.data["fields"]
    assert "13811112222" not in json.dumps(created.data)

    response = admin_client.post(
        reverse("admin:registry_building_delete", args=[building.pk]), {"post": "yes"}
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert not Building.objects.filter(pk=building.pk).exists()
    [deleted] = _events("registry.building_deleted")
    assert (deleted.actor, deleted.target_id) == (superuser, str(building.pk))


def test_a_grid_that_is_not_a_grid_is_refused_on_the_field(
    tree: dict[str, Region], admin_client: Client
) -> None:
    response = admin_client.post(
        reverse("admin:registry_facility_add"),
        {
            "code": "F1",
            "name": "一号路灯",
            "kind": "street_lamp",
            "status": "normal",
            "grid": tree["street"].pk,
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["grid"]
    assert not Facility.objects.filter(code="F1").exists()
    assert _events("registry.facility_created") == []


def test_a_party_member_edit_in_the_admin_is_audited(
    tree: dict[str, Region], admin_client: Client, superuser: User
) -> None:
    org = PartyOrg.objects.create(code="PB9", name="测试支部", kind="branch", path="/PB9/")
    member = PartyMember.objects.create(party_org=org, name="党员甲", gender="F", phone="13700000001")
    url = reverse("admin:party_partymember_change", args=[member.pk])
    base = {"party_org": org.pk, "name": "党员甲", "gender": "F", "status": "active", "id_number": ""}

    bad = admin_client.post(url, {**base, "phone": "137", "work_unit": "某单位"})
    good = admin_client.post(url, {**base, "phone": "13700000002", "work_unit": "某单位"})

    assert bad.status_code == 200
    assert list(bad.context["adminform"].form.errors) == ["phone"]
    assert good.status_code == 302, good.content.decode()[-3000:]
    member.refresh_from_db()
    assert (member.phone, member.work_unit) == ("13700000002", "某单位")
    [event] = _events("party.party_member_updated")
    assert (event.actor, event.data) == (superuser, {"changed": ["phone", "work_unit"]})


# --- the spreadsheet import: the same services, one event per record ------------------------------------


def test_an_import_writes_each_record_through_its_service(tree: dict[str, Region], superuser: User) -> None:
    headers = ["姓名", "性别", "身份证号", "联系电话", "网格代码"]
    rows = [
        ["导入甲", "男", make_id_number("11010119800101001"), "13800000011", tree["grid_a"].code],
        ["导入乙", "", make_id_number("11010119800101002"), "", tree["grid_a"].code],
    ]
    content = xlsx_bytes(headers, rows)

    dry = import_registry_file(
        actor=superuser, model_name="resident", file_bytes=content, file_name="a.xlsx", dry_run=True
    )
    assert dry.ok
    assert _events("registry.resident_created") == []

    report = import_registry_file(
        actor=superuser, model_name="resident", file_bytes=content, file_name="a.xlsx", dry_run=False
    )

    assert report.committed, report.errors
    created = _events("registry.resident_created")
    assert {e.target_id for e in created} == {
        str(r.pk) for r in Resident.objects.filter(name__startswith="导入")
    }
    assert all(e.actor == superuser for e in created)
    assert "13800000011" not in json.dumps([e.data for e in created])

    rows[0][3] = "13800000012"  # the same person again (by ID number), with a new phone
    again = import_registry_file(
        actor=superuser,
        model_name="resident",
        file_bytes=xlsx_bytes(headers, rows),
        file_name="b.xlsx",
        dry_run=False,
    )

    assert (again.created, again.updated) == (0, 2)
    [updated] = _events("registry.resident_updated")  # the unchanged row writes nothing
    assert updated.data == {"changed": ["phone"]}
    assert Resident.objects.get(name="导入甲").phone == "13800000012"


def test_a_user_phone_change_in_the_admin_is_audited_and_a_user_is_not_deleted_there(
    admin_client: Client, superuser: User, root_request: HttpRequest
) -> None:
    user = User.objects.create_user(username="phone-owner", password="Owner-test-2026!", phone="13600000001")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "display_name": "号码主人",
        "phone": "13600000002",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": user.date_joined.time().isoformat(timespec="seconds"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("号码主人", "13600000002")
    assert User.objects.filter(matching(User, "phone", "13600000002")).get() == user
    [event] = _events("accounts.user_updated")
    assert event.actor == superuser
    assert {"display_name", "phone"} <= set(event.data["changed"])
    assert "13600000002" not in json.dumps(event.data)
    assert not admin.site._registry[User].has_delete_permission(root_request, user)


def test_buildings_households_and_party_members_import_through_their_services(
    tree: dict[str, Region], superuser: User
) -> None:
    grid = tree["grid_a"].code
    org = PartyOrg.objects.create(code="PI1", name="导入支部", kind="branch", path="/PI1/")
    files = [
        (
            "building",
            ["楼栋编码", "楼栋名称", "网格代码", "楼栋长电话"],
            [["BI1", "导入楼", grid, "13911110000"]],
        ),
        ("household", ["户编码", "楼栋编码", "门牌/房号"], [["BI1-101", "BI1", "101"]]),
        (
            "party.partymember",
            ["姓名", "党组织编码", "身份证号", "联系电话"],
            [["导入党员", "PI1", make_id_number("11010119750101003"), "13911110001"]],
        ),
    ]

    for model, headers, rows in files:
        report = import_registry_file(
            actor=superuser,
            model_name=model,
            file_bytes=xlsx_bytes(headers, rows),
            file_name="i.xlsx",
            dry_run=False,
        )
        assert report.committed, (model, report.errors)

    household = Household.objects.get(code="BI1-101")
    assert household.grid == tree["grid_a"]  # the building's, filled by the row check
    member = PartyMember.objects.get(party_org=org)
    expected = {
        "registry.building_created": Building.objects.get(code="BI1").pk,
        "registry.household_created": household.pk,
        "party.party_member_created": member.pk,
    }
    for event_type, pk in expected.items():
        [event] = _events(event_type)
        assert (event.actor, event.target_id) == (superuser, str(pk))
        assert "139111100" not in json.dumps(event.data)
    assert Building.objects.filter(matching(Building, "manager_phone", "13911110000")).exists()
    assert PartyMember.objects.filter(matching(PartyMember, "phone", "13911110001")).get() == member
