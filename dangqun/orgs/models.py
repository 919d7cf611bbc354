"""Party organisations (党委/党工委/党总支/党支部/党小组) and departments (职能部门, utilities)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.fields import PathField
from dangqun.core.models import TimeStampedModel


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


class PartyOrg(TimeStampedModel):
    code = models.CharField(_("组织编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PartyOrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField(_("路径"), unique=True, editable=False)
    # The region this organisation leads (街道党工委 ↔ street, 社区党委 ↔ community, 小区党支部 ↔
    # compound). Organisations of institutions and enterprises may have none.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    secretary_name = models.CharField(_("书记"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering: ClassVar[list[str]] = ["path"]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    UTILITY = "utility", _("公用事业单位")
    AGENCY = "agency", _("派驻机构")


class Department(TimeStampedModel):
    code = models.CharField(_("部门编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(
        _("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    duties = models.TextField(_("职责"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering: ClassVar[list[str]] = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
