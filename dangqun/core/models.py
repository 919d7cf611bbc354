from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(gettext_lazy("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One immutable row per write: who did what to which object, with structured data.

    ``event_type`` holds the value of an app's ``AuditEventType`` enum (``regions.boundary_changed``),
    never a translated label. The actor and the target are kept by value as well as by reference, so
    deleting a user or an object never deletes its history (``on_delete=PROTECT`` / no FK on target).
    """

    event_type = models.CharField(gettext_lazy("事件类型"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(gettext_lazy("操作人名称"), max_length=150, blank=True)
    target_type = models.CharField(gettext_lazy("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(gettext_lazy("对象编号"), max_length=64, blank=True)
    data = models.JSONField(gettext_lazy("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("审计事件")
        verbose_name_plural = gettext_lazy("审计事件")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.target_type}#{self.target_id}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are never deleted")


class WorkCalendarDay(TimeStampedModel):
    """An administrator's override of the working calendar for one date.

    Without a row, the ``chinese_calendar`` package decides (public holidays and 调休 make-up
    workdays); for years it does not cover, Monday to Friday are workdays. A row wins over both:
    it turns a date into a holiday (``is_workday=False``) or a workday. Written only through
    ``dangqun.core.workcal.workcal_day_set``.
    """

    date = models.DateField(gettext_lazy("日期"), unique=True)
    is_workday = models.BooleanField(
        gettext_lazy("是否工作日"), help_text=gettext_lazy("勾选为上班(含调休上班),不勾选为放假")
    )
    name = models.CharField(
        gettext_lazy("名称"), max_length=32, help_text=gettext_lazy("如:国庆节、调休上班、防汛值守")
    )
    note = models.CharField(gettext_lazy("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = gettext_lazy("工作日历调整")
        verbose_name_plural = gettext_lazy("工作日历调整")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {_('上班') if self.is_workday else _('放假')} {self.name}"


class Lease(models.Model):
    """A named lease held by one process at a time (``dangqun.core.leader``): the scheduler's
    leadership. Taken and renewed by one conditional UPDATE, so two processes never both hold it; a
    holder that dies stops renewing and another takes it when it expires. ``renewed_at`` is the
    holder's heartbeat (``/metrics``: ``dangqun_lease_heartbeat_age_seconds``)."""

    name = models.CharField(gettext_lazy("租约"), max_length=60, primary_key=True)
    holder = models.CharField(gettext_lazy("持有者"), max_length=120, blank=True)
    expires_at = models.DateTimeField(gettext_lazy("到期时间"))
    renewed_at = models.DateTimeField(gettext_lazy("续约时间"))

    class Meta:
        verbose_name = gettext_lazy("租约")
        verbose_name_plural = gettext_lazy("租约")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or '-'}"
