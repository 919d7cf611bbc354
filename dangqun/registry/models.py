"""The grid's registries: buildings (实有房屋), households, residents (实有人口, PII), businesses,
institutions, facilities. Every row sits in one grid; scope follows the grid's region path."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core import pii
from dangqun.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from dangqun.core.models import TimeStampedModel


class Located(TimeStampedModel):
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        abstract = True


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业")
    MIXED = "mixed", _("商住混合")
    PUBLIC = "public", _("公共建筑")
    BUNGALOW = "bungalow", _("平房/自建房")


class Building(BlindIndexedModel, Located):
    code = models.CharField(_("楼栋编码"), max_length=40, unique=True)
    name = models.CharField(_("楼栋名称"), max_length=60)
    kind = models.CharField(
        _("类型"), max_length=20, choices=BuildingKind.choices, default=BuildingKind.RESIDENTIAL
    )
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    manager_name = models.CharField(_("楼栋长"), max_length=50, blank=True)
    manager_phone = EncryptedCharField(_("楼栋长电话"), max_length=30, blank=True)
    manager_phone_hash = BlindIndexField(source="manager_phone", kind=pii.PHONE)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class HousingKind(models.TextChoices):
    OWNED = "owned", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    OTHER = "other", _("其他")


class Household(TimeStampedModel):
    code = models.CharField(_("户编码"), max_length=48, unique=True)
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="households"
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.CharField(_("门牌/房号"), max_length=40)
    housing = models.CharField(
        _("居住性质"), max_length=10, choices=HousingKind.choices, default=HousingKind.OWNED
    )
    head_name = models.CharField(_("户主"), max_length=50, blank=True)
    members_count = models.PositiveSmallIntegerField(_("人数"), default=0)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.building} {self.room}"


class ResidentTag(models.Model):
    """特殊人群 / 帮扶对象 labels: elderly living alone, disabled, assisted family, special care…"""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    needs_visits = models.BooleanField(_("需定期走访"), default=False)

    class Meta:
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Resident(BlindIndexedModel, TimeStampedModel):
    """实有人口. ``id_number`` and ``phone`` are personal information: encrypted at rest, found
    through their keyed hashes, shown masked unless the reader holds ``view_resident_pii``
    (``core.pii``, ``core.masking``)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default=_("汉族"))
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    id_number_hash = BlindIndexField(source="id_number", kind=pii.ID_NUMBER)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", kind=pii.PHONE)
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, blank=True)
    is_floating = models.BooleanField(_("流动人口"), default=False)
    is_party_member = models.BooleanField(_("党员"), default=False)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("标签"), blank=True, related_name="residents")
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("实有人口")
        verbose_name_plural = _("实有人口")
        ordering: ClassVar[list[str]] = ["id"]
        permissions = (("view_resident_pii", _("查看完整身份证号和电话")),)

    def __str__(self) -> str:
        return self.name


class BusinessKind(models.TextChoices):
    SHOP = "shop", _("商铺")
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    MARKET = "market", _("市场")


class Business(Located):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=BusinessKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    industry = models.CharField(_("行业"), max_length=40, blank=True)
    legal_person = models.CharField(_("负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    # 驻区单位: a unit that joined the community's 大党委 co-building.
    is_resident_unit = models.BooleanField(_("驻区单位"), default=False)
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("商铺/企业")
        verbose_name_plural = _("商铺/企业")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    GOVERNMENT = "government", _("党政机关")
    PUBLIC = "public", _("事业单位")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医疗机构")
    SOCIAL_ORG = "social_org", _("社会组织")


class Institution(Located):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=InstitutionKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    staff_count = models.PositiveIntegerField(_("人数"), default=0)
    is_resident_unit = models.BooleanField(_("驻区单位"), default=True)
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("机关事业单位")
        verbose_name_plural = _("机关事业单位")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    STREET_LAMP = "street_lamp", _("路灯")
    MANHOLE = "manhole", _("井盖")
    HYDRANT = "hydrant", _("消火栓")
    CAMERA = "camera", _("监控探头")
    BIN = "bin", _("垃圾收集点")
    CHARGER = "charger", _("充电桩")
    FITNESS = "fitness", _("健身器材")
    SHELTER = "shelter", _("应急避难场所")


class FacilityStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    DAMAGED = "damaged", _("损坏")
    REPAIRING = "repairing", _("维修中")


class Facility(Located):
    code = models.CharField(_("设施编码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=FacilityKind.choices)
    name = models.CharField(_("名称"), max_length=80)
    status = models.CharField(
        _("状态"), max_length=12, choices=FacilityStatus.choices, default=FacilityStatus.NORMAL
    )
    owner_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("管理部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("市政设施")
        verbose_name_plural = _("市政设施")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name
