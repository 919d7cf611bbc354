"""志愿服务: volunteers, teams, activities and their hours; shared spaces (共享党群空间) lent free, and
their bookings.

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


# --- volunteers: stations, teams, profiles, team membership ------------------------------------------


class Station(TimeStampedModel):
    """A 志愿服务站, owned by a street or community (its staff run it), maybe with a party organisation."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="volunteer_stations"
    )
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("志愿服务站")
        verbose_name_plural = _("志愿服务站")
        ordering: ClassVar[list[str]] = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    """A volunteer team (志愿服务队) of a station; the region's staff approve who joins."""

    station = models.ForeignKey(
        Station,
        verbose_name=_("志愿服务站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="volunteer_teams"
    )
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_label = models.CharField(_("主管单位"), max_length=100, blank=True)
    focus = models.CharField(_("服务方向"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering: ClassVar[list[str]] = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class Volunteer(TimeStampedModel):
    """A registered volunteer: linked to a resident or a party member, and to a login when there is one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=50)
    skills = models.CharField(_("特长技能"), max_length=200, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=100, blank=True)
    service_region = models.ForeignKey(
        Region,
        verbose_name=_("服务区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    ACTIVE = "active", _("在队")
    REJECTED = "rejected", _("未通过")
    LEFT = "left", _("已退出")


class TeamMembership(TimeStampedModel):
    """A volunteer's place in a team: asked for, approved by the team's owners, left."""

    team = models.ForeignKey(
        Team, verbose_name=_("志愿服务队"), on_delete=models.PROTECT, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(_("状态"), max_length=12, choices=MembershipStatus.choices, db_index=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    left_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=models.Q(status__in=["pending", "active"]),
                name="volunteers_one_live_membership_per_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.volunteer}"


# --- activities: events, sign-ups, check-in, hours ---------------------------------------------------


class ActivityKind(models.TextChoices):
    CULTURE = "culture", _("传统文化")
    JOBS = "jobs", _("招聘")
    CLINIC = "clinic", _("义诊")
    ASSIST = "assist", _("帮扶")
    CLEANUP = "cleanup", _("环境清理")
    LAW = "law", _("普法")
    CIVILITY = "civility", _("文明实践")
    OTHER = "other", _("其他")


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("报名中")
    CANCELLED = "cancelled", _("已取消")


class Activity(TimeStampedModel):
    """A volunteer activity held by a street or community (the organiser's region), at a place with
    coordinates; ``slots`` places, then a waiting list. Check-in by the code shown at the place or by
    the phone's position within ``radius_m``, in the window from ``CHECK_IN_EARLY`` before the start to
    the end."""

    title = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("活动内容"), blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("主办区域"), on_delete=models.PROTECT, related_name="volunteer_activities"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("承办队伍"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    organiser_label = models.CharField(_("主办单位"), max_length=100)
    place = models.CharField(_("地点"), max_length=200)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    radius_m = models.PositiveIntegerField(_("签到半径(米)"), default=300)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    slots = models.PositiveIntegerField(_("名额"))
    hours = models.DecimalField(_("服务时长(小时)"), max_digits=5, decimal_places=1)
    check_in_code = models.CharField(_("签到码"), max_length=12)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PUBLISHED,
        db_index=True,
    )

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="volunteers_activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SignUpStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITING = "waiting", _("候补")
    CHECKED_IN = "checked_in", _("已签到")
    CONFIRMED = "confirmed", _("已认定时长")
    CANCELLED = "cancelled", _("已取消")


# The sign-ups that hold a place (never more than the activity's slots).
PLACE_STATUSES = (SignUpStatus.ENROLLED, SignUpStatus.CHECKED_IN, SignUpStatus.CONFIRMED)
LIVE_SIGNUP_STATUSES = (*PLACE_STATUSES, SignUpStatus.WAITING)


class SignUp(TimeStampedModel):
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignUpStatus.choices, db_index=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=10, blank=True)
    confirmed_at = models.DateTimeField(_("时长认定时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=models.Q(status__in=["enrolled", "waiting", "checked_in", "confirmed"]),
                name="volunteers_one_live_signup_per_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.volunteer_id}"


class HoursEntry(models.Model):
    """One line of the hours ledger: a volunteer's confirmed hours for one activity, never twice."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="hours_entries"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="hours_entries"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("志愿服务队"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("时长(小时)"), max_digits=5, decimal_places=1)
    served_on = models.DateField(_("服务日期"))
    credited_at = models.DateTimeField(_("认定时间"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("志愿服务时长")
        verbose_name_plural = _("志愿服务时长")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["volunteer", "served_on"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="volunteers_hours_once_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.activity_id} {self.hours}"
