"""结对帮扶 (双千, 挂包): a party organisation — or one of its members — paired with a household in need
(a registry household with assisted residents) or a 困难党员, visited on a schedule; the visits record
what was found and the help given (money, goods, problems solved)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class PairingKind(models.TextChoices):
    ASSIST = "assist", _("结对帮扶")
    DOUBLE_THOUSAND = "double_thousand", _("双千帮扶")
    CADRE_LINK = "cadre_link", _("挂包困难党员")


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("帮扶中")
    ENDED = "ended", _("已结束")


class Pairing(TimeStampedModel):
    """One pairing. ``org`` answers for it (its totals count it); ``member`` is the member who visits,
    when a member rather than the whole branch is paired. Exactly one of ``household`` and
    ``hardship_member`` is the one helped."""

    kind = models.CharField(_("帮扶类型"), max_length=20, choices=PairingKind.choices)
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("帮扶党组织"), on_delete=models.PROTECT, related_name="pairings"
    )
    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("帮扶党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("帮扶家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hardship_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("困难党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    every_days = models.PositiveSmallIntegerField(_("走访周期(天)"), default=90)
    started_on = models.DateField(_("结对日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE, db_index=True
    )
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    models.Q(household__isnull=False, hardship_member__isnull=True)
                    | models.Q(household__isnull=True, hardship_member__isnull=False)
                ),
                name="partywork_pairing_one_target",
            ),
            models.UniqueConstraint(
                fields=["org", "household"],
                condition=models.Q(status="active", household__isnull=False),
                name="partywork_pairing_household_once",
            ),
            models.UniqueConstraint(
                fields=["org", "hardship_member"],
                condition=models.Q(status="active", hardship_member__isnull=False),
                name="partywork_pairing_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}→{self.household_id or self.hardship_member_id}"


class PairingVisit(TimeStampedModel):
    """One visit: what was found and the help given."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对帮扶"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found = models.CharField(_("走访发现"), max_length=500)
    help_given = models.CharField(_("帮扶措施"), max_length=500, blank=True)
    money = models.DecimalField(_("帮扶资金(元)"), max_digits=10, decimal_places=2, default=Decimal(0))
    goods = models.CharField(_("帮扶物资"), max_length=200, blank=True)
    problems_solved = models.PositiveSmallIntegerField(_("解决问题(件)"), default=0)

    class Meta:
        verbose_name = _("帮扶走访")
        verbose_name_plural = _("帮扶走访")
        ordering: ClassVar[list[str]] = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pairing_id}@{self.visited_on}"
