"""党员服务: 智慧导航 points (party organisations and 党群服务阵地 on the map), a working member's
报到 to the community where they live, and the community's 服务岗 that reported members serve."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class NavKind(models.TextChoices):
    PARTY_ORG = "party_org", _("党组织")
    SERVICE_CENTER = "service_center", _("党群服务中心")
    SERVICE_SITE = "service_site", _("党群服务阵地")


class NavPoint(TimeStampedModel):
    """A place on the public 智慧导航 map: a party organisation or a 党群服务阵地 (WGS-84)."""

    kind = models.CharField(_("类型"), max_length=20, choices=NavKind.choices)
    name = models.CharField(_("名称"), max_length=120, db_index=True)
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nav_points",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200)
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    # A community party organisation's point: working members may 报到 there.
    accepts_reports = models.BooleanField(_("接受报到"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("导航点位")
        verbose_name_plural = _("导航点位")
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["lat", "lng"])]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已报到")
    DECLINED = "declined", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    ENDED = "ended", _("已结束")


OPEN_REPORT_STATUSES = (ReportStatus.PENDING, ReportStatus.ACCEPTED)


class MemberReport(TimeStampedModel):
    """A working member's (在职党员) 报到 to the community party organisation where they live."""

    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="reports"
    )
    community_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("报到社区党组织"), on_delete=models.PROTECT, related_name="reports"
    )
    # The member's own branch when they asked (the unit that gets the 双报到 feedback).
    unit_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("所在单位党组织"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True
    )
    home_address = models.CharField(_("居住地址"), max_length=200, blank=True)
    skills = models.CharField(_("特长与意愿"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党员报到")
        verbose_name_plural = _("党员报到")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="partywork_one_open_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.community_org_id}"


class PostStatus(models.TextChoices):
    OPEN = "open", _("招募中")
    CLOSED = "closed", _("已结束")


class ServicePost(TimeStampedModel):
    """A 服务岗 / 服务项目 a community posts for its reported members (one date, some slots)."""

    community_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("社区党组织"), on_delete=models.PROTECT, related_name="service_posts"
    )
    title = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=30, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    date = models.DateField(_("服务日期"), db_index=True)
    slots = models.PositiveSmallIntegerField(_("名额"))
    hours = models.DecimalField(_("计划时长(小时)"), max_digits=4, decimal_places=1, default=Decimal(2))
    status = models.CharField(_("状态"), max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN)

    class Meta:
        verbose_name = _("服务岗")
        verbose_name_plural = _("服务岗")
        ordering: ClassVar[list[str]] = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    CONFIRMED = "confirmed", _("已确认")
    ABSENT = "absent", _("未到岗")
    CANCELLED = "cancelled", _("已取消")


class ServiceSignup(TimeStampedModel):
    """A reported member's sign-up for a 服务岗; the community confirms the hours served (only confirmed
    hours count)."""

    post = models.ForeignKey(
        ServicePost, verbose_name=_("服务岗"), on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="service_signups"
    )
    report = models.ForeignKey(
        MemberReport, verbose_name=_("报到"), on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP, db_index=True
    )
    hours = models.DecimalField(_("确认时长(小时)"), max_digits=4, decimal_places=1, default=Decimal(0))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务报名")
        verbose_name_plural = _("服务报名")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["post", "member"], name="partywork_signup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.member_id}"


# The app's other models, in their own modules (imported here so Django registers them).
from dangqun.partywork.callout_models import CallOut, CallOutReply, CallOutStatus, PartyBadge, ReplyStatus  # noqa: E402
from dangqun.partywork.pairing_models import Pairing, PairingKind, PairingStatus, PairingVisit  # noqa: E402

__all__ = [  # the re-exported names
    "CallOut",
    "CallOutReply",
    "CallOutStatus",
    "Pairing",
    "PairingKind",
    "PairingStatus",
    "PairingVisit",
    "PartyBadge",
    "ReplyStatus",
]  # fmt: skip
