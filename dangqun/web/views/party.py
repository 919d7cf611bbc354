"""组织指导 workbench for 党务管理员 and 党支部书记: the organisations in scope with their members,
the 三会一课 plan and completion rates, the overdue list, meeting records and transfers; and the
party member's own page in the citizen app. Views parse and render; the writes are party services
and the transfer workflow's door."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.analytics import region_data as queries
from dangqun.civic import voice_selectors
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.orgs.models import PartyOrg
from dangqun.party import selectors
from dangqun.party.access import (
    access_development_by_id,
    access_meeting_by_id,
    access_party_member_by_id,
    access_party_org_by_code,
    access_transfer_by_id,
    own_party_member,
    transfers_for,
)
from dangqun.party.development import DevelopmentWorkflow, development_of, development_reminders
from dangqun.party.dues import dues_ledger, dues_summary, month_start
from dangqun.party.health import health_check, required_party_staff
from dangqun.party.meeting_rules import DUE_EVERY, kinds_for, periods
from dangqun.party.models import (
    LeaveReason,
    Meeting,
    MeetingKind,
    OrgStaffing,
    PaymentMethod,
    Transfer,
    TransferStatus,
)
from dangqun.party.services import (
    development_apply,
    dues_pay,
    meeting_record,
    transfer_issue,
    transfer_issue_bulk,
)
from dangqun.party.services.common import member_ids
from dangqun.party.services.transfers import MAX_BULK, may_transfer_in_bulk
from dangqun.party.terms import ELECTED_KINDS, TERM_YEARS, term_state, terms_of
from dangqun.party.transfers import TransferWorkflow
from dangqun.web.access import not_found_as_404


def may_use_party_workbench(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.party_org_paths)


def party_roots(user: Any) -> list[PartyOrg]:
    scope = get_scope(user)
    if scope.party_org_paths:
        return list(PartyOrg.objects.filter(path__in=scope.party_org_paths, is_active=True).order_by("path"))
    return list(PartyOrg.objects.filter(parent__isnull=True, is_active=True).order_by("path"))


def _year(request: HttpRequest) -> int:
    """The year in the query (this year when absent or out of 1921–2100)."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return clock.local_today().year
    return year if 1921 <= year <= 2100 else clock.local_today().year


def _transfer_rows(transfers: Any, user: Any) -> list[dict[str, Any]]:
    return [{"t": t, "moves": TransferWorkflow.available_moves(t, user)} for t in transfers]


@login_required
@not_found_as_404
def workbench(request: HttpRequest) -> HttpResponse:
    """组织指导: each root organisation with its branches' completion rates and the overdue list."""
    if not may_use_party_workbench(request.user):
        raise PermissionDenied
    year = _year(request)
    roots = party_roots(request.user)
    sections = []
    for root in roots:
        plans = selectors.meeting_plan(root, year)
        done, total, rate = selectors.plan_totals(plans)
        sections.append(
            {
                "org": root,
                "plans": plans,
                "done": done,
                "total": total,
                "rate": rate,
                "overdue": selectors.overdue_slots(plans)[:100],
                "counts": selectors.member_counts(root),
                "violations": health_check(root),
            }
        )
    pending = transfers_for(request.user).filter(status=TransferStatus.ISSUED).order_by("-issued_on", "-id")
    return render(
        request,
        "web/party/workbench.html",
        {
            "sections": sections,
            "year": year,
            "tree": queries.party_org_tree([root.path for root in roots]),
            "pending": _transfer_rows(pending[:50], request.user),
        },
    )


def _plan_grid(org: PartyOrg, plans: list[selectors.BranchPlan], year: int) -> list[dict[str, Any]]:
    """The branch's due meetings as rows of kind × period (for a branch or a group page)."""
    slots = {(s.org.pk, s.kind, s.period.key): s for p in plans for s in p.slots}
    rows = []
    for kind in kinds_for(org.kind):
        cells = [slots.get((org.pk, kind, p.key)) for p in periods(DUE_EVERY[kind], year)]
        rows.append({"kind": MeetingKind(kind).label, "every": DUE_EVERY[kind], "cells": cells})
    return rows


