"""民情评议 pages: on the citizen app, a registered resident rates the grid workers of their household's
grid for this quarter (phone first, large buttons, one tap per score); the community, street and
district read their workers' ranking for a quarter. Views parse and render; the write is
``gridwork.ratings.worker_rate``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dangqun.accounts.scope import get_scope
from dangqun.civic.access import contact_of
from dangqun.core.errors import DomainError, validation_text
from dangqun.gridwork.access import VISIT_READ_ROLES
from dangqun.gridwork.ratings import (
    REMARK_MAX_CHARS,
    current_quarter,
    household_workers,
    parse_quarter,
    previous_quarter,
    rating_ranking,
    worker_rate,
)

SCORES = ((5, _("非常满意")), (4, _("满意")), (3, _("基本满意")), (2, _("不太满意")), (1, _("不满意")))


@login_required
@require_http_methods(["GET", "POST"])
def my_grid_workers(request: HttpRequest) -> HttpResponse:
    contact = contact_of(request.user)
    resident = contact.resident if contact is not None else None
    if request.method == "POST":
        try:
            worker_id = int(request.POST.get("worker", ""))
        except ValueError:
            worker_id = 0
        try:
            worker_rate(
                actor=request.user,  # type: ignore[arg-type]
                resident=resident,
                worker_id=worker_id,
                score=request.POST.get("score", ""),
                remark=request.POST.get("remark", ""),
            )
        except ValidationError as exc:
            messages.error(request, gettext("评议未提交:%(text)s") % {"text": validation_text(exc)})
        except DomainError as exc:
            messages.error(request, gettext("评议未提交:%(text)s") % {"text": exc.message})
        else:
            messages.success(request, gettext("感谢您的评议!每户每季度评议一次。"))
        return redirect("web:gridwork_my_workers")
    context = {
        "workers": household_workers(resident),
        "registered": resident is not None and resident.household_id is not None,
        "quarter": current_quarter(),
        "scores": SCORES,
        "remark_max": REMARK_MAX_CHARS,
    }
    return render(request, "web/gridwork/my_workers.html", context)


@login_required
def rating_ranking_page(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise PermissionDenied(gettext("只有网格、社区、街道和指挥中心的工作人员可以查看民情评议排名"))
    error = ""
    try:
        quarter = parse_quarter(request.GET.get("quarter", ""))
    except ValidationError as exc:
        error = validation_text(exc)
        quarter = current_quarter()
    rows = rating_ranking(request.user, quarter)
    rated = [r for r in rows if r.count]
    total = sum(r.count for r in rated)
    quarters = [current_quarter()]
    for _i in range(3):
        quarters.append(previous_quarter(quarters[-1]))
    context = {
        "rows": rows,
        "quarter": quarter,
        "quarters": quarters,
        "error": error,
        "total": total,
        "rated_workers": len(rated),
        "mean": round(sum((r.mean or 0) * r.count for r in rated) / total, 2) if total else None,
    }
    return render(request, "web/gridwork/ratings.html", context)
