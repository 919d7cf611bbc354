"""The push of a published policy to the accounts it fits, run by the worker in batches.

Each batch is its own transaction: it records the reach (one row per account, unique, so a job run
twice sends nothing twice) and the inbox rows through ``notify.notify_users`` (whose external sends
are queued in turn). Accounts already reached are skipped, so a job interrupted midway resumes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dangqun.accounts.models import User
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import Audience, CivicContact, Policy, PolicyReach, PolicyStatus, PushStatus
from dangqun.civic.rules import matching
from dangqun.core.audit import record_event
from dangqun.notify.services import notify_users

BATCH = 1000
NOTIFICATION_KIND = "civic.policy"


def policy_link(policy_id: int) -> str:
    return f"/civic/my/{policy_id}/"


def recipients_of(policy: Policy) -> QuerySet[CivicContact]:
    """The active accounts linked to the residents or businesses the policy fits, not yet reached."""
    subjects = matching(policy.audience, policy.rules, policy.region, today=timezone.localdate()).values("pk")
    link = "resident_id__in" if policy.audience == Audience.RESIDENT else "business_id__in"
    return CivicContact.objects.filter(**{link: subjects}, user__is_active=True).exclude(
        user_id__in=PolicyReach.objects.filter(policy=policy).values("user_id")
    )


def push_policy_now(policy_id: int, *, batch: int = BATCH) -> int:
    """Push a published policy to every matching account; returns how many were reached now."""
    policy = Policy.objects.select_related("region").get(pk=policy_id)
    if policy.status != PolicyStatus.PUBLISHED:
        return 0
    contacts = recipients_of(policy)
    last = 0
    total = 0
    title = _("惠民政策:%(title)s") % {"title": policy.title}
    while True:
        rows = list(contacts.filter(pk__gt=last).order_by("pk").values_list("pk", "user_id")[:batch])
        if not rows:
            break
        last = rows[-1][0]
        with transaction.atomic():
            users = list(User.objects.filter(pk__in=[user_id for _pk, user_id in rows]))
            now = timezone.now()
            PolicyReach.objects.bulk_create(
                [PolicyReach(policy=policy, user=user, pushed_at=now) for user in users],
                ignore_conflicts=True,
                batch_size=BATCH,
            )
            notify_users(
                actor=None,
                recipients=users,
                kind=NOTIFICATION_KIND,
                title=title[:200],
                body=policy.benefit,
                link=policy_link(policy.pk),
                subject_type="civic.policy",
                subject_id=str(policy.pk),
            )
        total += len(users)
    reached = PolicyReach.objects.filter(policy=policy).count()
    Policy.objects.filter(pk=policy.pk).update(
        reached_count=reached, push_status=PushStatus.DONE, pushed_at=timezone.now()
    )
    record_event(
        actor=None,
        event_type=CivicEvent.POLICY_PUSHED,
        target=policy,
        data={"reached_now": total, "reached": reached},
    )
    return total


@task()
def push_policy(policy_id: int) -> int:
    return push_policy_now(policy_id)
