"""网格工作: the models of this domain.

五访五问 visits: ``VisitRule`` rows say which residents are visited how often (by tag) and which
events make a visit due (a new household, a case closed in the grid: 回访); ``Visit`` is one due
visit, recorded (with the 五问 answers) or cancelled through ``visits.VisitWorkflow``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.fields import PathField
from dangqun.core.models import TimeStampedModel


class VisitTrigger(models.TextChoices):
    TAG = "tag", _("按人员标签定期走访")
    NEW_HOUSEHOLD = "new_household", _("新迁入家庭")
    NEW_RESIDENT = "new_resident", _("新登记居民")
    CASE_CLOSED = "case_closed", _("诉求办结回访")


class VisitRule(TimeStampedModel):
    """A rule that makes visits due: every ``interval_days`` for residents with ``tag_code``, or
    ``due_days`` after an event of kind ``trigger``."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    trigger = models.CharField(_("触发方式"), max_length=20, choices=VisitTrigger.choices)
    tag_code = models.CharField(_("人员标签编码"), max_length=40, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("走访周期(天)"), default=0)
    due_days = models.PositiveSmallIntegerField(_("事件后应访期限(天)"), default=3)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("走访规则")
        verbose_name_plural = _("走访规则")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class VisitStatus(models.TextChoices):
    DUE = "due", _("待走访")
    DONE = "done", _("已走访")
    CANCELLED = "cancelled", _("已取消")


