"""Setting a member's dues base for a year and recording a dues payment (党费)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.core.workflow import Actor
from dangqun.party.dues import CENT, dues_rate, month_start, parse_month, shift_month
from dangqun.party.events import PartyEvent
from dangqun.party.models import (
    DuesBase,
    DuesCategory,
    DuesPayment,
    PartyMember,
    PaymentMethod,
)
from dangqun.party.services.common import bounded_text, decimal_amount, org_in_scope

MAX_ADVANCE_MONTHS = 12


@transaction.atomic
def dues_base_set(
    *, actor: Actor, member: PartyMember, year: int, category: str, monthly_income: Any
) -> DuesBase:
    """Set a member's dues base for a year by the national rule's bands (once a year; setting it
    again replaces it)."""
    org_in_scope(actor, member.party_org)
    if category not in DuesCategory.values:
        raise ValidationError({"category": _("未知党费类别: %(value)s") % {"value": category}})
    income = decimal_amount(monthly_income if monthly_income not in (None, "") else 0, "monthly_income")
    if income < 0:
        raise ValidationError({"monthly_income": _("月收入不能为负数")})
    income = income.quantize(CENT)
    rate, amount = dues_rate(category, income)
    base, _created = DuesBase.objects.update_or_create(
        member=member,
        year=year,
        defaults={"category": category, "monthly_income": income, "rate": rate, "monthly_amount": amount},
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DUES_BASE_SET,
        target=member,
        data={"year": year, "category": category, "rate": str(rate), "monthly_amount": str(amount)},
    )
    return base


@transaction.atomic
def dues_pay(
    *,
    actor: Actor,
    member: PartyMember,
    month: str,
    amount: Any,
    paid_on: dt.date | str | None = None,
    method: str = PaymentMethod.CASH,
    receipt_no: str = "",
) -> DuesPayment:
    """Record one month's dues for a member (a later month than the current one is an advance)."""
    org_in_scope(actor, member.party_org)
    paid_for = parse_month(month)
    if paid_for is None:
        raise ValidationError({"month": _("所缴月份须为“年-月”,如 2026-03")})
    value = decimal_amount(amount, "amount")
    if value <= 0:
        raise ValidationError({"amount": _("金额须大于零")})
    if value != value.quantize(CENT) or value >= Decimal("1000000"):
        raise ValidationError({"amount": _("金额须为不超过两位小数的数字")})
    today = clock.local_today()
    if isinstance(paid_on, str):
        text = paid_on.strip()
        try:
            paid_on = parse_date(text) if text else None
        except ValueError:
            paid_on = None
        if text and paid_on is None:
            raise ValidationError({"paid_on": _("缴纳日期格式应为 年-月-日")})
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": _("缴纳日期不能晚于今天")})
    if paid_for > shift_month(month_start(today), MAX_ADVANCE_MONTHS):
        raise ValidationError({"month": _("最多预缴%(n)s个月") % {"n": MAX_ADVANCE_MONTHS}})
    if member.joined_on and paid_for < month_start(member.joined_on):
        raise ValidationError({"month": _("所缴月份早于入党时间")})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("未知缴纳方式: %(value)s") % {"value": method}})
    if DuesPayment.objects.filter(member=member, month=paid_for).exists():
        raise ConflictError(
            _("%(name)s %(month)s的党费已登记") % {"name": member.name, "month": paid_for.strftime("%Y-%m")},
            code="dues_paid",
        )
    payment = DuesPayment.objects.create(
        member=member,
        month=paid_for,
        amount=value,
        paid_on=paid_on,
        method=method,
        receipt_no=bounded_text(receipt_no, "receipt_no", required=False, limit=40),
        recorded_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DUES_PAID,
        target=member,
        data={"month": paid_for.strftime("%Y-%m"), "amount": str(value), "method": method},
    )
    return payment
