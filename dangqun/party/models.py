"""Party members (党员), their organisational life (三会一课) and their transfers (组织关系转接)."""

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
    CANCELLED = "cancelled", _("已取消预备党员资格")
    LEFT = "left", _("已减少")


class LeaveReason(models.TextChoices):
    """Why a member leaves the rolls (减少党员, as the 党内统计年报 counts it)."""

    DEATH = "death", _("死亡")
    EXPELLED = "expelled", _("开除党籍")
    REMOVED = "removed", _("除名")
    WITHDREW = "withdrew", _("退党")
    LAPSED = "lapsed", _("自行脱党")
    OTHER = "other", _("其他")


# The reasons the 年报 counts as 出党 (leaving the Party, as against dying in it).
OUT_OF_PARTY = frozenset(
    {LeaveReason.EXPELLED, LeaveReason.REMOVED, LeaveReason.WITHDREW, LeaveReason.LAPSED}
)


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
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    occupation = models.CharField(_("职业"), max_length=40, blank=True)
    left_on = models.DateField(_("减少日期"), null=True, blank=True)
    left_reason = models.CharField(_("减少原因"), max_length=20, choices=LeaveReason.choices, blank=True)
    # The 党小组 of the member's branch the member belongs to (a subdivision: ``party_org`` stays the
    # branch, which holds the member's organisational relation).
    party_group = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("所在党小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
        limit_choices_to={"kind": "group"},
    )
    # The member's own login (the party member's pages in the citizen app).
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    """三会一课 and the other regular organisational life of a branch (中国共产党支部工作条例)."""

    ASSEMBLY = "assembly", _("支部党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    REVIEW = "review", _("民主评议党员")


class Meeting(TimeStampedModel):
    """A held meeting of a branch (or, for 党小组会, of a 党小组), with its record."""

    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    topic = models.CharField(_("主题"), max_length=200)
    held_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200)
    host = models.CharField(_("主持人"), max_length=50)
    minutes = models.TextField(_("会议记录"), blank=True)
    decisions = models.TextField(_("决定事项"), blank=True)
    attendee_count = models.PositiveIntegerField(_("出席人数"), default=0)
    absentee_count = models.PositiveIntegerField(_("缺席人数"), default=0)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("组织生活会议")
        verbose_name_plural = _("组织生活会议")
        ordering: ClassVar[list[str]] = ["-held_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["org", "kind", "held_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.topic}"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    present = models.BooleanField(_("出席"), default=True)
    reason = models.CharField(_("缺席原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参会情况")
        verbose_name_plural = _("参会情况")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.member_id}"


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    EXPIRED = "expired", _("已过期")


