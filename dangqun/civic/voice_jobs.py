"""The push of a published 党的声音 item to its audience, run by the worker in batches.

The audience is fixed when the job runs: the active members (with an account) of the organisation's
subtree, the residents with an account whose grid lies in the region, or the accounts holding an
active staff role in the region. Each batch is its own transaction: one receipt per reader (unique,
so a job run twice sends nothing twice) and the inbox rows through ``notify.notify_users`` (which
queues the external channel sends in turn). Readers already reached are skipped, so a job
interrupted midway resumes; a withdrawn item is not pushed further."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dangqun.accounts.models import REGION_ROLES, Membership, User
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import CivicContact
from dangqun.civic.voice_models import VoiceAudience, VoiceItem, VoicePush, VoiceReceipt, VoiceStatus
from dangqun.core.audit import record_event
from dangqun.notify.services import notify_users
from dangqun.party.models import MemberStatus, PartyMember

BATCH = 2000
NOTIFICATION_KIND = "civic.voice"

Reader = tuple[int, int | None, int | None]  # user id, org id, region id


def voice_link(item_id: int) -> str:
    return f"/voice/{item_id}/"


def audience_of(item: VoiceItem) -> Iterator[Reader]:
    """Every reader of the item's audience, once each (user id, the group they count under)."""
    if item.audience == VoiceAudience.MEMBERS:
        assert item.org is not None  # noqa: S101 - the service requires it
        members = PartyMember.objects.filter(
            party_org__path__subtree=item.org.path,
            status=MemberStatus.ACTIVE,
            user__isnull=False,
            user__is_active=True,
        ).values_list("user_id", "party_org_id")
        readers: Iterator[Reader] = ((user_id, org_id, None) for user_id, org_id in members.iterator(5000))
    elif item.audience == VoiceAudience.RESIDENTS:
        assert item.region is not None  # noqa: S101
        contacts = CivicContact.objects.filter(
            resident__grid__path__subtree=item.region.path, user__is_active=True
        ).values_list("user_id", "resident__grid_id")
        readers = ((user_id, None, grid_id) for user_id, grid_id in contacts.iterator(5000))
    else:
        assert item.region is not None  # noqa: S101
        staff = Membership.objects.filter(
            region__path__subtree=item.region.path,
            role__in=REGION_ROLES,
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", "region_id")
        readers = ((user_id, None, region_id) for user_id, region_id in staff.iterator(5000))
    seen: set[int] = set()
    for reader in readers:
        if reader[0] not in seen:
            seen.add(reader[0])
            yield reader


def _batches(item: VoiceItem, batch: int) -> Iterator[list[Reader]]:
    reached = set(VoiceReceipt.objects.filter(item=item).values_list("user_id", flat=True))
    chunk: list[Reader] = []
    for reader in audience_of(item):
        if reader[0] in reached:
            continue
        chunk.append(reader)
        if len(chunk) >= batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _deliver(item: VoiceItem, readers: list[Reader], title: str) -> int:
    with transaction.atomic():
        if not VoiceItem.objects.filter(pk=item.pk, status=VoiceStatus.PUBLISHED).exists():
            return 0
        now = timezone.now()
        VoiceReceipt.objects.bulk_create(
            [VoiceReceipt(item=item, user_id=u, org_id=o, region_id=r, pushed_at=now) for u, o, r in readers],
            ignore_conflicts=True,
            batch_size=1000,
        )
        users = User.objects.filter(pk__in=[u for u, _o, _r in readers]).only("pk", "is_active")
        notify_users(
            actor=None,
            recipients=users,
            kind=NOTIFICATION_KIND,
            title=title[:200],
            body=item.summary,
            link=voice_link(item.pk),
            subject_type="civic.voice",
            subject_id=str(item.pk),
            channels=list(item.channels),
        )
    return len(readers)


def push_voice_now(item_id: int, *, batch: int = BATCH) -> int:
    """Push a published item to every reader not reached yet; how many were reached now."""
    item = VoiceItem.objects.select_related("org", "region").get(pk=item_id)
    if item.status != VoiceStatus.PUBLISHED:
        return 0
    title = _("党的声音:%(title)s") % {"title": item.title}
    total = 0
    for readers in _batches(item, batch):
        total += _deliver(item, readers, title)
    count = VoiceReceipt.objects.filter(item=item).count()
    VoiceItem.objects.filter(pk=item.pk).update(
        recipient_count=count, push_status=VoicePush.DONE, pushed_at=timezone.now()
    )
    record_event(
        actor=None,
        event_type=CivicEvent.VOICE_PUSHED,
        target=item,
        data={"reached_now": total, "reached": count},
    )
    return total


@task()
def push_voice(item_id: int) -> int:
    return push_voice_now(item_id)
