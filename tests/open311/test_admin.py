"""API keys are issued and revoked in admin: the key is shown once, only its hash is kept."""

from __future__ import annotations

import re

from django.test import Client

from dangqun.accounts.models import User
from dangqun.core.models import AuditEvent
from dangqun.open311.keys import hash_key
from dangqun.open311.models import Open311Client
from dangqun.regions.models import Region
from tests.open311.conftest import BASE, check_errors


def _admin() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="sysadmin"))
    return client


def test_issue_in_admin_use_then_revoke(demo):
    admin = _admin()
    district = Region.objects.get(parent__isnull=True)
    response = admin.post(
        "/admin/open311/open311client/add/",
        {"name": "市民通APP", "district": district.pk, "rate_per_minute": 30, "contact": ""},
        follow=True,
    )
    assert response.status_code == 200
    match = re.search(r"(o311_[A-Za-z0-9_\-]{20,})", response.content.decode())
    assert match is not None
    key = match.group(1)
    client = Open311Client.objects.get(name="市民通APP")
    assert client.key_hash == hash_key(key)
    assert key not in str(Open311Client.objects.filter(pk=client.pk).values().get())
    assert AuditEvent.objects.filter(
        event_type="open311.client_key_issued", target_id=str(client.pk)
    ).exists()

    http = Client()
    feed = http.get(f"{BASE}/servicerequestupdates.json", {"api_key": key})
    assert feed.status_code == 200

    admin.post(
        "/admin/open311/open311client/",
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert client.is_active is False
    assert client.revoked_at is not None
    check_errors(http.get(f"{BASE}/servicerequestupdates.json", {"api_key": key}), 403, "json")


def test_non_admins_cannot_reach_the_key_admin(api_as):
    staff = Client()
    staff.force_login(User.objects.get(username="dispatcher"))
    assert staff.get("/admin/open311/open311client/add/").status_code in (302, 403)


def test_a_change_in_admin_goes_through_the_service_and_is_audited(demo):
    admin = _admin()
    district = Region.objects.get(parent__isnull=True)
    admin.post(
        "/admin/open311/open311client/add/",
        {"name": "改名前", "district": district.pk, "rate_per_minute": 30, "contact": ""},
    )
    client = Open311Client.objects.get(name="改名前")

    response = admin.post(
        f"/admin/open311/open311client/{client.pk}/change/",
        {"name": "改名后", "district": district.pk, "rate_per_minute": 30, "contact": "值班室"},
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    client.refresh_from_db()
    assert (client.name, client.contact) == ("改名后", "值班室")
    event = AuditEvent.objects.get(event_type="open311.client_updated", target_id=str(client.pk))
    assert event.actor == User.objects.get(username="sysadmin")
    assert event.data == {"changed": ["contact", "name"]}