def _org_context(request: HttpRequest, org: PartyOrg, year: int) -> dict[str, Any]:
    plans = selectors.meeting_plan(org, year)
    done, total, rate = selectors.plan_totals(plans)
    incoming, outgoing = selectors.transfers_of(org)
    members = list(selectors.members_of(org)[:500])
    return {
        "org": org,
        "year": year,
        "plans": plans,
        "done": done,
        "total": total,
        "rate": rate,
        "grid": _plan_grid(org, plans, year),
        "overdue": selectors.overdue_slots(plans)[:100],
        "counts": selectors.member_counts(org),
        "members": members,
        "children": list(PartyOrg.objects.filter(parent=org, is_active=True).order_by("path")),
        "meetings": list(selectors.meetings_of(org, year)[:100]),
        "meeting_kinds": [(k, MeetingKind(k).label) for k in kinds_for(org.kind)],
        "incoming": _transfer_rows(incoming[:50], request.user),
        "outgoing": _transfer_rows(outgoing[:50], request.user),
        "may_issue": org.kind in ("branch", "general_branch"),
        "may_bulk": may_transfer_in_bulk(request.user),
        "now_local": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "errors": {},
        "form": {},
        **_dues_context(org),
        **_development_context(request, org),
        **_terms_context(org),
    }


def _terms_context(org: PartyOrg) -> dict[str, Any]:
    """换届选举: the organisation's terms, the current one's state, and the 减少党员 reasons."""
    terms = terms_of(org) if org.kind in ELECTED_KINDS else []
    today = clock.local_today()
    staffing = OrgStaffing.objects.filter(org=org).first() if org.kind in ELECTED_KINDS else None
    return {
        "staffing": staffing,
        "staffing_required": required_party_staff(staffing) if staffing else 0,
        "elected": org.kind in ELECTED_KINDS,
        "terms": terms,
        "term_state": term_state(terms[0] if terms else None, today),
        "term_years": TERM_YEARS.get(org.kind, 3),
        "leave_reasons": LeaveReason.choices,
        "today": today,
    }


def _development_context(request: HttpRequest, org: PartyOrg) -> dict[str, Any]:
    rows = list(development_of(org).order_by("branch__path", "applied_on", "id")[:300])
    return {
        "development": [
            {"d": d, "moves": DevelopmentWorkflow.available_moves(d, request.user)} for d in rows
        ],
        "development_reminders": development_reminders(rows),
        "assemblies": list(
            Meeting.objects.filter(org=org, kind=MeetingKind.ASSEMBLY).order_by("-held_at")[:12]
        ),
    }


def _dues_context(org: PartyOrg) -> dict[str, Any]:
    """A branch (or group) page shows its ledger and arrears; an organisation above, the monthly
    summary of its branches."""
    today = clock.local_today()
    this_month = month_start(today)
    if org.kind in ("branch", "general_branch", "group"):
        ledger = dues_ledger(org, today.year, today)
        arrears = [r for r in ledger if r.arrears or r.six_months_unpaid]
        arrears.sort(key=lambda r: (not r.six_months_unpaid, -len(r.arrears), r.member.pk))
        return {
            "dues_ledger": ledger,
            "dues_arrears": arrears,
            "dues_arrears_months": sum(len(r.arrears) for r in ledger),
            "dues_summary": [],
            "dues_month": this_month,
            "dues_months": list(range(1, 13)),
            "payment_methods": PaymentMethod.choices,
        }
    return {
        "dues_ledger": [],
        "dues_arrears": [],
        "dues_arrears_months": None,
        "dues_summary": dues_summary(org, this_month),
        "dues_month": this_month,
        "dues_months": [],
        "payment_methods": [],
    }


@login_required
@not_found_as_404
def org_page(request: HttpRequest, code: str) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    return render(request, "web/party/org.html", _org_context(request, org, _year(request)))


