"""The inbox through the HTTP API as demo personas: each sees and changes only their own."""

from __future__ import annotations

import pytest

from dangqun.accounts.models import User
from dangqun.notify.models import Notification
from dangqun.notify.services import notify_users
from tests.conftest import ApiClient


@pytest.fixture
def inboxes(demo):
    """Three notifications for the citizen (one of them read) and one for the grid worker."""
    citizen = User.objects.get(username="citizen")
    worker = User.objects.get(username="grid_worker")
    # The demo pushes its own (惠民政策 to the citizen, for one): the counts below are the fixture's.
    Notification.objects.filter(recipient__in=[citizen, worker]).delete()
    for number in range(1, 4):
        notify_users(
            actor=None,
            recipients=[citizen],
            kind="case.progress",
            title=f"您的诉求有新进展 {number}",
            link=f"/track/YB-20261122-00000{number}",
            subject_type="cases.case",
            subject_id=str(number),
        )
    notify_users(actor=None, recipients=[worker], kind="case.dispatched", title="新派单", link="/cases/9")
    oldest = Notification.objects.filter(recipient=citizen).order_by("id").first()
    assert oldest is not None
    Notification.objects.filter(pk=oldest.pk).update(read_at=oldest.created_at)
    return {"citizen": citizen, "grid_worker": worker}


def test_the_inbox_lists_only_my_notifications_newest_first(api_as, inboxes):
    client = api_as("citizen")

    body = client.get("/api/v1/inbox").json()

    assert body["count"] == 3
    titles = [item["title"] for item in body["items"]]
    assert titles == ["您的诉求有新进展 3", "您的诉求有新进展 2", "您的诉求有新进展 1"]
    first = body["items"][0]
    assert first["kind"] == "case.progress"
    assert first["link"] == "/track/YB-20261122-000003"
    assert first["subject_type"] == "cases.case"
    assert first["subject_id"] == "3"
    assert first["is_read"] is False
    assert body["items"][2]["is_read"] is True


def test_unread_filter_and_count(api_as, inboxes):
    client = api_as("citizen")

    unread = client.get("/api/v1/inbox", {"unread": "true"}).json()
    count = client.get("/api/v1/inbox/unread-count").json()

    assert [item["title"] for item in unread["items"]] == ["您的诉求有新进展 3", "您的诉求有新进展 2"]
    assert count == {"unread": 2}


def test_the_inbox_is_paginated(api_as, inboxes):
    client = api_as("citizen")

    page = client.get("/api/v1/inbox", {"limit": 1, "offset": 1}).json()

    assert page["count"] == 3
    assert [item["title"] for item in page["items"]] == ["您的诉求有新进展 2"]


def test_mark_one_read(api_as, inboxes):
    client = api_as("citizen")
    target = Notification.objects.filter(recipient=inboxes["citizen"], read_at__isnull=True).first()
    assert target is not None

    response = client.post_json(f"/api/v1/inbox/{target.pk}/read")
    again = client.post_json(f"/api/v1/inbox/{target.pk}/read")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert again.json()["read_at"] == response.json()["read_at"]
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 1}


def test_someone_elses_notification_is_not_found(api_as, inboxes):
    client = api_as("citizen")
    theirs = Notification.objects.get(recipient=inboxes["grid_worker"])

    response = client.post_json(f"/api/v1/inbox/{theirs.pk}/read")

    assert response.status_code == 404
    assert response.json()["detail"] == "通知不存在"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_nonexistent_id_is_not_found_and_a_bad_id_is_422(api_as, inboxes):
    client = api_as("citizen")

    assert client.post_json("/api/v1/inbox/987654321/read").status_code == 404
    assert client.post_json("/api/v1/inbox/abc/read").status_code == 422


def test_read_all_marks_only_mine(api_as, inboxes):
    client = api_as("citizen")

    response = client.post_json("/api/v1/inbox/read-all")

    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.filter(recipient=inboxes["grid_worker"], read_at__isnull=True).count() == 1


def test_writes_need_the_csrf_token(api_as, inboxes):
    client = api_as("citizen")
    client.csrf_token = ""

    response = client.post_json("/api/v1/inbox/read-all")

    assert response.status_code == 403
    assert Notification.objects.filter(recipient=inboxes["citizen"], read_at__isnull=True).count() == 2


def test_anonymous_gets_401(demo):
    client = ApiClient()

    assert client.get("/api/v1/inbox").status_code == 401
    assert client.get("/api/v1/inbox/unread-count").status_code == 401


def test_inbox_list_query_count_does_not_grow_with_rows(api_as, inboxes, django_assert_max_num_queries):
    client = api_as("grid_worker")
    worker = inboxes["grid_worker"]
    for number in range(31):
        notify_users(actor=None, recipients=[worker], kind="case.due", title=f"即将到期 {number}")

    with django_assert_max_num_queries(4):  # session, user, count, page
        body = client.get("/api/v1/inbox", {"limit": 50}).json()

    assert body["count"] == 32
