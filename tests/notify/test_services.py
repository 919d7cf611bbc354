"""notify_users: inbox rows, deliveries, after-commit queueing, audit; reading."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from dangqun.core.errors import NotFoundError
from dangqun.core.models import AuditEvent
from dangqun.notify.models import Delivery, DeliveryStatus, Notification
from dangqun.notify.services import notification_mark_read, notifications_mark_all_read, notify_users

TASK_PATH = "dangqun.notify.jobs.deliver_pending"


def _notify(recipients, **extra):
    params = {"kind": "case.dispatched", "title": "新派单:路灯不亮", "link": "/cases/12"}
    params.update(extra)
    return notify_users(actor=None, recipients=recipients, **params)


def _queued_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH))


def test_one_inbox_row_per_distinct_recipient(alice, bob):
    notifications = _notify([alice, bob, alice, bob, alice], subject_type="cases.case", subject_id=12)

    assert len(notifications) == 2
    rows = Notification.objects.filter(kind="case.dispatched", recipient__in=[alice, bob]).order_by(
        "recipient__username"
    )
    assert [n.recipient for n in rows] == [alice, bob]
    assert {n.subject_id for n in rows} == {"12"}
    assert all(n.read_at is None and n.link == "/cases/12" for n in rows)


def test_inactive_recipients_get_nothing(alice, bob):
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    notifications = _notify([alice, bob])

    assert [n.recipient for n in notifications] == [alice]


def test_one_audit_event_per_call_not_per_recipient(alice, bob, carol):
    before = AuditEvent.objects.filter(event_type="notify.sent").count()

    _notify([alice, bob, carol], channels=["sms"])

    events = AuditEvent.objects.filter(event_type="notify.sent")
    assert events.count() == before + 1
    event = events.first()
    assert event is not None
    assert event.data["kind"] == "case.dispatched"
    assert event.data["recipients"] == 3
    assert event.data["channels"] == ["sms"]


def test_no_recipients_writes_nothing(db):
    before = AuditEvent.objects.count()
    deliveries_before = Delivery.objects.count()

    assert _notify([], channels=["sms"]) == []

    assert AuditEvent.objects.count() == before
    assert Delivery.objects.count() == deliveries_before


def test_a_delivery_per_recipient_and_requested_channel(alice, bob):
    _notify([alice, bob], channels=["sms", "wecom", "sms"])

    deliveries = Delivery.objects.filter(notification__recipient__in=[alice, bob])
    assert sorted((d.notification.recipient.username, d.channel) for d in deliveries) == [
        ("n_alice", "sms"),
        ("n_alice", "wecom"),
        ("n_bob", "sms"),
        ("n_bob", "wecom"),
    ]
    assert {d.status for d in deliveries} == {DeliveryStatus.QUEUED}


def test_inbox_only_queues_no_job(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify([alice])

    assert callbacks == []
    assert not Delivery.objects.filter(notification__recipient=alice).exists()


def test_delivery_job_is_queued_only_after_commit(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([alice, bob], channels=["sms"])
        assert _queued_jobs() == []

    assert len(callbacks) == 1
    assert _queued_jobs() == []

    callbacks[0]()

    jobs = _queued_jobs()
    assert len(jobs) == 1
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    assert sorted(jobs[0].args_kwargs["args"][0]) == ids


def test_executed_on_commit_enqueues_the_deliveries(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice], channels=["sms", "email"])

    (job,) = _queued_jobs()
    assert len(job.args_kwargs["args"][0]) == 2


def test_a_rolled_back_caller_queues_nothing(alice, django_capture_on_commit_callbacks):
    def failing_transition() -> None:
        with transaction.atomic():
            _notify([alice], channels=["sms"])
            raise RuntimeError("the case transition failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_transition()

    assert callbacks == []
    assert _queued_jobs() == []
    assert not Notification.objects.filter(recipient=alice).exists()


def test_unknown_channel_is_a_clear_error_and_nothing_is_written(alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError) as excinfo,
    ):
        _notify([alice], channels=["sms", "carrier_pigeon"])

    assert "未知的通知渠道" in excinfo.value.messages[0]
    assert "carrier_pigeon" in excinfo.value.messages[0]
    assert callbacks == []
    assert not Notification.objects.filter(recipient=alice).exists()


def test_channels_given_as_one_string_is_an_error(alice):
    with pytest.raises(ValidationError, match="渠道名称的列表"):
        _notify([alice], channels="sms")


def test_a_switched_off_channel_is_passed_over(alice, channels, django_capture_on_commit_callbacks):
    channels({"sms": {"BACKEND": ""}, "email": {"BACKEND": "dangqun.notify.channels.LoggingChannel"}})

    with django_capture_on_commit_callbacks(execute=True):
        _notify([alice], channels=["sms", "email"])

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "Case Dispatched", "点分名称"),
        ("kind", "", "不能为空"),
        ("title", "", "不能为空"),
        ("title", "长" * 201, "200"),
        ("link", "https://evil.example/phish", "本站路径"),
        ("link", "//evil.example/phish", "本站路径"),
    ],
)
def test_bad_fields_are_rejected_whole(alice, field, value, message):
    with pytest.raises(ValidationError) as excinfo:
        _notify([alice], channels=["sms"], **{field: value})

    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not Delivery.objects.filter(notification__recipient=alice).exists()


def test_an_unsaved_recipient_is_an_error(alice):
    from dangqun.accounts.models import User

    with pytest.raises(ValidationError, match="已保存的用户"):
        _notify([alice, User(username="ghost")])


def test_mark_read_is_idempotent(alice):
    (notification,) = _notify([alice])

    first = notification_mark_read(actor=alice, notification=notification)
    read_at = first.read_at
    again = notification_mark_read(actor=alice, notification=Notification.objects.get(pk=notification.pk))

    assert read_at is not None
    assert again.read_at == read_at


def test_mark_read_of_someone_elses_notification_is_not_found(alice, bob):
    (notification,) = _notify([alice])

    with pytest.raises(NotFoundError):
        notification_mark_read(actor=bob, notification=notification)

    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_the_actors_unread(alice, bob):
    _notify([alice, bob])
    _notify([alice, bob], kind="case.due")
    notification_mark_read(
        actor=alice, notification=Notification.objects.filter(recipient=alice).earliest("id")
    )

    assert notifications_mark_all_read(actor=alice) == 1
    assert notifications_mark_all_read(actor=alice) == 0
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 2
