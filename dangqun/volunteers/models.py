"""志愿服务: shared spaces (共享党群空间) lent free, and their bookings.

A booking holds one ``BookingSlot`` row per room-hour it covers while it is pending or confirmed. The
slot rows carry a unique constraint on (space, hour): two bookings can never hold the same room-hour,
whatever the isolation level, on PostgreSQL and SQLite alike, because the database itself refuses the
second insert. Rejecting or cancelling a booking deletes its slots, freeing the hours.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel
from dangqun.regions.models import Region


class SpaceKind(models.TextChoices):
    PARTY_CENTRE = "party_centre", _("党群服务中心")
    COMMUNITY_HALL = "community_hall", _("社区活动室")
    UNIT_ROOM = "unit_room", _("驻区单位开放空间")


class Space(TimeStampedModel):
    """A room or venue lent free (共享党群空间), owned by a street or community (its staff approve)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=SpaceKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="shared_spaces"
    )
    owner_label = models.CharField(_("管理单位"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"))
    equipment = models.CharField(_("设施设备"), max_length=200, blank=True)
    opens_at = models.TimeField(_("开放时间"))
    closes_at = models.TimeField(_("关闭时间"))
    # ISO weekdays on which it opens: "12345" is Monday to Friday.
    open_weekdays = models.CharField(_("开放日"), max_length=7, default="1234567")
    requires_approval = models.BooleanField(_("需审批"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("共享空间")
        verbose_name_plural = _("共享空间")
        ordering: ClassVar[list[str]] = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def open_hours_per_day(self) -> int:
        return max(0, self.closes_at.hour - self.opens_at.hour)


class BookingPurpose(models.TextChoices):
    ORG_LIFE = "org_life", _("组织生活/主题党日")
    MEETING = "meeting", _("会议")
    TRAINING = "training", _("培训")
    ACTIVITY = "activity", _("志愿服务/活动")
    OTHER = "other", _("其他")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已确认")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")


HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)


class Booking(TimeStampedModel):
    space = models.ForeignKey(
        Space, verbose_name=_("空间"), on_delete=models.PROTECT, related_name="bookings"
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.CharField(_("使用单位"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=20, choices=BookingPurpose.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    attendees = models.PositiveIntegerField(_("参加人数"))
    status = models.CharField(_("状态"), max_length=12, choices=BookingStatus.choices, db_index=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("空间预约")
        verbose_name_plural = _("空间预约")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["space", "starts_at"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="volunteers_booking_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.title}"

    @property
    def hours(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 3600)


class BookingSlot(models.Model):
    """One room-hour held by a pending or confirmed booking: the database's no-clash guarantee."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    hour = models.DateTimeField(_("时段"))

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["space", "hour"], name="volunteers_slot_one_booking_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.space_id} {self.hour:%Y-%m-%d %H:00}"
