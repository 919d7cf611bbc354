"""Masked by default; unmasking needs ``registry.view_resident_pii`` and writes an access-audit row
for every view (the API's unmask action and the admin change form)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client

from dangqun.accounts.models import User
from dangqun.core.events import CoreEvent
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.core.models import AuditEvent

VIEWED = CoreEvent.PII_VIEWED.value


def _grant_pii(username: str) -> User:
    user = User.objects.get(username=username)
    user.user_permissions.add(Permission.objects.get(codename="view_resident_pii"))
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=VIEWED).order_by("id"))


def test_a_persona_without_the_permission_sees_masked_values_and_may_not_unmask(api_as, community_resident):
    client = api_as("community_staff")

    detail = client.get(f"/api/v1/residents/{community_resident.pk}").json()
    listed = client.get("/api/v1/residents", {"limit": 500}).json()["items"]
    unmask = client.post_json(f"/api/v1/residents/{community_resident.pk}/unmask", {"reason": "核对"})

    assert detail["id_number"] == mask_id_number(community_resident.id_number)
    assert detail["phone"] != community_resident.phone
    assert "*" in detail["phone"]
    assert all("*" in item["id_number"] for item in listed if item["id_number"])
    assert unmask.status_code == 403
    assert community_resident.id_number not in unmask.content.decode()
    assert _views() == []


def test_a_persona_with_the_permission_unmasks_and_an_audit_row_says_who_whose_what_where_why(
    api_as, community_resident
):
    staff = _grant_pii("community_staff")
    client = api_as("community_staff")

    response = client.post_json(
        f"/api/v1/residents/{community_resident.pk}/unmask", {"reason": "办理低保复核,核对身份"}
    )
    again = client.post_json(f"/api/v1/residents/{community_resident.pk}/unmask", {"reason": "再次核对"})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": community_resident.pk,
        "name": community_resident.name,
        "id_number": community_resident.id_number,
        "phone": community_resident.phone,
    }
    assert again.status_code == 200
    first, second = _views()  # one row per view
    assert first.actor_id == staff.pk
    assert (first.target_type, first.target_id) == ("registry.resident", str(community_resident.pk))
    assert first.data == {
        "fields": ["id_number", "phone"],
        "via": "api",
        "where": f"/api/v1/residents/{community_resident.pk}/unmask",
        "reason": "办理低保复核,核对身份",
    }
    assert first.created_at is not None
    assert second.data["reason"] == "再次核对"


def test_the_detail_stays_masked_for_a_holder_of_the_permission(api_as, community_resident):
    _grant_pii("community_staff")
    client = api_as("community_staff")

    detail = client.get(f"/api/v1/residents/{community_resident.pk}").json()

    assert "*" in detail["id_number"]
    assert _views() == []


def test_unmasking_needs_a_reason_and_stays_inside_the_scope(api_as, community_resident, stranger):
    _grant_pii("community_staff")
    client = api_as("community_staff")

    no_reason = client.post_json(f"/api/v1/residents/{community_resident.pk}/unmask", {"reason": " "})
    missing = client.post_json(f"/api/v1/residents/{community_resident.pk}/unmask", {})
    outside = client.post_json(f"/api/v1/residents/{stranger.pk}/unmask", {"reason": "核对身份"})
    unknown = client.post_json("/api/v1/residents/999999999/unmask", {"reason": "核对身份"})

    assert no_reason.status_code == 422
    assert "原因" in no_reason.json()["detail"]
    assert missing.status_code == 422
    assert outside.status_code == unknown.status_code == 404
    assert outside.json() == unknown.json()
    assert _views() == []


def test_the_sysadmin_unmasks_any_resident(api_as, stranger):
    response = api_as("sysadmin").post_json(f"/api/v1/residents/{stranger.pk}/unmask", {"reason": "数据核查"})

    assert response.status_code == 200
    assert response.json()["id_number"] == stranger.id_number
    assert [e.actor.username for e in _views()] == ["sysadmin"]


def test_the_admin_change_form_shows_the_values_to_a_holder_and_audits_each_view(demo, community_resident):
    admin = Client()
    admin.force_login(User.objects.get(username="sysadmin"))

    page = admin.get(f"/admin/registry/resident/{community_resident.pk}/change/")

    assert page.status_code == 200
    assert community_resident.id_number in page.content.decode()
    (event,) = _views()
    assert event.data["via"] == "admin"
    assert event.data["where"] == f"/admin/registry/resident/{community_resident.pk}/change/"
    assert event.data["fields"] == ["id_number", "phone"]
    assert event.actor.username == "sysadmin"


def test_the_admin_change_form_masks_for_staff_without_the_permission(demo, community_resident):
    clerk = User.objects.create_user(username="pii_clerk", password="x-Unused-2026", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_resident", "change_resident"]))
    client = Client()
    client.force_login(clerk)

    page = client.get(f"/admin/registry/resident/{community_resident.pk}/change/")

    text = page.content.decode()
    assert page.status_code == 200
    assert community_resident.id_number not in text
    assert community_resident.phone not in text
    assert mask_id_number(community_resident.id_number) in text
    assert _views() == []


def test_the_user_admin_lists_phones_masked(demo):
    admin = Client()
    admin.force_login(User.objects.get(username="sysadmin"))
    citizen = User.objects.get(username="citizen")

    by_phone = admin.get("/admin/accounts/user/", {"q": citizen.phone})
    by_name = admin.get("/admin/accounts/user/", {"q": "citizen"})

    assert list(by_phone.context["cl"].result_list) == [citizen]
    assert by_name.status_code == 200
    assert citizen in list(by_name.context["cl"].result_list)
    assert citizen.phone not in by_name.content.decode()
    assert mask_phone(citizen.phone) in by_name.content.decode()
