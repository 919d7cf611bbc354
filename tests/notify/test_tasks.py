"""deliver_pending: one send per delivery whatever runs it, retries with the error kept, give-up."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangqun.notify.jobs import CLAIM_LEASE, MAX_ATTEMPTS, deliver_one, deliver_pending
from dangqun.notify.models import Delivery, DeliveryStatus
from dangqun.notify.services import notify_users
from tests.notify import fakes
from tests.notify.conftest import FAILING, RECORDING

TASK_PATH = "dangqun.notify.jobs.deliver_pending"


def _deliveries(recipients, channels):
    notify_users(
        actor=None,
        recipients=recipients,
        kind="case.breached",
        title="诉求已超时",
        body="YB-20261122-000123 已超过办结时限",
        link="/cases/123",
        channels=channels,
    )
    return list(
        Delivery.objects.filter(notification__recipient__in=recipients)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_running_the_job_twice_sends_once(alice, bob, recording):
    ids = _deliveries([alice, bob], ["sms"])

    first = deliver_pending.call(ids)
    second = deliver_pending.call(ids)

    assert first == {"sent": 2}
    assert second == {"not_claimed": 2}
    assert sorted(s["to"] for s in recording) == sorted([alice.pk, bob.pk])
    assert recording[0]["title"] == "诉求已超时"
    assert recording[0]["link"] == "/cases/123"
    for delivery in Delivery.objects.filter(pk__in=ids):
        assert delivery.status == DeliveryStatus.SENT
        assert delivery.attempts == 1
        assert delivery.sent_at is not None


def test_a_row_claimed_by_another_worker_is_not_sent_again(alice, recording):
    (delivery_id,) = _deliveries([alice], ["sms"])
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )

    assert deliver_one(delivery_id) == "not_claimed"
    assert recording == []


def test_a_claim_abandoned_past_the_lease_is_taken_over(alice, recording):
    (delivery_id,) = _deliveries([alice], ["sms"])
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        claimed_at=timezone.now() - CLAIM_LEASE - timedelta(seconds=1),
        attempts=1,
    )

    assert deliver_one(delivery_id) == "sent"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.attempts == 2
    assert len(recording) == 1


def test_a_failing_channel_is_retried_up_to_three_attempts_then_failed(alice, channels):
    channels({"sms": {"BACKEND": FAILING}})
    (delivery_id,) = _deliveries([alice], ["sms"])

    assert deliver_pending.call([delivery_id]) == {"retry": 1}
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 1
    assert "网关超时(第 1 次)" in delivery.last_error
    (retry_job,) = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert retry_job.args_kwargs["args"] == [[delivery_id]]
    assert retry_job.run_after is not None
    assert retry_job.run_after > timezone.now()

    assert deliver_pending.call([delivery_id]) == {"retry": 1}
    assert deliver_pending.call([delivery_id]) == {"failed": 1}
    assert deliver_pending.call([delivery_id]) == {"not_claimed": 1}

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert "第 3 次" in delivery.last_error
    assert fakes.FailingChannel.calls == MAX_ATTEMPTS
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2  # retries after attempts 1 and 2


def test_a_flaky_channel_succeeds_on_retry_and_clears_the_error(alice, channels):
    channels({"sms": {"BACKEND": FAILING, "OPTIONS": {"failures": 1}}})
    (delivery_id,) = _deliveries([alice], ["sms"])

    assert deliver_pending.call([delivery_id]) == {"retry": 1}
    assert deliver_pending.call([delivery_id]) == {"sent": 1}

    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert len(fakes.SENT) == 1


def test_one_failing_channel_does_not_hold_up_the_others(alice, channels):
    channels({"sms": {"BACKEND": FAILING}, "wecom": {"BACKEND": RECORDING}})
    ids = _deliveries([alice], ["sms", "wecom"])

    assert deliver_pending.call(ids) == {"retry": 1, "sent": 1}
    assert [s["channel"] for s in fakes.SENT] == ["wecom"]


def test_email_goes_to_the_users_address_and_skips_users_without_one(alice, bob, channels):
    channels(
        {
            "email": {
                "BACKEND": "dangqun.notify.channels.EmailChannel",
                "OPTIONS": {"base_url": "https://dq.example"},
            }
        }
    )
    ids = _deliveries([alice, bob], ["email"])

    assert deliver_pending.call(ids) == {"sent": 1, "skipped": 1}

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "诉求已超时"
    assert "https://dq.example/cases/123" in message.body
    skipped = Delivery.objects.get(notification__recipient=bob)
    assert skipped.status == DeliveryStatus.SKIPPED
    assert "电子邮箱" in skipped.last_error


class _RecordList(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def notify_log():
    """The INFO records of the ``dangqun.notify`` logger during the test. A handler of its own, not
    ``caplog``: the test must also run when pytest's logging plugin is off (``-p no:logging``)."""
    logger = logging.getLogger("dangqun.notify")
    handler = _RecordList()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_default_logging_channel_logs_a_masked_phone(alice, notify_log):
    (delivery_id,) = _deliveries([alice], ["sms"])

    assert deliver_pending.call([delivery_id]) == {"sent": 1}

    (record,) = [r for r in notify_log if r.name == "dangqun.notify"]
    assert "138****5678" in record.getMessage()
    assert "13812345678" not in record.getMessage()


def test_a_channel_switched_off_after_queueing_fails_without_retry(alice, channels):
    (delivery_id,) = _deliveries([alice], ["sms"])
    channels({"sms": {"BACKEND": ""}})

    assert deliver_pending.call([delivery_id]) == {"failed": 1}
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.FAILED
    assert "未配置" in delivery.last_error


def test_unknown_ids_are_ignored(db):
    assert deliver_pending.call([987654321]) == {"not_claimed": 1}


def test_with_an_immediate_backend_on_commit_sends_at_once(
    alice, recording, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        _deliveries([alice], ["sms", "dingtalk"])

    assert sorted(s["channel"] for s in recording) == ["dingtalk", "sms"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
