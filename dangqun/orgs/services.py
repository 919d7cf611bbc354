"""Writes to party organisations and departments (admin, imports and the API call these)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.core.audit import record_event
from dangqun.core.fields import join_path
from dangqun.orgs.events import OrgsEvent
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind
from dangqun.regions.models import Region

# Which kinds may sit under which (a group only under a branch, a branch under anything above it).
_ALLOWED_PARENTS: dict[str, set[str]] = {
    PartyOrgKind.COMMITTEE: {PartyOrgKind.COMMITTEE, PartyOrgKind.WORKING_COMMITTEE},
    PartyOrgKind.WORKING_COMMITTEE: {PartyOrgKind.COMMITTEE},
    PartyOrgKind.GENERAL_BRANCH: {PartyOrgKind.COMMITTEE, PartyOrgKind.WORKING_COMMITTEE},
    PartyOrgKind.BRANCH: {
        PartyOrgKind.COMMITTEE,
        PartyOrgKind.WORKING_COMMITTEE,
        PartyOrgKind.GENERAL_BRANCH,
    },
    PartyOrgKind.GROUP: {PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH},
}

PARTY_ORG_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "secretary_name",
    "contact_phone",
    "address",
    "established_on",
    "is_active",
)
DEPARTMENT_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "duties",
    "contact_phone",
    "party_org",
    "is_active",
    "sort_order",
)


def _check_parent(kind: str, parent: PartyOrg | None) -> None:
    if parent is None:
        if kind not in (PartyOrgKind.COMMITTEE, PartyOrgKind.WORKING_COMMITTEE):
            raise ValidationError({"parent": _("只有党委或党工委可以作为顶层组织")})
        return
    if parent.kind not in _ALLOWED_PARENTS.get(kind, set()):
        raise ValidationError(
            {
                "parent": _("%(label)s不能隶属于%(label2)s")
                % {"label": PartyOrgKind(kind).label, "label2": PartyOrgKind(parent.kind).label}
            }
        )


@transaction.atomic
def party_org_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    region: Region | None = None,
    **fields: Any,
) -> PartyOrg:
    unknown = set(fields) - set(PARTY_ORG_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if kind not in PartyOrgKind.values:
        raise ValidationError({"kind": _("未知组织类型: %(kind)s") % {"kind": kind}})
    _check_parent(kind, parent)
    try:
        path = join_path(parent.path if parent else None, code)
    except ValueError as exc:
        raise ValidationError({"code": _("组织编码只能包含字母、数字、下划线和连字符")}) from exc
    org = PartyOrg(code=code, name=name, kind=kind, parent=parent, region=region, path=path, **fields)
    org.full_clean()
    org.save()
    record_event(
        actor=actor,
        event_type=OrgsEvent.PARTY_ORG_CREATED,
        target=org,
        data={"code": code, "kind": kind, "parent": parent.code if parent else None},
    )
    return org


@transaction.atomic
def party_org_update(*, actor: Any, org: PartyOrg, region: Region | None = None, **fields: Any) -> PartyOrg:
    unknown = set(fields) - set(PARTY_ORG_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    for key, value in changed.items():
        setattr(org, key, value)
    if region is not None and region.pk != org.region_id:
        org.region = region
        changed["region"] = region.code
    if not changed:
        return org
    org.full_clean()
    org.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor,
        event_type=OrgsEvent.PARTY_ORG_UPDATED,
        target=org,
        data={"changed": sorted(changed)},
    )
    return org


@transaction.atomic
def department_create(*, actor: Any, code: str, name: str, region: Region, **fields: Any) -> Department:
    unknown = set(fields) - set(DEPARTMENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    department = Department(code=code, name=name, region=region, **fields)
    department.full_clean()
    department.save()
    record_event(actor=actor, event_type=OrgsEvent.DEPARTMENT_CREATED, target=department, data={"code": code})
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **fields: Any) -> Department:
    unknown = set(fields) - set(DEPARTMENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    department = Department.objects.select_for_update().get(pk=department.pk)
    changed = [k for k, v in fields.items() if getattr(department, k) != v]
    for key in changed:
        setattr(department, key, fields[key])
    if not changed:
        return department
    department.full_clean()
    department.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor,
        event_type=OrgsEvent.DEPARTMENT_UPDATED,
        target=department,
        data={"changed": sorted(changed)},
    )
    return department
