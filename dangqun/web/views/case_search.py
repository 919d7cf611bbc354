"""诉求查询: one paged, sortable case list with the one search (``cases.selectors_search``) for every
role within its scope — the command centre and the street and community staff (/command/cases/), the
unit workbench (/workbench/cases/) and the grid app (/grid/cases/, phone layout). The filtered list
exports to Excel or CSV through ``/exchange/export/cases.xlsx|csv`` with the same query string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.enums import CaseChannel, CaseStatus
from dangqun.cases.models import Case, Category
from dangqun.cases.selectors_search import DEFAULT_SORT, search_cases
from dangqun.core.errors import DomainError, validation_text
from dangqun.exchange.params import case_search
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.command_levels import may_open_command
from dangqun.web.roles import user_role
from dangqun.web.views.gridapp import grid_of
from dangqun.web.views.workbench import may_use_workbench

PAGE_SIZE = 50
GRID_PAGE_SIZE = 20
LIGHT_LABELS = (("green", _("正常")), ("yellow", _("临期")), ("red", _("超期")))
# The sortable columns: (key, label); a header link toggles between key and -key.
SORT_COLUMNS = (
    ("code", _("诉求编号")),
    ("status", _("状态")),
    ("submitted_at", _("登记时间")),
    ("resolve_due_at", _("办结时限")),
)


@dataclass(frozen=True)
class Row:
    case: Case
    light: str | None


@dataclass(frozen=True)
class SortLink:
    key: str
    label: Any
    query: str
    direction: str  # "ascending" / "descending" / "" (aria-sort)


def _query(params: QueryDict, **changes: str) -> str:
    query = params.copy()
    for key, value in changes.items():
        if value:
            query[key] = value
        elif key in query:
            del query[key]
    return query.urlencode()


def _sort_links(params: QueryDict, current: str) -> list[SortLink]:
    links = []
    for key, label in SORT_COLUMNS:
        if current == key:
            target, direction = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, direction = key, "descending"
        else:
            target, direction = (f"-{key}" if key == "submitted_at" else key), ""
        links.append(SortLink(key, label, _query(params, sort=target, page=""), direction))
    return links


def _choices(user: Any) -> dict[str, Any]:
    """The filter form's options (a fixed number of queries): statuses, channels, lights, categories,
    departments, and the streets and communities in the user's region scope."""
    scope = get_scope(user)
    regions = Region.objects.filter(
        level__lte=RegionLevel.COMMUNITY, level__gte=RegionLevel.STREET, is_active=True
    )
    if scope.region_paths() and not scope.is_sysadmin:
        regions = regions.filter(scope.region_q("path"))
    return {
        "statuses": CaseStatus.choices,
        "channels": CaseChannel.choices,
        "lights": LIGHT_LABELS,
        "categories": list(
            Category.objects.filter(is_active=True, level__lte=2)
            .order_by("path")
            .values_list("code", "name", "level")
        ),
        "departments": list(
            Department.objects.filter(is_active=True)
            .order_by("sort_order", "code")
            .values_list("code", "name")
        ),
        "regions": list(regions.order_by("path").values_list("code", "name", "level")),
    }


FIELD_LABELS = {
    "find": _("查找"),
    "q": _("内容关键词"),
    "code": _("诉求编号"),
    "phone": _("诉求人电话"),
    "name": _("诉求人姓名"),
    "address": _("地址"),
    "grid": _("网格编码"),
    "region": _("区域"),
    "unit": _("办理部门"),
    "category": _("分类"),
    "light": _("时限灯"),
    "channel": _("来源渠道"),
    "supervised": _("督办"),
    "overdue": _("超期"),
    "submitted_from": _("登记日期起"),
    "submitted_to": _("登记日期止"),
    "status": _("状态"),
    "sort": _("排序"),
    "format": _("导出格式"),
}


def field_errors(exc: ValidationError) -> str:
    """Each message after the field it is about: its label and its parameter name."""
    if not hasattr(exc, "error_dict"):
        return validation_text(exc)
    return ";".join(
        gettext("%(label)s(%(field)s):%(message)s")
        % {"label": FIELD_LABELS.get(field, field), "field": field, "message": message}
        for field, messages in exc.message_dict.items()
        for message in messages
    )


def _page(params: QueryDict) -> int:
    raw = params.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def search_context(
    request: HttpRequest, page_size: int, *, choices: bool = True
) -> tuple[dict[str, Any], int]:
    """The list's context and the status: 200, or 422/404 with the message naming the field."""
    params = request.GET
    context: dict[str, Any] = {"params": params, "rows": [], "total": 0, "error": ""}
    if choices:
        context.update(_choices(request.user))
    status = 200
    try:
        search = case_search(params)
        qs = search_cases(request.user, search)
        total = qs.count()
        pages = max(1, -(-total // page_size))
        page = min(_page(params), pages)
        start = (page - 1) * page_size
        rows = [Row(case, selectors.case_light(case)) for case in qs[start : start + page_size]]
        context.update(
            {
                "rows": rows,
                "total": total,
                "page": page,
                "pages": pages,
                "previous_query": _query(params, page=str(page - 1)) if page > 1 else "",
                "next_query": _query(params, page=str(page + 1)) if page < pages else "",
                "sort_links": _sort_links(params, search.sort or DEFAULT_SORT),
                "selected_status": set(search.status),
                "searched": bool(search.used()),
            }
        )
    except ValidationError as exc:
        context["error"], status = field_errors(exc), 422
    except DomainError as exc:
        context["error"], status = exc.message, exc.status_code
    context["export_query"] = _query(params, page="")
    return context, status


@login_required
@require_GET
def command_cases(request: HttpRequest) -> HttpResponse:
    """The command centre's list (dispatchers, leaders), also the street and community staff's."""
    if not may_open_command(request.user):  # the command views' roles, at every level
        return render(request, "web/command/forbidden.html", status=403)
    context, status = search_context(request, PAGE_SIZE)
    context["layout"] = "command"
    return render(request, "web/search/list.html", context, status=status)


@login_required
@require_GET
def workbench_cases(request: HttpRequest) -> HttpResponse:
    """The unit workbench's list: the cases the unit's user may see (its tasks' cases, its regions)."""
    if not may_use_workbench(request.user):
        return render(request, "web/workbench/forbidden.html", status=403)
    context, status = search_context(request, PAGE_SIZE)
    context["layout"] = "workbench"
    return render(request, "web/search/list.html", context, status=status)


@login_required
@require_GET
def grid_cases(request: HttpRequest) -> HttpResponse:
    """The grid app's search (phone layout): the grid's cases by code, phone, name or words."""
    if grid_of(user_role(request)) is None:  # a grid worker's or grid leader's app, as its other pages
        raise PermissionDenied(gettext("只有网格员可以使用网格员应用"))
    context, status = search_context(request, GRID_PAGE_SIZE, choices=False)
    context.update({"tab": "search", "statuses": CaseStatus.choices})
    return render(request, "web/grid/search.html", context, status=status)
