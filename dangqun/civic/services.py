"""Writes of the 惠民服务 app. Every service takes ``actor`` and writes a typed audit event; status
moves go through ``PolicyWorkflow.apply`` (``civic.policies``) only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.civic.access import covers_region, require_policy_staff
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import Audience, CivicContact, Policy, PolicyReach, PolicyStatus
from dangqun.civic.rules import compile_rules
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.regions.models import Region
from dangqun.registry.models import Business, Resident

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
EDITABLE = ("title", "body", "issuer", "benefit", "how_to_apply", "valid_from", "valid_until", "rules")


def sanitise_body(html: str) -> str:
    """Rich text as staff typed it, with only harmless tags kept (links get rel=noopener)."""
    return nh3.clean(
        html or "", tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer"
    )


def region_in_scope(user: User, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or not covers_region(user, region.path):
        raise ValidationError({"region": _("区域不存在或不在您的管辖范围内:%(code)s") % {"code": code}})
    return region


def _check_period(valid_from: dt.date, valid_until: dt.date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("截止日期不能早于生效日期")})


def _clean_text(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for name in ("title", "issuer", "benefit", "how_to_apply"):
        if name in out:
            out[name] = str(out[name] or "").strip()
    if "body" in out:
        out["body"] = sanitise_body(str(out["body"] or ""))
    return out


@transaction.atomic
def policy_create(
    *,
    actor: User,
    title: str,
    issuer: str,
    region_code: str,
    audience: str,
    valid_from: dt.date,
    rules: list[Any],
    body: str = "",
    benefit: str = "",
    how_to_apply: str = "",
    valid_until: dt.date | None = None,
) -> Policy:
    """A draft policy of a region in the actor's scope; its rules are checked now (422 naming the
    bad part), so a draft never holds a rule the matcher cannot read."""
    require_policy_staff(actor)
    if audience not in Audience.values:
        raise ValidationError({"audience": _("对象须为 resident 或 business")})
    region = region_in_scope(actor, region_code)
    compile_rules(audience, rules, today=clock.local_today())
    _check_period(valid_from, valid_until)
    fields = _clean_text(
        {"title": title, "issuer": issuer, "benefit": benefit, "how_to_apply": how_to_apply, "body": body}
    )
    policy = Policy(
        region=region,
        audience=audience,
        rules=rules,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
        **fields,
    )
    policy.full_clean()
    policy.save()
    record_event(
        actor=actor,
        event_type=CivicEvent.POLICY_CREATED,
        target=policy,
        data={"region": region.code, "audience": audience, "rules": len(rules)},
    )
    return policy


@transaction.atomic
def policy_update(*, actor: User, policy: Policy, changes: dict[str, Any]) -> Policy:
    """Edit a draft (a published policy is withdrawn and issued anew, never rewritten)."""
    require_policy_staff(actor)
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    if locked.status != PolicyStatus.DRAFT:
        raise ConflictError(_("只能修改草稿状态的政策"), code="not_draft")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("不能修改此项") for name in sorted(unknown)})
    if "rules" in changes:
        compile_rules(locked.audience, changes["rules"], today=clock.local_today())
    changes = _clean_text(changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_period(locked.valid_from, locked.valid_until)
    locked.full_clean()
    locked.save(update_fields=[*sorted(changes), "updated_at"])
    record_event(
        actor=actor, event_type=CivicEvent.POLICY_UPDATED, target=locked, data={"fields": sorted(changes)}
    )
    return locked


def policy_mark_read(*, actor: User, reach: PolicyReach) -> PolicyReach:
    """The reader opened the policy: their own bookkeeping (``read_at`` is the record, as in the inbox)."""
    if reach.read_at is None:
        reach.read_at = timezone.now()
        PolicyReach.objects.filter(pk=reach.pk, read_at__isnull=True).update(read_at=reach.read_at)
    return reach


@transaction.atomic
def contact_link(
    *, actor: User | None, user: User, resident: Resident | None = None, business: Business | None = None
) -> CivicContact:
    """Link an account to its resident record and/or the enterprise it speaks for."""
    contact, _created = CivicContact.objects.update_or_create(
        user=user, defaults={"resident": resident, "business": business}
    )
    record_event(
        actor=actor,
        event_type=CivicEvent.CONTACT_LINKED,
        target=contact,
        data={"resident": resident.pk if resident else None, "business": business.pk if business else None},
    )
    return contact
