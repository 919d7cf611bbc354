"""The 组织指导 workbench's 党内统计年报 page, and its forms for 换届选举, 党务力量配备 and 减少党员.
Views parse and render; the writes are the party services (``term_record``, ``org_staffing_set``,
``member_leave`` through the member's door)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError, NotFoundError, validation_text
from dangqun.party.access import access_party_member_by_id, access_party_org_by_code
from dangqun.party.services.members import member_leave
from dangqun.party.services.terms import org_staffing_set, term_record
from dangqun.party.statistics import annual_statistics
from dangqun.web.access import not_found_as_404


def _statistics_year(request: HttpRequest) -> int:
    """The year asked for, 1921 to this year (this year when absent or out of range)."""
    this_year = clock.local_today().year
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if 1921 <= year <= this_year else this_year


@login_required
@not_found_as_404
def statistics_page(request: HttpRequest, code: str) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    year = _statistics_year(request)
    stats = annual_statistics(org, year)
    this_year = clock.local_today().year
    return render(
        request,
        "web/party/statistics.html",
        {
            "org": org,
            "stats": stats,
            "years": list(range(this_year, this_year - 5, -1)),
            "sections": [
                (gettext("性别"), stats.by_gender),
                (gettext("年龄"), stats.by_age),
                (gettext("学历"), stats.by_education),
                (gettext("民族"), stats.by_ethnicity),
                (gettext("职业"), stats.by_occupation),
                (gettext("党龄"), stats.by_standing),
            ],
        },
    )


@require_POST
@login_required
@not_found_as_404
def record_term(request: HttpRequest, code: str) -> HttpResponse:
    """登记换届选举 from the organisation's page."""
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    try:
        term = term_record(
            actor=request.user,
            org=org,
            elected_on=post.get("elected_on", ""),
            secretary=post.get("secretary", ""),
            deputies=post.get("deputies", ""),
            members=post.get("members", ""),
            term_years=post.get("term_years", ""),
            note=post.get("note", ""),
            full_time_deputy=post.get("full_time_deputy", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("换届选举未登记:%(text)s") % {"text": validation_text(exc)})
    else:
        messages.success(
            request, gettext("已登记换届选举,任期至%(day)s") % {"day": term.expires_on.isoformat()}
        )
    return redirect(reverse("web:party_org", kwargs={"code": org.code}) + "#terms-title")


@require_POST
@login_required
@not_found_as_404
def record_staffing(request: HttpRequest, code: str) -> HttpResponse:
    """党务力量配备 from the organisation's page: institution or not, headcount, full-time party staff."""
    org = access_party_org_by_code(request.user, code)
    post = request.POST
    try:
        org_staffing_set(
            actor=request.user,
            org=org,
            is_institution=bool(post.get("is_institution")),
            headcount=post.get("headcount", ""),
            party_staff=post.get("party_staff", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("党务力量配备未保存:%(text)s") % {"text": validation_text(exc)})
    else:
        messages.success(request, gettext("已保存党务力量配备"))
    return redirect(reverse("web:party_org", kwargs={"code": org.code}) + "#staffing-title")


@require_POST
@login_required
@not_found_as_404
def leave_member(request: HttpRequest, code: str) -> HttpResponse:
    """减少党员 from the organisation's roll (a member of that organisation's subtree)."""
    org = access_party_org_by_code(request.user, code)
    back = reverse("web:party_org", kwargs={"code": org.code}) + "#members-title"
    try:
        member = access_party_member_by_id(request.user, int(request.POST.get("member_id", "")))
    except ValueError:
        messages.error(request, gettext("未能减少党员:%(text)s") % {"text": gettext("请选择党员")})
        return redirect(back)
    if not member.party_org.path.startswith(org.path):
        raise NotFoundError(gettext("党员不存在或无权访问"))
    try:
        left = member_leave(
            actor=request.user,
            member=member,
            left_reason=request.POST.get("left_reason", ""),
            left_on=request.POST.get("left_on", ""),
        )
    except ValidationError as exc:
        messages.error(request, gettext("未能减少党员:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("未能减少党员:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request,
            gettext("%(name)s已减少(%(reason)s)")
            % {"name": left.name, "reason": left.get_left_reason_display()},
        )
    return redirect(back)
