"""Writes of co-building (共驻共建): a resident unit joins a street's 大工委 or a community's 大党委
with its 兼职委员; agreements are signed and renewed; alliances are founded and gain members;
organisations pair up. Community staff and above write in their regions; bad input is a 422 naming
the field and writes nothing; renewing an agreement twice is a 409."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.community.access import MANAGER_ROLES
from dangqun.community.events import CommunityEvent
from dangqun.community.inputs import choice, council_in, date_in, text, unit_in
from dangqun.community.models import (
    Agreement,
    Alliance,
    AllianceField,
    AllianceMember,
    CoUnit,
    Pairing,
    PairingKind,
    PartnerKind,
)
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region
from dangqun.registry.models import Business, Institution

MAX_TERM_DAYS = 366 * 5


def _manager(actor: Any) -> None:
    if not get_scope(actor).has_role(*MANAGER_ROLES):
        raise ForbiddenError(_("您无权管理区域化党建"))


def _in_region(model: Any, body: dict[str, Any], name: str, region: Region, lookup: str) -> Any:
    """A registry row named by ``name`` (its id) located in ``region``'s subtree, or None if absent."""
    raw = body.get(name)
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = 0
    row = model.objects.filter(pk=pk, **{f"{lookup}__path__subtree": region.path}).first()
    if row is None:
        raise ValidationError({name: _("须为本区域内登记的单位")})
    return row


def unit_join(*, actor: Any, body: dict[str, Any]) -> CoUnit:
    """A resident unit (a registered business or institution) joins the 大工委 / 大党委 of ``region``
    as a 共建单位 with its 兼职委员 (``member_name``)."""
    _manager(actor)
    region = council_in(actor, body, MANAGER_ROLES)
    business = _in_region(Business, body, "business_id", region, "grid")
    institution = _in_region(Institution, body, "institution_id", region, "grid")
    if (business is None) == (institution is None):
        raise ValidationError({"business_id": _("请选择一家企业或一个机构(二选一)")})
    host = business or institution
    member_name = text(body, "member_name", 50)
    joined_on = date_in(body, "joined_on", required=False) or clock.local_today()
    if CoUnit.objects.filter(
        region=region, business=business, institution=institution, is_active=True
    ).exists():
        raise ConflictError(_("该单位已是本区域的共建单位"))
    with transaction.atomic():
        unit = CoUnit.objects.create(
            name=host.name,
            region=region,
            business=business,
            institution=institution,
            member_name=member_name,
            joined_on=joined_on,
        )
        record_event(
            actor=actor, event_type=CommunityEvent.UNIT_JOINED, target=unit, data={"region": region.code}
        )
    return unit


def _term(body: dict[str, Any]) -> tuple[dt.date, dt.date]:
    starts_on = date_in(body, "starts_on")
    ends_on = date_in(body, "ends_on")
    assert starts_on is not None  # noqa: S101 - required above
    assert ends_on is not None  # noqa: S101 - required above
    if not starts_on < ends_on <= starts_on + dt.timedelta(days=MAX_TERM_DAYS):
        raise ValidationError({"ends_on": _("截止日期须晚于起始日期,期限不超过5年")})
    return starts_on, ends_on


def _agreement_code(agreement: Agreement) -> None:
    agreement.code = f"XY{agreement.pk:07d}"
    agreement.save(update_fields=["code"])


