"""Query parameters of the exports, shared by the API and the web views (the case list's names)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.cases.selectors import CaseFilters
from dangqun.cases.selectors_search import DEFAULT_SORT, MAX_TEXT, CaseSearch


def _date(params: Any, name: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: _("日期格式应为 YYYY-MM-DD:%(raw)s") % {"raw": raw[:20]}}) from None


def _bool(params: Any, name: str) -> bool | None:
    raw = (params.get(name) or "").strip().lower()
    if raw in ("", "any"):
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise ValidationError({name: _("应为 true 或 false:%(raw)s") % {"raw": raw[:10]}})


def case_filters(params: Any) -> CaseFilters:
    """``params`` is a QueryDict (or a dict of lists) with the case list's filter names."""
    statuses = params.getlist("status") if hasattr(params, "getlist") else params.get("status", [])
    return CaseFilters(
        status=tuple(s.strip() for raw in statuses for s in raw.split(",") if s.strip()),
        category=(params.get("category") or "").strip(),
        region=(params.get("region") or "").strip(),
        unit=(params.get("unit") or "").strip(),
        light=(params.get("light") or "").strip(),
        overdue=_bool(params, "overdue"),
        channel=(params.get("channel") or "").strip(),
        submitted_from=_date(params, "submitted_from"),
        submitted_to=_date(params, "submitted_to"),
        supervised=_bool(params, "supervised"),
        q=(params.get("q") or "").strip()[:100],
    )


def kpi_period(params: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    start, end = _date(params, "from"), _date(params, "to")
    if start and end and start > end:
        raise ValidationError({"to": _("结束日期不能早于开始日期")})

    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    return (
        midnight(start) if start else None,
        midnight(end + dt.timedelta(days=1)) if end else None,
    )


def _text(params: Any, name: str) -> str:
    return str(params.get(name) or "").strip()[:MAX_TEXT]


def case_search(params: Any) -> CaseSearch:
    """A ``CaseSearch`` (the case lists' search, ``cases.selectors_search``) from a QueryDict: the list
    filters' names (``case_filters``) and the look-ups'. A bad value is a ``ValidationError`` naming
    its field."""
    base = case_filters(params)
    return CaseSearch(
        **dataclasses.asdict(base),
        find=_text(params, "find"),
        code=_text(params, "code"),
        phone=_text(params, "phone"),
        name=_text(params, "name"),
        address=_text(params, "address"),
        grid=_text(params, "grid"),
        sort=_text(params, "sort") or DEFAULT_SORT,
    )
