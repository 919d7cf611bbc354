"""The admin shows notifications and deliveries and changes nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.notify.models import Delivery, Notification
from dangqun.notify.services import notify_users


def _superuser_client(db) -> Client:
    user = User.objects.create_superuser(username="n_root", password=None, email="")
    client = Client()
    client.force_login(user)
    return client


def test_lists_and_detail_pages_render_read_only(db, alice):
    client = _superuser_client(db)
    (notification,) = notify_users(
        actor=None, recipients=[alice], kind="case.rated", title="请评价", link="/track/1", channels=["sms"]
    )
    delivery = Delivery.objects.get(notification=notification)

    pages = [
        reverse("admin:notify_notification_changelist"),
        reverse("admin:notify_notification_changelist") + "?q=请评价",
        reverse("admin:notify_notification_change", args=[notification.pk]),
        reverse("admin:notify_delivery_changelist"),
        reverse("admin:notify_delivery_changelist") + "?status__exact=queued",
        reverse("admin:notify_delivery_change", args=[delivery.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    assert "请评价" in client.get(pages[0]).content.decode()

    assert client.get(reverse("admin:notify_notification_add")).status_code == 403
    response = client.post(
        reverse("admin:notify_notification_delete", args=[notification.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Notification.objects.filter(pk=notification.pk).exists()
