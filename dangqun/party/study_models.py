"""党员教育: the study library (courses with their material and optional quiz, each member's study
record) and training records (培训班 with sessions and the attendance and hours of each member).

Imported by ``party.models`` (the app's models module), where Django finds them."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class CourseKind(models.TextChoices):
    TEXT = "text", _("图文")
    PDF = "pdf", _("PDF文档")
    AUDIO = "audio", _("音频")
    VIDEO = "video", _("视频")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已下架")


class StudyCourse(TimeStampedModel):
    """A course of the 党员学习资料库, published by a party organisation to the members of its subtree."""

    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("发布党组织"), on_delete=models.PROTECT, related_name="study_courses"
    )
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("简介"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CourseKind.choices, default=CourseKind.TEXT)
    body = models.TextField(_("正文"), blank=True)
    # The material file (PDF, audio, video), stored through core.uploads; the path is the storage name.
    file_path = models.CharField(_("文件"), max_length=300, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    minutes = models.PositiveSmallIntegerField(_("建议学时(分钟)"), default=20)
    required = models.BooleanField(_("必学"), default=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("下架时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习课程")
        verbose_name_plural = _("学习课程")
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class StudyQuestion(models.Model):
    """A single-choice question of a course's quiz; the right answer never leaves the server."""

    course = models.ForeignKey(
        StudyCourse, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.JSONField(_("选项"), default=list)
    answer = models.PositiveSmallIntegerField(_("正确选项"))
    points = models.PositiveSmallIntegerField(_("分值"), default=10)

    class Meta:
        verbose_name = _("测验题")
        verbose_name_plural = _("测验题")
        ordering: ClassVar[list[str]] = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.text


class RecordStatus(models.TextChoices):
    OPENED = "opened", _("学习中")
    FINISHED = "finished", _("已学完")


class StudyRecord(TimeStampedModel):
    """One member's study of one course: opened, time spent, finished, and the quiz's score."""

    course = models.ForeignKey(
        StudyCourse, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="records"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="study_records"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.OPENED, db_index=True
    )
    opened_at = models.DateTimeField(_("开始学习"))
    seconds = models.PositiveIntegerField(_("学习时长(秒)"), default=0)
    finished_at = models.DateTimeField(_("学完时间"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("测验得分"), null=True, blank=True)
    full_score = models.PositiveSmallIntegerField(_("测验满分"), null=True, blank=True)
    answers = models.JSONField(_("作答"), default=list, blank=True)
    answered_at = models.DateTimeField(_("作答时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering: ClassVar[list[str]] = ["-opened_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["course", "member"], name="party_study_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.member_id}"


class TrainingKind(models.TextChoices):
    WARNING = "warning", _("警示教育培训班")
    SECRETARY = "secretary", _("书记培训")
    FOUR_SAME = "four_same", _("四同教育")
    OTHER = "other", _("其他培训")


class TrainingCourse(TimeStampedModel):
    """A 培训班 held by a party organisation for members or cadres of its subtree."""

    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("主办党组织"), on_delete=models.PROTECT, related_name="trainings"
    )
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训班名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering: ClassVar[list[str]] = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(TimeStampedModel):
    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("培训日期"), db_index=True)
    topic = models.CharField(_("课程主题"), max_length=200)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=Decimal(3))

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering: ClassVar[list[str]] = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.topic


class TrainingAttendance(models.Model):
    """A member's (or cadre's) attendance at a session, with the hours credited."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训课次"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="trainings"
    )
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        ordering: ClassVar[list[str]] = ["session", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["session", "member"], name="party_training_attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}"
