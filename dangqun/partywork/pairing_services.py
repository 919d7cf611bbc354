"""结对帮扶 writes: pair an organisation (or one of its members) with a household in need or a 困难党员,
and record a visit. Ending and resuming go through ``PairingWorkflow`` (the door)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.partywork.access import serves_community
from dangqun.partywork.events import PartyworkEvent
from dangqun.partywork.inputs import date_input, text_input
from dangqun.partywork.models import Pairing, PairingKind, PairingStatus, PairingVisit
from dangqun.registry.models import Household

# Resident tags that make a household one "in need" (registry.ResidentTag codes).
NEED_TAGS = ("assisted", "special_care", "disabled", "elderly_alone")
MIN_EVERY_DAYS, MAX_EVERY_DAYS = 7, 366
MAX_MONEY = Decimal(1_000_000)
MAX_PROBLEMS = 100


def _int(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("须为%(low)s至%(high)s的整数") % {"low": low, "high": high}}
        ) from None
    if not low <= number <= high:
        raise ValidationError({field: _("须为%(low)s至%(high)s的整数") % {"low": low, "high": high}})
    return number


def _member_in(org: PartyOrg, member_id: Any, field: str) -> PartyMember:
    pk = _int(member_id, field, 1, 2**31 - 1)
    member = (
        PartyMember.objects.select_related("party_org")
        .filter(pk=pk, party_org__path__subtree=org.path, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise ValidationError({field: _("须为本组织在册党员")})
    return member


def household_in_need(code: str) -> Household | None:
    return (
        Household.objects.select_related("building")
        .filter(code=code, residents__tags__code__in=NEED_TAGS)
        .distinct()
        .first()
    )


@transaction.atomic
def pairing_create(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: Any,
    household: Any = "",
    hardship_member: Any = None,
    member: Any = None,
    every_days: Any = 90,
    started_on: Any = None,
    note: Any = "",
) -> Pairing:
    """Pair ``org`` (or one of its members) with a household in need or a 困难党员."""
    if actor is not None and not serves_community(actor, org):
        raise NotFoundError(_("党组织不存在或无权访问"))
    if kind not in PairingKind.values:
        raise ValidationError({"kind": _("未知的帮扶类型")})
    code = text_input(household, "household", required=False, limit=48)
    if bool(code) == (hardship_member not in {None, ""}):
        raise ValidationError({"household": _("帮扶家庭和困难党员须且只能填写一项")})
    target_household = None
    target_member = None
    if code:
        target_household = household_in_need(code)
        if target_household is None:
            raise ValidationError({"household": _("该住户不存在或不是帮扶对象(低保、特殊关爱、残疾、独居)")})
    else:
        target_member = PartyMember.objects.filter(
            pk=_int(hardship_member, "hardship_member", 1, 2**31 - 1)
        ).first()
        if target_member is None or target_member.status != MemberStatus.ACTIVE:
            raise ValidationError({"hardship_member": _("困难党员须为在册党员")})
    visitor = _member_in(org, member, "member") if member not in {None, ""} else None
    if visitor is not None and target_member is not None and visitor.pk == target_member.pk:
        raise ValidationError({"member": _("帮扶党员不能与困难党员为同一人")})
    days = _int(every_days, "every_days", MIN_EVERY_DAYS, MAX_EVERY_DAYS)
    start = date_input(started_on, "started_on") if started_on else clock.local_today()
    if start > clock.local_today():
        raise ValidationError({"started_on": _("结对日期不能晚于今天")})
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                kind=kind, org=org, member=visitor, household=target_household, hardship_member=target_member,
                every_days=days, started_on=start, note=text_input(note, "note", required=False, limit=200),
            )  # fmt: skip
    except IntegrityError:
        raise ConflictError(_("该对象已有进行中的结对帮扶"), code="pairing_exists") from None
    record_event(
        actor=actor,
        event_type=PartyworkEvent.PAIRING_CREATED,
        target=pairing,
        data={
            "org": org.code,
            "kind": kind,
            "household": target_household.code if target_household else None,
            "hardship_member": target_member.pk if target_member else None,
            "member": visitor.pk if visitor else None,
        },
    )
    return pairing


def _money(value: Any) -> Decimal:
    try:
        money = Decimal(str(value if value not in {None, ""} else "0").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"money": _("帮扶资金须为数字")}) from None
    if (
        not money.is_finite()
        or not Decimal(0) <= money <= MAX_MONEY
        or money != money.quantize(Decimal("0.01"))
    ):
        raise ValidationError({"money": _("帮扶资金须在0至1000000元之间,精确到分")})
    return money


def _may_visit(actor: Actor, pairing: Pairing) -> bool:
    if actor is None or serves_community(actor, pairing.org):
        return True
    return pairing.member is not None and pairing.member.user_id == actor.pk


@transaction.atomic
def pairing_visit_record(
    *,
    actor: Actor,
    pairing: Pairing,
    visited_on: Any,
    found: Any,
    help_given: Any = "",
    money: Any = "0",
    goods: Any = "",
    problems_solved: Any = 0,
) -> PairingVisit:
    """Record a visit (by the organisation's side or the paired member); the pairing's next visit is due
    ``every_days`` after the latest one."""
    pairing = (
        Pairing.objects.select_for_update(of=("self",)).select_related("org", "member").get(pk=pairing.pk)
    )
    if not _may_visit(actor, pairing):
        raise NotFoundError(_("结对帮扶不存在或无权访问"))
    if pairing.status != PairingStatus.ACTIVE:
        raise ConflictError(_("该结对帮扶已结束,不能记录走访"), code="pairing_ended")
    day = date_input(visited_on, "visited_on")
    if day > clock.local_today():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    if day < pairing.started_on:
        raise ValidationError({"visited_on": _("走访日期不能早于结对日期")})
    visit = PairingVisit(
        pairing=pairing, visited_on=day, visitor=actor if isinstance(actor, User) else None,
        found=text_input(found, "found", required=True, limit=500),
        help_given=text_input(help_given, "help_given", required=False, limit=500), money=_money(money),
        goods=text_input(goods, "goods", required=False, limit=200),
        problems_solved=_int(problems_solved or 0, "problems_solved", 0, MAX_PROBLEMS),
    )  # fmt: skip
    if PairingVisit.objects.filter(pairing=pairing, visited_on=day).exists():
        raise ConflictError(_("该日已记录过走访"), code="visit_recorded")
    visit.save()
    if pairing.last_visit_on is None or day > pairing.last_visit_on:
        pairing.last_visit_on = day
        pairing.save(update_fields=["last_visit_on", "updated_at"])
    record_event(
        actor=actor,
        event_type=PartyworkEvent.PAIRING_VISITED,
        target=pairing,
        data={
            "visit": visit.pk,
            "visited_on": day.isoformat(),
            "money": str(visit.money),
            "problems_solved": visit.problems_solved,
        },
    )
    return visit
