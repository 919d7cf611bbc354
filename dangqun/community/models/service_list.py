"""社区服务清单: a community's service items, each with a time limit in working days and the
materials needed, and the residents' requests tracked against that limit on the workflow spine."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class ServiceItem(TimeStampedModel):
    """One item of a community's service list (社区服务清单)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("服务事项"), max_length=100)
    desk = models.CharField(_("承办岗位"), max_length=50)
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限(工作日)"))
    materials = models.TextField(_("所需材料"), blank=True)  # one per line
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("社区服务事项")
        verbose_name_plural = _("社区服务事项")
        ordering: ClassVar[list[str]] = ["region_id", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["region", "number"], name="community_service_item_number")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class ServiceRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    DONE = "done", _("已办结")
    REJECTED = "rejected", _("不予受理")


class ServiceRequest(TimeStampedModel):
    """A resident's request for a service item, due ``time_limit_days`` working days after it was made."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="requests"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        "accounts.User",
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requester_name = models.CharField(_("申请人姓名"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ServiceRequestStatus.choices,
        default=ServiceRequestStatus.SUBMITTED,
        db_index=True,
    )
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务申请")
        verbose_name_plural = _("服务申请")
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return self.code