def _parse_held_at(value: str) -> dt.datetime:
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        raise ValidationError({"held_at": gettext("请填写召开时间(年-月-日 时:分)")})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@require_POST
@login_required
@not_found_as_404
def record_meeting(request: HttpRequest, code: str) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    present = post.getlist("present")
    roll = post.getlist("roll")  # every member listed on the form
    absentees = {pk: post.get(f"reason_{pk}", "") for pk in roll if pk not in present}
    try:
        meeting = meeting_record(
            actor=request.user,
            org=org,
            kind=post.get("kind", ""),
            topic=post.get("topic", ""),
            held_at=_parse_held_at(post.get("held_at", "")),
            place=post.get("place", ""),
            host=post.get("host", ""),
            minutes=post.get("minutes", ""),
            decisions=post.get("decisions", ""),
            attendees=present,
            absentees=absentees,
        )
    except ValidationError as exc:
        context = _org_context(request, org, clock.local_today().year)
        context["errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
        context["form"] = post
        messages.error(request, gettext("会议未记录:%(text)s") % {"text": validation_text(exc)})
        return render(request, "web/party/org.html", context, status=422)
    messages.success(
        request,
        gettext("已记录%(kind)s:%(topic)s") % {"kind": meeting.get_kind_display(), "topic": meeting.topic},
    )
    return redirect("web:party_org", code=org.code)


@require_POST
@login_required
@not_found_as_404
def new_application(request: HttpRequest, code: str) -> HttpResponse:
    """登记入党申请 at a branch."""
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    try:
        applied_on = parse_date(post.get("applied_on", "").strip())
        if applied_on is None:
            raise ValidationError({"applied_on": gettext("请填写递交申请日期(年-月-日)")})
        development = development_apply(
            actor=request.user,
            branch=org,
            name=post.get("name", ""),
            gender=post.get("gender", ""),
            applied_on=applied_on,
        )
    except ValueError:
        messages.error(request, gettext("入党申请未登记:%(text)s") % {"text": gettext("日期格式错误")})
    except ValidationError as exc:
        messages.error(request, gettext("入党申请未登记:%(text)s") % {"text": validation_text(exc)})
    else:
        messages.success(request, gettext("已登记入党申请:%(name)s") % {"name": development.name})
    return redirect(reverse("web:party_org", kwargs={"code": org.code}) + "#development-title")


@require_POST
@login_required
@not_found_as_404
def move_development(request: HttpRequest, development_id: int, action: str) -> HttpResponse:
    development = access_development_by_id(request.user, development_id)
    try:
        moved = DevelopmentWorkflow.apply(
            obj=development.pk,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            meeting=request.POST.get("meeting", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request, gettext("%(name)s:%(stage)s") % {"name": moved.name, "stage": moved.get_stage_display()}
        )
    return redirect(reverse("web:party_org", kwargs={"code": development.branch.code}) + "#development-title")


@require_POST
@login_required
@not_found_as_404
def record_dues(request: HttpRequest, code: str) -> HttpResponse:
    """登记党费 from the branch page: one member, one month."""
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    try:
        member_id = int(post.get("member_id", ""))
    except ValueError:
        messages.error(request, gettext("请选择缴费党员"))
        return redirect("web:party_org", code=org.code)
    member = access_party_member_by_id(request.user, member_id)
    try:
        payment = dues_pay(
            actor=request.user,
            member=member,
            month=post.get("month", ""),
            amount=post.get("amount", ""),
            paid_on=post.get("paid_on", ""),
            method=post.get("method", "cash"),
            receipt_no=post.get("receipt_no", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("党费未登记:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("党费未登记:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request,
            gettext("已登记 %(name)s %(month)s党费 %(amount)s元")
            % {"name": member.name, "month": payment.month.strftime("%Y-%m"), "amount": payment.amount},
        )
    return redirect(reverse("web:party_org", kwargs={"code": org.code}) + "#dues-title")


@login_required
@not_found_as_404
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_by_id(request.user, meeting_id)
    return render(
        request,
        "web/party/meeting.html",
        {"meeting": meeting, "attendance": selectors.meeting_attendance(meeting)},
    )


@require_POST
@login_required
@not_found_as_404
def issue_transfer(request: HttpRequest, code: str) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    try:
        member_id = int(post.get("member_id", ""))
    except ValueError:
        messages.error(request, gettext("请选择要转出的党员"))
        return redirect("web:party_org", code=org.code)
    member = access_party_member_by_id(request.user, member_id)
    try:
        to_org = selectors.receiving_org(post.get("to_org", ""))
        transfer = transfer_issue(
            actor=request.user,
            member=member,
            letter_no=post.get("letter_no", ""),
            valid_months=post.get("valid_months", ""),
            to_org=to_org,
            destination=post.get("destination", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("介绍信未开具:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("介绍信未开具:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request,
            gettext("已开具介绍信 %(no)s:%(name)s → %(to)s")
            % {"no": transfer.letter_no, "name": member.name, "to": transfer.destination},
        )
    return redirect("web:party_org", code=org.code)


@require_POST
@login_required
@not_found_as_404
def move_transfer(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    transfer = access_transfer_by_id(request.user, transfer_id)
    try:
        moved: Transfer = TransferWorkflow.apply(
            obj=transfer.pk,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            receipt_no=request.POST.get("receipt_no", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request,
            gettext("介绍信 %(no)s:%(status)s")
            % {"no": moved.letter_no, "status": moved.get_status_display()},
        )
    back = request.POST.get("next", "")
    if back.startswith("/party/") and "//" not in back:
        return redirect(back)
    return redirect("web:party")


@login_required
def my_party(request: HttpRequest) -> HttpResponse:
    """The party member's own page: my organisation, my meetings, my transfers."""
    member = own_party_member(request.user)
    context: dict[str, Any] = {"member": member, "voice": voice_selectors.feed(request.user, limit=5)}
    if member is not None:
        context.update(
            meetings=list(selectors.member_meetings(member)[:30]),
            transfers=list(selectors.member_history(member)),
        )
    return render(request, "web/citizen/party.html", context)


def _bulk_context(request: HttpRequest, org: PartyOrg) -> dict[str, Any]:
    members = list(
        selectors.members_of(org)
        .select_related(None)
        .select_related("party_org")
        .only("pk", "name", "party_org__name", "party_org__path")[:MAX_BULK]
    )
    return {"org": org, "members": members, "max_bulk": MAX_BULK, "form": {}, "chosen": set(), "error": ""}


@login_required
@not_found_as_404
def bulk_transfer(request: HttpRequest, code: str) -> HttpResponse:
    """集中转接 (e.g. graduates): a 党务管理员 ticks members of an organisation's subtree and sends them
    to one destination; each gets its own letter (``transfer_issue_bulk``), all or none."""
    org = access_party_org_by_code(request.user, code)
    if not may_transfer_in_bulk(request.user):
        raise PermissionDenied
    context = _bulk_context(request, org)
    if request.method != "POST":
        return render(request, "web/party/bulk_transfer.html", context)
    post = request.POST
    try:
        ids = member_ids(post.getlist("member_id"), "member_ids")
        if len(ids) > MAX_BULK:
            raise ValidationError({"member_ids": gettext("一次最多转接%(max)s名党员") % {"max": MAX_BULK}})
        members = [access_party_member_by_id(request.user, pk) for pk in ids]
        to_org = selectors.receiving_org(post.get("to_org", ""))
        transfers = transfer_issue_bulk(
            actor=request.user,
            members=members,
            letter_no_prefix=post.get("letter_no_prefix", ""),
            valid_months=post.get("valid_months", ""),
            to_org=to_org,
            destination=post.get("destination", ""),
        )
    except (ValidationError, DomainError) as exc:
        text = validation_text(exc) if isinstance(exc, ValidationError) else exc.message
        context.update(form=post, chosen=set(post.getlist("member_id")), error=text)
        messages.error(request, gettext("集中转接未办理:%(text)s") % {"text": text})
        return render(request, "web/party/bulk_transfer.html", context, status=422)
    messages.success(
        request,
        gettext("已集中开具介绍信%(n)s份,转往%(to)s") % {"n": len(transfers), "to": transfers[0].destination},
    )
    return redirect(reverse("web:party_org", kwargs={"code": org.code}) + "#transfers-title")
