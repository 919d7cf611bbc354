"""Co-building (共驻共建): the agreements (协议书) a street or community signs with its 共建单位, the
alliances (党建联盟 / 党建融合体) that join organisations across fields, the pairings (联建共创,
城乡联建, 结对共建) between organisations, and the joint meetings (联席会议) of a 大工委 / 大党委 or
an alliance, whose decisions become responsibilities (``lists.Responsibility.meeting``)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.community.models.lists import CoUnit
from dangqun.core.models import TimeStampedModel


class Agreement(TimeStampedModel):
    """A co-building agreement (联建共建协议书): parties, commitments and a term; a renewal is a new
    agreement that points at the one it renews."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    unit = models.ForeignKey(
        CoUnit, verbose_name=_("共建单位"), on_delete=models.PROTECT, related_name="agreements"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("共建区域"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("协议名称"), max_length=100)
    parties = models.CharField(_("协议各方"), max_length=200)
    commitments = models.TextField(_("共建承诺"))
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), db_index=True)
    renews = models.OneToOneField(
        "self",
        verbose_name=_("续签自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
    )

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        ordering: ClassVar[list[str]] = ["-ends_on", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AllianceField(models.TextChoices):
    """The field (领域) an alliance member comes from: alliances join organisations across them."""

    GOVERNMENT = "government", _("机关")
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC = "public", _("事业单位")
    SCHOOL = "school", _("学校")
    HEALTH = "health", _("医疗卫生")
    SOCIAL = "social", _("社会组织")
    COMMUNITY = "community", _("社区")
    NEW_ECONOMY = "new_economy", _("新业态")


class Alliance(TimeStampedModel):
    """A named alliance (共驻共建类党建联盟, 党建融合体) led by a party organisation."""

    name = models.CharField(_("联盟名称"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    lead_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("牵头组织"), on_delete=models.PROTECT, related_name="+"
    )
    theme = models.CharField(_("共建主题"), max_length=200, blank=True)
    founded_on = models.DateField(_("成立日期"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("党建联盟")
        verbose_name_plural = _("党建联盟")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(TimeStampedModel):
    """A member organisation of an alliance, with its field and its liaison (联络员)."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="members"
    )
    unit = models.ForeignKey(
        CoUnit,
        verbose_name=_("共建单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_seats",
    )
    org_name = models.CharField(_("成员单位"), max_length=100)
    field = models.CharField(_("领域"), max_length=20, choices=AllianceField.choices)
    liaison_name = models.CharField(_("联络员"), max_length=50)
    joined_on = models.DateField(_("加入日期"))

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["alliance", "org_name"], name="community_alliance_member_once")
        ]

    def __str__(self) -> str:
        return self.org_name


class PairingKind(models.TextChoices):
    JOINT = "joint", _("联建共创")
    URBAN_RURAL = "urban_rural", _("城乡联建")
    TWINNING = "twinning", _("结对共建")


class PartnerKind(models.TextChoices):
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    FIRM = "firm", _("企业")
    ORG = "org", _("机关事业单位")


class Pairing(TimeStampedModel):
    """A pairing (联建共创 / 城乡联建 / 结对共建) of a party organisation with a village, community,
    firm or office, placed in the region where the partner sits."""

    kind = models.CharField(_("结对类型"), max_length=20, choices=PairingKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("结对党组织"), on_delete=models.PROTECT, related_name="+"
    )
    partner_name = models.CharField(_("结对对象"), max_length=100)
    partner_kind = models.CharField(_("对象类型"), max_length=20, choices=PartnerKind.choices)
    goal = models.CharField(_("共建目标"), max_length=200, blank=True)
    started_on = models.DateField(_("结对日期"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering: ClassVar[list[str]] = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.org_id} ↔ {self.partner_name}"


class JointMeeting(TimeStampedModel):
    """A joint meeting (联席会议) of a street's 大工委, a community's 大党委 or an alliance: attendees,
    agenda and minutes; its decisions are responsibilities (``Responsibility.meeting``)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    held_on = models.DateField(_("会议日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("会议主题"), max_length=200)
    attendees = models.CharField(_("参会单位和人员"), max_length=500)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering: ClassVar[list[str]] = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic
