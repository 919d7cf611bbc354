"""The delivery job: sends queued ``Delivery`` rows through their channels, once each.

A job reads its rows in one query, then claims each with one conditional UPDATE (``queued`` →
``sending``, attempts + 1, provided ``attempts`` is still what it read) in autocommit. Only the
worker whose UPDATE matched sends, so two workers (or a job run twice) never send the same row
twice. The network call happens outside any transaction, and each outcome is written right after
its send. A failed attempt goes back to ``queued`` with its error and a later job retries it, up to
``MAX_ATTEMPTS``. A row left ``sending`` by a worker that died is claimable again after
``CLAIM_LEASE`` (far above any channel's timeout): a crash mid-send may repeat that one send.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from dangqun.notify.channels import Channel, ChannelError, RecipientUnreachableError, get_channel
from dangqun.notify.models import Delivery, DeliveryStatus

logger = logging.getLogger("dangqun.notify")

MAX_ATTEMPTS = 3
# Wait before the 2nd and the 3rd attempt.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5))
CLAIM_LEASE = timedelta(minutes=10)
_ERROR_LIMIT = 1000


def _pending(delivery_ids: Iterable[int]) -> dict[int, Delivery]:
    """The rows that may still need a send, with what the send needs, in one query."""
    rows = Delivery.objects.select_related("notification__recipient").filter(
        pk__in=list(delivery_ids),
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING],
        attempts__lt=MAX_ATTEMPTS,
    )
    return {row.pk: row for row in rows}


def _claim(delivery: Delivery, now: datetime) -> bool:
    """Take the row for this worker; ``attempts`` as read is the version, so a row that anybody
    touched since it was read is left alone."""
    claimable = Q(status=DeliveryStatus.QUEUED) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    claimed = Delivery.objects.filter(
        claimable, pk=delivery.pk, attempts=delivery.attempts, attempts__lt=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery.status = DeliveryStatus.SENDING
    delivery.claimed_at = now
    delivery.attempts += 1
    return True


def _finish(delivery: Delivery, claimed_at: datetime, **values: object) -> None:
    # Only the claim that sent may record the outcome.
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at).update(
        **values
    )


def _channel(name: str, cache: dict[str, Channel]) -> Channel:
    if name not in cache:
        cache[name] = get_channel(name)
    return cache[name]


def deliver_one(delivery: Delivery | int, cache: dict[str, Channel] | None = None) -> str:
    """Claim and send one delivery; the outcome: sent, retry, failed, skipped or not_claimed."""
    if not isinstance(delivery, Delivery):
        found = _pending([delivery]).get(delivery)
        if found is None:
            return "not_claimed"
        delivery = found
    now = timezone.now()
    if not _claim(delivery, now):
        return "not_claimed"
    notification = delivery.notification
    try:
        channel = _channel(delivery.channel, cache if cache is not None else {})
        channel.send(
            to=notification.recipient,
            title=notification.title,
            body=notification.body,
            link=notification.link,
        )
    except RecipientUnreachableError as exc:
        _finish(delivery, now, status=DeliveryStatus.SKIPPED, last_error=str(exc)[:_ERROR_LIMIT])
        return "skipped"
    except ImproperlyConfigured as exc:
        # The channel was switched off or misconfigured after the row was queued: retrying won't help.
        _finish(delivery, now, status=DeliveryStatus.FAILED, last_error=str(exc)[:_ERROR_LIMIT])
        return "failed"
    except Exception as exc:
        if not isinstance(exc, ChannelError):
            logger.exception("notify channel %s raised an unexpected error", delivery.channel)
        error = (str(exc) or type(exc).__name__)[:_ERROR_LIMIT]
        final = delivery.attempts >= MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED
        _finish(delivery, now, status=status, last_error=error)
        logger.warning(
            "notify delivery %s via %s failed (attempt %s/%s): %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            MAX_ATTEMPTS,
            error,
        )
        return "failed" if final else "retry"
    _finish(delivery, now, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def schedule_retry(delivery_ids: list[int], attempts_done: int) -> None:
    """Queue another run for ``delivery_ids`` after the back-off for ``attempts_done``."""
    delay = RETRY_DELAYS[min(max(attempts_done, 1), len(RETRY_DELAYS)) - 1]
    job = deliver_pending
    if job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + delay)
    job.enqueue(delivery_ids)


@task()
def deliver_pending(delivery_ids: list[int]) -> dict[str, int]:
    """Send the given deliveries; safe to run twice or on two workers at once."""
    outcome: Counter[str] = Counter()
    channels: dict[str, Channel] = {}
    to_retry: list[int] = []
    wanted = sorted({int(i) for i in delivery_ids})
    pending = _pending(wanted)
    for delivery_id in wanted:
        delivery = pending.get(delivery_id)
        result = deliver_one(delivery, channels) if delivery is not None else "not_claimed"
        outcome[result] += 1
        if result == "retry":
            to_retry.append(delivery_id)
    if to_retry:
        by_attempts: defaultdict[int, list[int]] = defaultdict(list)
        for delivery_id, attempts in Delivery.objects.filter(pk__in=to_retry).values_list("pk", "attempts"):
            by_attempts[attempts].append(delivery_id)
        for attempts, ids in sorted(by_attempts.items()):
            schedule_retry(ids, attempts)
    return dict(outcome)


# A queued row untouched for this long has lost its job (the process died between the commit that
# queued it and the enqueue, or the job was lost with its worker): above the longest retry delay.
STUCK_AFTER = CLAIM_LEASE


def stuck_delivery_ids(now: datetime) -> list[int]:
    """Rows that no job will send: queued and untouched for ``STUCK_AFTER``, or left ``sending``
    past the claim lease by a worker that died."""
    cutoff = now - STUCK_AFTER
    stuck = Delivery.objects.filter(attempts__lt=MAX_ATTEMPTS).filter(
        Q(status=DeliveryStatus.QUEUED, claimed_at__lt=cutoff)
        | Q(status=DeliveryStatus.QUEUED, claimed_at__isnull=True, created_at__lt=cutoff)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    )
    return list(stuck.order_by("pk").values_list("pk", flat=True)[:10_000])


@task()
def redeliver_stuck() -> dict[str, int]:
    """Periodic: queue a delivery job for the rows whose job was lost. Sending stays once per claim:
    a row that another job took meanwhile is passed over by ``deliver_one``."""
    ids = stuck_delivery_ids(timezone.now())
    for start in range(0, len(ids), 200):
        deliver_pending.enqueue(ids[start : start + 200])
    if ids:
        logger.warning("notify: %s deliveries had lost their job: queued again", len(ids))
    return {"requeued": len(ids)}
