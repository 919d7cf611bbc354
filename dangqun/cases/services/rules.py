"""Writes to the rules of the case workflow: routing rules (分流交办), deadline policies (限时办结) and
the workflow settings. Admin and the demo call these; each save writes one audit event."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.cases.enums import Priority
from dangqun.cases.events import CasesEvent
from dangqun.cases.models import CaseConfig, Category, RoutingRule, SlaPolicy
from dangqun.cases.routing import clear_rules_cache
from dangqun.cases.services.categories import normalize_keywords
from dangqun.core.audit import record_event
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

__all__ = ["case_config_save", "routing_rule_save", "sla_policy_save"]

MAX_SIGN_HOURS = Decimal(240)
MAX_RESOLVE_DAYS = Decimal(120)


@transaction.atomic
def routing_rule_save(
    *,
    actor: Any,
    rule: RoutingRule | None = None,
    name: str,
    order: int = 100,
    category: Category | None = None,
    region: Region | None = None,
    keywords: str = "",
    lead_department: Department | None = None,
    lead_region_level: int | None = None,
    co_departments: Iterable[Department] = (),
    is_active: bool = True,
) -> RoutingRule:
    """Create a routing rule (``rule=None``) or replace every field of an existing one."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("规则名称不能为空")})
    if lead_department is None and not lead_region_level:
        raise ValidationError({"lead_department": _("须指定主办部门,或由诉求所在的街道/社区主办")})
    if lead_department is not None and lead_region_level:
        raise ValidationError({"lead_region_level": _("已指定主办部门时,不能再指定主办属地层级")})
    if lead_department is not None and not lead_department.is_active:
        raise ValidationError({"lead_department": _("部门“%(name)s”已停用") % {"name": lead_department.name}})
    co = list(dict.fromkeys(co_departments))
    for department in co:
        if department == lead_department:
            raise ValidationError(
                {"co_departments": _("“%(name)s”已是主办部门,不能同时协办") % {"name": department.name}}
            )
        if not department.is_active:
            raise ValidationError({"co_departments": _("部门“%(name)s”已停用") % {"name": department.name}})
    created = rule is None
    target = RoutingRule() if rule is None else RoutingRule.objects.select_for_update().get(pk=rule.pk)
    target.name = name
    target.order = order
    target.category = category
    target.region = region
    target.keywords = normalize_keywords(keywords)
    target.lead_department = lead_department
    target.lead_region_level = lead_region_level or None
    target.is_active = is_active
    target.full_clean()
    target.save()
    target.co_departments.set(co)
    clear_rules_cache()  # this process sees its own change at once
    transaction.on_commit(clear_rules_cache)  # and forgets anything read while it was uncommitted
    record_event(
        actor=actor,
        event_type=CasesEvent.ROUTING_RULE_SAVED,
        target=target,
        data={
            "created": created,
            "name": target.name,
            "order": target.order,
            "category": category.code if category is not None else None,
            "region": region.code if region is not None else None,
            "keywords": target.keywords,
            "lead_department": lead_department.code if lead_department is not None else None,
            "lead_region_level": target.lead_region_level,
            "co_departments": [d.code for d in co],
            "is_active": target.is_active,
        },
    )
    return target


def _positive(value: Any, name: str, label: str, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({name: _("%(label)s须为数字") % {"label": label}}) from None
    if not number.is_finite() or not (0 < number <= high):
        raise ValidationError({name: _("%(label)s须大于0且不超过%(high)s") % {"label": label, "high": high}})
    return number


@transaction.atomic
def sla_policy_save(
    *,
    actor: Any,
    policy: SlaPolicy | None = None,
    category: Category | None,
    priority: str,
    sign_hours: Decimal | int | float | str,
    resolve_days: Decimal | int | float | str,
    escalate_on_breach: bool = True,
) -> SlaPolicy:
    """Create a deadline policy (``policy=None``) or replace an existing one. ``category=None`` is
    the default for its priority; a category's policy also covers the categories below it."""
    if priority not in Priority.values:
        raise ValidationError({"priority": _("未知紧急程度: %(priority)s") % {"priority": priority}})
    sign = _positive(sign_hours, "sign_hours", _("签收时限"), MAX_SIGN_HOURS)
    resolve = _positive(resolve_days, "resolve_days", _("办结时限"), MAX_RESOLVE_DAYS)
    others = SlaPolicy.objects.filter(category=category, priority=priority)
    if policy is not None:
        others = others.exclude(pk=policy.pk)
    if others.exists():
        what = _("分类“%(name)s”") % {"name": category.name} if category is not None else _("默认")
        raise ValidationError(
            {
                "priority": _("%(what)s已有“%(label)s”的办理时限")
                % {"what": what, "label": Priority(priority).label}
            }
        )
    created = policy is None
    target = SlaPolicy() if policy is None else SlaPolicy.objects.select_for_update().get(pk=policy.pk)
    target.category = category
    target.priority = priority
    target.sign_hours = sign
    target.resolve_days = resolve
    target.escalate_on_breach = escalate_on_breach
    target.full_clean()
    target.save()
    record_event(
        actor=actor,
        event_type=CasesEvent.SLA_POLICY_SAVED,
        target=target,
        data={
            "created": created,
            "category": category.code if category is not None else None,
            "priority": priority,
            "sign_hours": str(sign),
            "resolve_days": str(resolve),
            "escalate_on_breach": escalate_on_breach,
        },
    )
    return target


@transaction.atomic
def case_config_save(
    *, actor: Any, rating_timeout_days: int, max_reopen: int, auto_dispatch: bool = False
) -> CaseConfig:
    """The workflow settings (one row: created on the first save)."""
    if not 1 <= rating_timeout_days <= 60:
        raise ValidationError({"rating_timeout_days": _("评价超时须在1到60天之间")})
    if not 0 <= max_reopen <= 10:
        raise ValidationError({"max_reopen": _("最多重办次数须在0到10之间")})
    config = CaseConfig.objects.select_for_update().order_by("id").first() or CaseConfig()
    before = {
        "rating_timeout_days": config.rating_timeout_days,
        "max_reopen": config.max_reopen,
        "auto_dispatch": config.auto_dispatch,
    }
    created = config.pk is None
    config.rating_timeout_days = rating_timeout_days
    config.max_reopen = max_reopen
    config.auto_dispatch = auto_dispatch
    config.full_clean()
    config.save()
    after = {
        "rating_timeout_days": rating_timeout_days,
        "max_reopen": max_reopen,
        "auto_dispatch": auto_dispatch,
    }
    record_event(
        actor=actor,
        event_type=CasesEvent.CONFIG_SAVED,
        target=config,
        data={"created": created, "before": before, "after": after},
    )
    return config
