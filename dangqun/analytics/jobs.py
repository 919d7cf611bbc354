"""Background jobs of analytics, run by the worker (``manage.py db_worker``).

``rollup_kpis`` (scheduled every minute) recomputes the KPI rollup of closed days that are new or
changed (``analytics.kpi_rollup``); it is idempotent (a day is recomputed whole, in one transaction).
"""

from __future__ import annotations

import logging

from django_tasks import task

from dangqun.analytics.kpi_rollup import kpi_rollup_run

logger = logging.getLogger(__name__)


@task()
def rollup_kpis() -> dict[str, int]:
    """Compute the KPI rollup of closed days that are new or changed (``analytics.kpi_rollup``)."""
    result = kpi_rollup_run()
    logger.info("rollup_kpis: %s", result)
    return result