def agreement_sign(*, actor: Any, body: dict[str, Any]) -> Agreement:
    """Record a signed co-building agreement (协议书) with a unit of the actor's regions."""
    _manager(actor)
    unit = unit_in(actor, body)
    if not get_scope(actor).covers_path(unit.region.path, MANAGER_ROLES):
        raise ValidationError({"unit_id": _("须为本辖区的共建单位")})
    title = text(body, "title", 100)
    parties = text(body, "parties", 200)
    commitments = text(body, "commitments", 2000)
    starts_on, ends_on = _term(body)
    signed_on = date_in(body, "signed_on", required=False) or starts_on
    if signed_on > clock.local_today():
        raise ValidationError({"signed_on": _("签订日期不能晚于今天")})
    with transaction.atomic():
        agreement = Agreement.objects.create(
            code="tmp-" + uuid.uuid4().hex[:12],  # replaced by the numbered code below
            unit=unit,
            region=unit.region,
            title=title,
            parties=parties,
            commitments=commitments,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        _agreement_code(agreement)
        record_event(actor=actor, event_type=CommunityEvent.AGREEMENT_SIGNED, target=agreement)
    return agreement


def agreement_renew(*, actor: Any, agreement: Agreement, body: dict[str, Any]) -> Agreement:
    """Renew (续签) an agreement: a new one from the day after it ends; an agreement renews once (409)."""
    if not get_scope(actor).covers_path(agreement.region.path, MANAGER_ROLES):
        raise ForbiddenError(_("您无权续签该协议"))
    ends_on = date_in(body, "ends_on")
    assert ends_on is not None  # noqa: S101 - required above
    starts_on = agreement.ends_on + dt.timedelta(days=1)
    if not starts_on < ends_on <= starts_on + dt.timedelta(days=MAX_TERM_DAYS):
        raise ValidationError({"ends_on": _("截止日期须晚于原协议截止日期,期限不超过5年")})
    commitments = text(body, "commitments", 2000, required=False) or agreement.commitments
    with transaction.atomic():
        old = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if Agreement.objects.filter(renews=old).exists():
            raise ConflictError(_("该协议已续签"))
        renewal = Agreement.objects.create(
            code="tmp-" + uuid.uuid4().hex[:12],  # replaced by the numbered code below
            unit=old.unit,
            region=old.region,
            title=old.title,
            parties=old.parties,
            commitments=commitments,
            signed_on=clock.local_today(),
            starts_on=starts_on,
            ends_on=ends_on,
            renews=old,
        )
        _agreement_code(renewal)
        record_event(
            actor=actor, event_type=CommunityEvent.AGREEMENT_RENEWED, target=renewal, data={"renews": old.pk}
        )
    return renewal


def _lead_org(body: dict[str, Any], region: Region) -> PartyOrg:
    """The leading party organisation: one of ``region``'s subtree or of the levels above it."""
    try:
        pk = int(body.get("lead_org_id") or 0)
    except (TypeError, ValueError):
        pk = 0
    org = PartyOrg.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if (
        org is None
        or org.region is None
        or not (org.region.path.startswith(region.path) or region.path.startswith(org.region.path))
    ):
        raise ValidationError({"lead_org_id": _("须为本区域的党组织")})
    return org


def alliance_found(*, actor: Any, body: dict[str, Any]) -> Alliance:
    """Found a named alliance (党建联盟 / 融合体) of a street or community, led by a party organisation."""
    _manager(actor)
    region = council_in(actor, body, MANAGER_ROLES)
    name = text(body, "name", 100)
    lead_org = _lead_org(body, region)
    theme = text(body, "theme", 200, required=False)
    founded_on = date_in(body, "founded_on", required=False) or clock.local_today()
    with transaction.atomic():
        alliance = Alliance.objects.create(
            name=name, region=region, lead_org=lead_org, theme=theme, founded_on=founded_on
        )
        record_event(actor=actor, event_type=CommunityEvent.ALLIANCE_CREATED, target=alliance)
    return alliance


def alliance_add_member(*, actor: Any, alliance: Alliance, body: dict[str, Any]) -> AllianceMember:
    """Seat a member organisation (a 共建单位, or another organisation by name) with its liaison."""
    if not get_scope(actor).covers_path(alliance.region.path, MANAGER_ROLES):
        raise ForbiddenError(_("您无权管理该联盟"))
    unit = unit_in(actor, body) if body.get("unit_id") else None
    org_name = unit.name if unit is not None else text(body, "org_name", 100)
    field = choice(body, "field", AllianceField)
    liaison_name = text(body, "liaison_name", 50)
    try:
        with transaction.atomic():
            member = AllianceMember.objects.create(
                alliance=alliance,
                unit=unit,
                org_name=org_name,
                field=field,
                liaison_name=liaison_name,
                joined_on=clock.local_today(),
            )
            record_event(
                actor=actor,
                event_type=CommunityEvent.ALLIANCE_MEMBER_ADDED,
                target=alliance,
                data={"member": member.pk, "field": field},
            )
    except IntegrityError:
        raise ConflictError(_("该单位已是联盟成员")) from None
    return member


def pairing_create(*, actor: Any, body: dict[str, Any]) -> Pairing:
    """Record a pairing (联建共创 / 城乡联建 / 结对共建) of a party organisation with a partner that
    sits in ``region`` (a street or community of the actor's)."""
    _manager(actor)
    region = council_in(actor, body, MANAGER_ROLES)
    kind = choice(body, "kind", PairingKind)
    try:
        pk = int(body.get("org_id") or 0)
    except (TypeError, ValueError):
        pk = 0
    org = PartyOrg.objects.filter(pk=pk, is_active=True).first()
    if org is None:
        raise ValidationError({"org_id": _("党组织不存在")})
    partner_name = text(body, "partner_name", 100)
    partner_kind = choice(body, "partner_kind", PartnerKind)
    goal = text(body, "goal", 200, required=False)
    started_on = date_in(body, "started_on", required=False) or clock.local_today()
    with transaction.atomic():
        pairing = Pairing.objects.create(
            kind=kind,
            region=region,
            org=org,
            partner_name=partner_name,
            partner_kind=partner_kind,
            goal=goal,
            started_on=started_on,
        )
        record_event(actor=actor, event_type=CommunityEvent.PAIRING_CREATED, target=pairing)
    return pairing