class Visit(TimeStampedModel):
    """One visit a rule made due, in one grid: to a resident, a household, or the reporter of a case."""

    rule = models.ForeignKey(VisitRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="+")
    # What made it due, unique per rule ("r<resident>:<date>", "h<household>", "c<case>").
    source_key = models.CharField(_("来源"), max_length=60)
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = PathField(_("网格路径"))
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("走访对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField(_("对象"), max_length=120)
    due_date = models.DateField(_("应访日期"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.DUE, db_index=True
    )
    done_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answers = models.JSONField(_("五问记录"), default=dict, blank=True)
    notes = models.TextField(_("走访情况"), blank=True)
    follow_up = models.BooleanField(_("需跟进"), default=False)
    # The phone's idempotency key of the record: a retried upload is stored once.
    record_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering: ClassVar[list[str]] = ["due_date", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["rule", "source_key"], name="gridwork_visit_rule_source"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["grid_path", "status", "due_date"], name="gridwork_visit_scope"),
            models.Index(fields=["resident", "status"], name="gridwork_visit_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.due_date}"


class EventCursor(models.Model):
    """How far the visit rules have read a stream of events (audit events, case events)."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    last_id = models.BigIntegerField(_("已读到"), default=0)

    class Meta:
        verbose_name = _("事件读取位置")
        verbose_name_plural = _("事件读取位置")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"


class PatrolSlot(models.TextChoices):
    MORNING = "morning", _("早巡")
    EVENING = "evening", _("晚巡")


class PatrolStatus(models.TextChoices):
    ACTIVE = "active", _("巡查中")
    ENDED = "ended", _("已结束")


class Patrol(TimeStampedModel):
    """一日两巡: one patrol of a grid by one worker, with its GPS track (``PatrolPoint``)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = PathField(_("网格路径"))
    day = models.DateField(_("日期"), db_index=True)
    slot = models.CharField(_("班次"), max_length=10, choices=PatrolSlot.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=PatrolStatus.choices, default=PatrolStatus.ACTIVE
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    start_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True)
    points_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    flagged_count = models.PositiveIntegerField(_("异常点数"), default=0)

    class Meta:
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        ordering: ClassVar[list[str]] = ["-started_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["grid_path", "day"], name="gridwork_patrol_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.day} {self.slot}"


class PointFlag(models.TextChoices):
    OK = "", _("正常")
    OUTSIDE = "outside", _("超出网格")
    SPEED = "speed", _("速度异常")


class PatrolPoint(models.Model):
    """One position of a patrol's track; a batch uploaded twice is stored once ((patrol, at) unique)."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("巡查"), on_delete=models.CASCADE, related_name="points"
    )
    at = models.DateTimeField(_("时间"))
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    flag = models.CharField(_("标记"), max_length=10, choices=PointFlag.choices, default="", blank=True)

    class Meta:
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")
        ordering: ClassVar[list[str]] = ["at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["patrol", "at"], name="gridwork_point_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patrol_id}@{self.at}"


class PatrolFinding(models.Model):
    """A finding on a patrol that became a case (through the cases' intake)."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("巡查"), on_delete=models.CASCADE, related_name="findings"
    )
    case = models.ForeignKey("cases.Case", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("巡查发现")
        verbose_name_plural = _("巡查发现")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["patrol", "case"], name="gridwork_finding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patrol_id}:{self.case_id}"


class DiaryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待阅")
    REVIEWED = "reviewed", _("已阅")


class DiaryEntry(TimeStampedModel):
    """社情日记: one worker's diary of one day in their grid — what was seen, done and heard — read
    (阅示) and commented by the grid leader, the community and the street above."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = PathField(_("网格路径"))
    day = models.DateField(_("日期"))
    seen = models.TextField(_("所见"), blank=True)
    done = models.TextField(_("所做"), blank=True)
    heard = models.TextField(_("所闻(民情民意)"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DiaryStatus.choices, default=DiaryStatus.SUBMITTED
    )
    reviewed_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅示人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(_("阅示意见"), max_length=500, blank=True)
    comments_count = models.PositiveIntegerField(_("评论数"), default=0)

    class Meta:
        verbose_name = _("社情日记")
        verbose_name_plural = _("社情日记")
        ordering: ClassVar[list[str]] = ["-day", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["author", "day"], name="gridwork_diary_one_a_day"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["grid_path", "day"], name="gridwork_diary_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} {self.day}"


class DiaryComment(models.Model):
    """A comment on a diary entry: the community's instruction, or the worker's answer."""

    entry = models.ForeignKey(
        DiaryEntry, verbose_name=_("社情日记"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评论人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("日记评论")
        verbose_name_plural = _("日记评论")
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.pk}"


class MeetingKind(models.TextChoices):
    DAILY = "daily", _("日碰头")
    WEEKLY = "weekly", _("周研判")
    MONTHLY = "monthly", _("月会商")
    QUARTERLY = "quarterly", _("季恳谈")
    HEARING = "hearing", _("动态听证")


class Meeting(TimeStampedModel):
    """研判: a meeting of a grid, a community or a street on what its grids found — the cases
    discussed and the decisions taken, each with an owner and a due date (``Decision``)."""

    kind = models.CharField(_("类型"), max_length=12, choices=MeetingKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = PathField(_("区域路径"))
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("议题"), max_length=200)
    attendees = models.CharField(_("参会人员"), max_length=500, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    cases = models.ManyToManyField("cases.Case", verbose_name=_("研判的诉求"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("研判会议")
        verbose_name_plural = _("研判会议")
        ordering: ClassVar[list[str]] = ["-held_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["region_path", "held_on"], name="gridwork_meeting_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("落实中")
    DONE = "done", _("已落实")


class Decision(TimeStampedModel):
    """One decision of a 研判 meeting: what is to be done, by whom, by when; done through
    ``meetings.DecisionWorkflow``."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("研判会议"), on_delete=models.CASCADE, related_name="decisions"
    )
    region_path = PathField(_("区域路径"))
    text = models.CharField(_("决定事项"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    done_at = models.DateTimeField(_("落实时间"), null=True, blank=True)
    done_note = models.CharField(_("落实情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("研判决定")
        verbose_name_plural = _("研判决定")
        ordering: ClassVar[list[str]] = ["due_date", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["region_path", "status", "due_date"], name="gridwork_decision_scope"),
        ]

    def __str__(self) -> str:
        return self.text


class WorkerRating(models.Model):
    """One household's 民情评议 of a grid worker for one quarter (``2026-Q4``): a score of 1–5 and an
    optional remark. One per household, worker and quarter, held by a unique constraint. ``rater`` is
    the resident's account (empty for ratings collected on paper and entered by the community)."""

    quarter = models.CharField(_("季度"), max_length=7, db_index=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = PathField(_("网格路径"))
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="+"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评议账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    remark = models.CharField(_("意见建议"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("评议时间"))

    class Meta:
        verbose_name = _("民情评议")
        verbose_name_plural = _("民情评议")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["household", "worker", "quarter"], name="gridwork_rating_one_per_household"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="gridwork_rating_score_1_5"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["quarter", "grid_path"], name="gridwork_rating_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.score}"


class CampaignKind(models.TextChoices):
    SAFETY = "safety", _("安全隐患排查")
    POPULATION = "population", _("人口信息核查")
    EPIDEMIC = "epidemic", _("疫情防控排查")
    OTHER = "other", _("其他入户排查")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("排查中")
    CLOSED = "closed", _("已结束")


class Campaign(TimeStampedModel):
    """A door-to-door campaign (入户排查) a street or community launches over its households, with its
    form (``questions``: key, label, type yes_no/choice/number/text, choices, required). Opening it
    (``campaigns.CampaignWorkflow``) lists every household of the region, each assigned to its grid's
    worker."""

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("排查范围"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = PathField(_("区域路径"))
    questions = models.JSONField(_("排查表"), default=list)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    households = models.PositiveIntegerField(_("应排查户数"), default=0)
    opened_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        ordering: ClassVar[list[str]] = ["-starts_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["region_path", "status"], name="gridwork_campaign_scope"),
        ]

    def __str__(self) -> str:
        return self.title


class DoorStatus(models.TextChoices):
    PENDING = "pending", _("待入户")
    ABSENT = "absent", _("无人在家")
    DONE = "done", _("已排查")


class CampaignHousehold(models.Model):
    """One household of a campaign: its grid's worker visits it and records the form's answers
    (``campaigns.DoorWorkflow``); 无人在家 keeps it on the list for another try."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("入户排查"), on_delete=models.CASCADE, related_name="doors"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    grid_path = PathField(_("网格路径"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任网格员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DoorStatus.choices, default=DoorStatus.PENDING
    )
    answers = models.JSONField(_("排查结果"), default=dict, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("入户次数"), default=0)
    done_at = models.DateTimeField(_("排查时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("排查住户")
        verbose_name_plural = _("排查住户")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="gridwork_campaign_household_once"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["campaign", "grid_path", "status"], name="gridwork_door_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.household_id}"
