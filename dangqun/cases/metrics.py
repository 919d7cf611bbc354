"""Cases by status for ``/metrics`` (listed in ``settings.DANGQUN_METRICS_COLLECTORS``; read at each
scrape: one grouped count on an indexed column)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from dangqun.cases.enums import OPEN_STATUSES
from dangqun.cases.models import Case


class CaseStatusCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        by_status = GaugeMetricFamily("dangqun_cases", "Cases by status", labels=["status"])
        open_total = 0
        for row in Case.objects.values("status").annotate(n=Count("id")).order_by():
            by_status.add_metric([row["status"]], row["n"])
            if row["status"] in OPEN_STATUSES:
                open_total += row["n"]
        yield by_status
        yield GaugeMetricFamily(
            "dangqun_cases_open", "Cases not closed, rejected or merged", value=open_total
        )
