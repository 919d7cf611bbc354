"""Analytics' own table: how far the KPI rollup job has read the case events.

The rollup rows themselves (``KpiDaily``, ``KpiRolledDay``, ``KpiDirtyDay``) stay in ``cases``'
models and migrations, where their tables were created: moving them would rename tables under a
running deployment for no gain. Only ``analytics`` reads and writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiEventMark(models.Model):
    """One row: every case event created before ``before`` has been turned into ``KpiDirtyDay``
    rows by the rollup job (``analytics.kpi_rollup.consume_case_events``). Events from ``before`` on
    are still pending: readers count their cases' days as dirty."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    before = models.DateTimeField(_("已读至"))

    class Meta:
        verbose_name = _("指标事件读取位置")
        verbose_name_plural = _("指标事件读取位置")

    def __str__(self) -> str:
        return self.before.isoformat()
