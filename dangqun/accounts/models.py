"""Users and their memberships. A role is held through a membership on a region subtree, a
department or a party organisation; the memberships define what the user may see (data scope)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.core import pii
from dangqun.core.encrypted_fields import (
    BlindIndexedModel,
    BlindIndexedQuerySet,
    BlindIndexField,
    EncryptedCharField,
)
from dangqun.core.models import TimeStampedModel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("群众")
    GRID_WORKER = "grid_worker", _("网格员")
    GRID_LEADER = "grid_leader", _("网格长")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    DEPARTMENT_STAFF = "department_staff", _("职能部门人员")
    DISPATCHER = "dispatcher", _("指挥中心调度员")
    LEADER = "leader", _("领导")
    PARTY_ADMIN = "party_admin", _("党务管理员")
    BRANCH_SECRETARY = "branch_secretary", _("党支部书记")
    SYSADMIN = "sysadmin", _("系统管理员")


# What a membership of each role must be attached to.
REGION_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISPATCHER,
        Role.LEADER,
    }
)
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_STAFF})
PARTY_ORG_ROLES = frozenset({Role.PARTY_ADMIN, Role.BRANCH_SECRETARY})
# The organisation kinds a branch secretary's membership may point at (党支部, 党总支).
BRANCH_SECRETARY_ORG_KINDS = frozenset({"branch", "general_branch"})
UNSCOPED_ROLES = frozenset({Role.CITIZEN, Role.SYSADMIN})

# The region level a region-scoped role must sit on (None: any level).
ROLE_REGION_LEVEL: dict[str, tuple[int, ...]] = {
    Role.GRID_WORKER: (5,),
    Role.GRID_LEADER: (5,),
    Role.COMMUNITY_STAFF: (3,),
    Role.STREET_STAFF: (2,),
    Role.DISPATCHER: (1, 2),
    Role.LEADER: (1, 2),
}


class UserManager(DjangoUserManager.from_queryset(BlindIndexedQuerySet)):  # type: ignore[misc]
    """Django's user manager over a query set that keeps ``phone_hash`` in step with ``phone``."""


class User(BlindIndexedModel, AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", kind=pii.PHONE)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "department", "party_org"],
                name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        target = self.region or self.department or self.party_org or ""
        return f"{self.user} · {self.get_role_display()} · {target}"

    def clean(self) -> None:
        attached = {
            "region": self.region_id is not None,
            "department": self.department_id is not None,
            "party_org": self.party_org_id is not None,
        }
        if self.role in REGION_ROLES:
            need = "region"
        elif self.role in DEPARTMENT_ROLES:
            need = "department"
        elif self.role in PARTY_ORG_ROLES:
            need = "party_org"
        else:
            need = ""
        role_label = self.get_role_display()
        for field, present in attached.items():
            label = {
                "region": gettext("区域"),
                "department": gettext("部门"),
                "party_org": gettext("党组织"),
            }[field]
            if field == need and not present:
                raise ValidationError(
                    {
                        field: gettext("角色“%(role_label)s”必须指定%(label)s")
                        % {"role_label": role_label, "label": label}
                    }
                )
            if field != need and present:
                raise ValidationError(
                    {
                        field: gettext("角色“%(role_label)s”不应指定%(label)s")
                        % {"role_label": role_label, "label": label}
                    }
                )
        if (
            self.role == Role.BRANCH_SECRETARY
            and self.party_org is not None
            and self.party_org.kind not in BRANCH_SECRETARY_ORG_KINDS
        ):
            raise ValidationError({"party_org": gettext("党支部书记须任职于党支部或党总支")})
        levels = ROLE_REGION_LEVEL.get(self.role)
        if levels and self.region is not None and self.region.level not in levels:
            raise ValidationError(
                {
                    "region": gettext("角色“%(get_role_display)s”的区域层级不符")
                    % {"get_role_display": self.get_role_display()}
                }
            )


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer <key>``). Only the SHA-256 of the key is stored;
    the plain key is shown once, when ``accounts.services.api_token_create`` makes it."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60, help_text=_("用途说明,如:12345热线对接"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("密钥前缀"), max_length=12, editable=False, help_text=_("用于辨认,不能用于登录")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