class Transfer(TimeStampedModel):
    """A transfer of a member's organisational relation (组织关系转接), by an introduction letter.

    Inside the deployment ``to_org`` is the receiving branch; out of it ``to_org`` is empty and
    ``destination`` names the receiving organisation, and the sending branch records the 回执."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("转出党组织"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("转入党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    destination = models.CharField(_("转往单位"), max_length=200, blank=True)
    letter_no = models.CharField(_("介绍信编号"), max_length=40, unique=True)
    valid_months = models.PositiveSmallIntegerField(_("有效期(月)"))
    issued_on = models.DateField(_("开具日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.ISSUED, db_index=True
    )
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    receipt_no = models.CharField(_("回执编号"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name=_("开具人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering: ClassVar[list[str]] = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.letter_no


class DuesCategory(models.TextChoices):
    """Who a member is for the dues rule (中组部《关于中国共产党党费收缴、使用和管理的规定》)."""

    ON_JOB = "on_job", _("在岗职工")
    RETIRED = "retired", _("离退休人员")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业")
    LOW_INCOME = "low_income", _("享受低保")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    BANK = "bank", _("银行转账")


class DuesBase(TimeStampedModel):
    """A member's dues base for one year: the category, the monthly income after tax it is computed
    from, the rate and the monthly amount (set once a year)."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="dues_bases"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("类别"), max_length=20, choices=DuesCategory.choices)
    monthly_income = models.DecimalField(_("月收入(税后)"), max_digits=10, decimal_places=2, default=0)
    rate = models.DecimalField(_("缴纳比例"), max_digits=5, decimal_places=4)
    monthly_amount = models.DecimalField(_("月应缴"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_base_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.year}"


class DuesPayment(TimeStampedModel):
    """One month's dues paid by a member (``month`` is the first day of the month paid for; a month
    after the one it was paid in is an advance)."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="dues_payments"
    )
    month = models.DateField(_("所缴月份"))
    amount = models.DecimalField(_("金额"), max_digits=8, decimal_places=2)
    paid_on = models.DateField(_("缴纳日期"))
    method = models.CharField(_("缴纳方式"), max_length=10, choices=PaymentMethod.choices)
    receipt_no = models.CharField(_("收据编号"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("党费缴纳")
        verbose_name_plural = _("党费缴纳")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_payment_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["month", "member"])]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.month:%Y-%m}"


class DevelopmentStage(models.TextChoices):
    """发展党员: from the application to full membership (or its end)."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    CANCELLED = "cancelled", _("已取消预备党员资格")


class Development(TimeStampedModel):
    """One person's way into the Party at a branch: each stage's date, and the meetings that decided
    (a 支部党员大会 admits, confirms, extends or cancels). Admission creates the ``member`` record."""

    branch = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="developments"
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    stage = models.CharField(
        _("阶段"),
        max_length=20,
        choices=DevelopmentStage.choices,
        default=DevelopmentStage.APPLICANT,
        db_index=True,
    )
    applied_on = models.DateField(_("递交申请日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    admitted_on = models.DateField(_("接收预备党员日期"), null=True, blank=True)
    probation_ends_on = models.DateField(_("预备期满日期"), null=True, blank=True)
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    extended = models.BooleanField(_("延长过预备期"), default=False)
    decided_by = models.ForeignKey(
        Meeting,
        verbose_name=_("最近决定会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.OneToOneField(
        PartyMember,
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="development",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering: ClassVar[list[str]] = ["branch", "applied_on", "id"]

    def __str__(self) -> str:
        return self.name


class Term(TimeStampedModel):
    """One elected term (届) of an organisation's committee (换届选举): when it was elected, for how
    many years, and who sits on it. The newest term (by ``elected_on``) is the current one."""

    # An organisation is deactivated rather than deleted; deleting one (the demo reset) drops its terms.
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="terms"
    )
    elected_on = models.DateField(_("选举日期"))
    term_years = models.PositiveSmallIntegerField(_("任期(年)"))
    expires_on = models.DateField(_("任期届满日期"), db_index=True)
    secretary = models.CharField(_("书记"), max_length=50)
    deputies = models.JSONField(_("副书记"), default=list, blank=True)
    # The deputy secretary who works on party affairs full time (专职副书记; one of ``deputies``): in an
    # institution's organisation they are rotated after two terms (任满两届应当交流).
    full_time_deputy = models.CharField(_("专职副书记"), max_length=50, blank=True)
    members = models.JSONField(_("委员"), default=list, blank=True)
    # Secretary, deputies and members together, kept with the names (the checks count thousands).
    committee_size = models.PositiveSmallIntegerField(_("委员会人数"), default=1)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        ordering: ClassVar[list[str]] = ["org", "-elected_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["org", "elected_on"])]

    def __str__(self) -> str:
        return f"{self.org_id}:{self.elected_on}"


class OrgStaffing(TimeStampedModel):
    """The unit behind an organisation (单位): whether it is an institution (机关事业单位), its headcount
    and its full-time party staff (专职党务工作人员, at least 2 % of the headcount in an institution)."""

    org = models.OneToOneField(
        "orgs.PartyOrg", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="staffing"
    )
    is_institution = models.BooleanField(_("机关事业单位"), default=False)
    headcount = models.PositiveIntegerField(_("单位工作人员总数"), default=0)
    party_staff = models.PositiveIntegerField(_("专职党务工作人员数"), default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("党务力量配备")
        verbose_name_plural = _("党务力量配备")

    def __str__(self) -> str:
        return f"{self.org_id}:{self.party_staff}/{self.headcount}"


# 党员教育 (study library and training records) lives in its own module; Django reads it from here.
from dangqun.party.study_models import (  # noqa: E402, F401 - re-exported for Django
    CourseKind,
    CourseStatus,
    RecordStatus,
    StudyCourse,
    StudyQuestion,
    StudyRecord,
    TrainingAttendance,
    TrainingCourse,
    TrainingKind,
    TrainingSession,
)
