"""The KPI figures (``KpiFigures``) and the database expressions that compute them from cases.

Shared by the live report (``analytics.kpis``) and the daily rollup (``analytics.kpi_rollup``), so both
count with exactly the same definitions (see ``analytics.kpis`` for what each figure means).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import NotSupportedError
from django.db.models import Count, F, FloatField, Func, Q, Sum

from dangqun.cases.enums import CaseStatus, Satisfaction


class KpiGroupBy(StrEnum):
    STREET = "street"
    COMMUNITY = "community"
    DEPARTMENT = "department"
    CATEGORY = "category"
    MONTH = "month"
    DAY = "day"


class HoursBetween(Func):
    """``end − start`` in hours, as a float, computed by the database (PostgreSQL or SQLite)."""

    arity = 2
    output_field = FloatField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotSupportedError("HoursBetween supports PostgreSQL and SQLite only")

    def _operands(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, [*end_params, *start_params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        end, start, params = self._operands(compiler, connection)
        return f"(date_part('epoch', {end} - {start}) / 3600.0)", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # Django stores aware datetimes on SQLite as UTC text, which julianday() parses (to ~50 µs).
        end, start, params = self._operands(compiler, connection)
        return f"((julianday({end}) - julianday({start})) * 24.0)", params


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 2) if count else None


@dataclass(frozen=True)
class KpiFigures:
    """Exact counts and hour totals; rates and means are derived (see the module docstring)."""

    submitted: int = 0
    accepted: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    unrated: int = 0
    signed: int = 0
    sign_hours_total: float = 0.0
    resolve_hours_total: float = 0.0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolved, self.accepted)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.resolved_on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied + self.basically_satisfied, self.rated)

    @property
    def mean_sign_hours(self) -> float | None:
        return _mean(self.sign_hours_total, self.signed)

    @property
    def mean_resolve_hours(self) -> float | None:
        return _mean(self.resolve_hours_total, self.resolved)

    def __add__(self, other: KpiFigures) -> KpiFigures:
        values: dict[str, Any] = {
            name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__
        }
        return KpiFigures(**values)

    def __sub__(self, other: KpiFigures) -> KpiFigures:
        values: dict[str, Any] = {
            name: getattr(self, name) - getattr(other, name) for name in self.__dataclass_fields__
        }
        return KpiFigures(**values)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> KpiFigures:
        values: dict[str, Any] = {
            name: (float(row[name] or 0) if name.endswith("_total") else int(row[name] or 0))
            for name in cls.__dataclass_fields__
        }
        return cls(**values)


_ACCEPTED = Q(accepted_at__isnull=False) & ~Q(status__in=[CaseStatus.REJECTED, CaseStatus.MERGED])
_RESOLVED = _ACCEPTED & Q(resolved_at__isnull=False)
_SIGNED = _ACCEPTED & Q(
    signed_at__isnull=False, dispatched_at__isnull=False, signed_at__gte=F("dispatched_at")
)


def kpi_aggregates() -> dict[str, Any]:
    return {
        "submitted": Count("pk"),
        "accepted": Count("pk", filter=_ACCEPTED),
        "resolved": Count("pk", filter=_RESOLVED),
        "resolved_on_time": Count("pk", filter=_RESOLVED & Q(resolved_on_time=True)),
        "satisfied": Count("pk", filter=_ACCEPTED & Q(satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count("pk", filter=_ACCEPTED & Q(satisfaction=Satisfaction.BASICALLY)),
        "unsatisfied": Count("pk", filter=_ACCEPTED & Q(satisfaction=Satisfaction.UNSATISFIED)),
        "unrated": Count("pk", filter=_ACCEPTED & Q(satisfaction=Satisfaction.UNRATED)),
        "signed": Count("pk", filter=_SIGNED),
        "sign_hours_total": Sum(HoursBetween("signed_at", "dispatched_at"), filter=_SIGNED),
        "resolve_hours_total": Sum(HoursBetween("resolved_at", "submitted_at"), filter=_RESOLVED),
    }
