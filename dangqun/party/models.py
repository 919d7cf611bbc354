"""Party members (党员). Org life, dues, transfers and study build on this in later work."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core import pii
from dangqun.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from dangqun.core.models import TimeStampedModel


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    DECEASED = "deceased", _("已去世")


class PartyMember(BlindIndexedModel, TimeStampedModel):
    party_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    id_number_hash = BlindIndexField(source="id_number", kind=pii.ID_NUMBER)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", kind=pii.PHONE)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    is_probationary = models.BooleanField(_("预备党员"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name
