"""Case KPIs (诉求办理指标) for dashboards: the figures of ``analytics.kpis`` over the caller's scope.

Leaders and dispatchers see their region subtree, street and community staff theirs, departments the
cases they hold a task in (``cases.permissions.visible_cases_q``); filters narrow that further.
When the caller sees the whole region asked for, no scope filter is added, so whole past days come
from the daily rollup (``analytics.kpi_rollup``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from dangqun.analytics.kpis import KpiGroupBy, KpiReport, case_kpis
from dangqun.cases.models import Category
from dangqun.cases.permissions import kpi_scope_q
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

router = Router(tags=["kpis"])


class KpiFilter(Schema):
    model_config = ConfigDict(populate_by_name=True)

    region: str | None = Field(None, max_length=32, description="区划代码(含下级)")
    department: str | None = Field(None, max_length=40, description="主办部门编码")
    category: str | None = Field(None, max_length=40, description="诉求分类编码(含下级)")
    date_from: dt.date | None = Field(None, alias="from", description="登记日期起(含)")
    date_to: dt.date | None = Field(None, alias="to", description="登记日期止(含)")
    group_by: KpiGroupBy | None = Field(
        None, description="分组:street/community/department/category/month/day"
    )


class KpiFiguresOut(Schema):
    submitted: int = Field(description="登记")
    accepted: int = Field(description="受理")
    resolved: int = Field(description="办结")
    resolved_on_time: int = Field(description="按时办结")
    rated: int = Field(description="已评价(满意+基本满意+不满意)")
    satisfied: int = Field(description="满意")
    basically_satisfied: int = Field(description="基本满意")
    unsatisfied: int = Field(description="不满意")
    unrated: int = Field(description="超时未评价")
    resolution_rate: float | None = Field(description="办结率 = 办结/受理")
    on_time_rate: float | None = Field(description="按时办结率 = 按时办结/办结")
    satisfaction_rate: float | None = Field(description="满意率 = (满意+基本满意)/已评价")
    mean_sign_hours: float | None = Field(description="平均签收时长(小时)")
    mean_resolve_hours: float | None = Field(description="平均办结时长(小时)")


class KpiGroupOut(Schema):
    key: str
    label: str
    figures: KpiFiguresOut


class KpiReportOut(Schema):
    start: dt.datetime | None = Field(description="统计区间起(含)")
    end: dt.datetime | None = Field(description="统计区间止(不含)")
    group_by: str | None
    figures: KpiFiguresOut
    groups: list[KpiGroupOut]


def _by_code(model: Any, code: str | None, field: str, label: str) -> Any:
    if not code:
        return None
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise ValidationError({field: _("未知%(label)s: %(code)s") % {"label": label, "code": code}})
    return obj


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get("/kpis", response=KpiReportOut, summary="诉求办理指标")
def kpis(request: HttpRequest, filters: Query[KpiFilter]) -> KpiReport:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"to": _("结束日期不能早于开始日期")})
    region = _by_code(Region, filters.region, "region", _("区划代码"))
    return case_kpis(
        scope_q=kpi_scope_q(request.user, region),
        region=region,
        department=_by_code(Department, filters.department, "department", _("部门编码")),
        category=_by_code(Category, filters.category, "category", _("分类编码")),
        start=_local_midnight(filters.date_from) if filters.date_from else None,
        end=_local_midnight(filters.date_to + dt.timedelta(days=1)) if filters.date_to else None,
        group_by=filters.group_by,
    )
