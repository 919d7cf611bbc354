"""Audit event types of the party app. A member's events name the fields written, never their values."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class PartyEvent(AuditEventType):
    PARTY_MEMBER_CREATED = "party.party_member_created", _("新建党员")
    PARTY_MEMBER_UPDATED = "party.party_member_updated", _("修改党员信息")
    PARTY_MEMBER_DELETED = "party.party_member_deleted", _("删除党员")
    MEETING_RECORDED = "party.meeting_recorded", _("记录组织生活会议")
    TRANSFER_ISSUED = "party.transfer_issued", _("开具组织关系介绍信")
    TRANSFER_ACCEPTED = "party.transfer_accepted", _("接收组织关系")
    TRANSFER_RETURNED = "party.transfer_returned", _("退回组织关系介绍信")
    TRANSFER_RECEIPT = "party.transfer_receipt", _("登记组织关系转出回执")
    TRANSFER_EXPIRED = "party.transfer_expired", _("组织关系介绍信过期")
    DUES_BASE_SET = "party.dues_base_set", _("核定党费基数")
    DUES_PAID = "party.dues_paid", _("登记党费缴纳")
    DEVELOPMENT_APPLIED = "party.development_applied", _("登记入党申请")
    DEVELOPMENT_MOVED = "party.development_moved", _("发展党员环节")
    MEMBER_LEFT = "party.member_left", _("减少党员")
    TERM_RECORDED = "party.term_recorded", _("登记换届选举")
    STAFFING_SET = "party.staffing_set", _("登记党务力量配备")
    TRANSFER_BULK_ISSUED = "party.transfer_bulk_issued", _("集中转接组织关系")


class StudyEvent(AuditEventType):
    """党员教育: the study library and training records."""

    COURSE_CREATED = "party.study_course_created", _("新建学习课程")
    COURSE_PUBLISHED = "party.study_course_published", _("发布学习课程")
    COURSE_ARCHIVED = "party.study_course_archived", _("下架学习课程")
    QUESTION_ADDED = "party.study_question_added", _("添加测验题")
    STUDY_OPENED = "party.study_opened", _("开始学习")
    STUDY_PROGRESS = "party.study_progress", _("记录学习时长")
    STUDY_FINISHED = "party.study_finished", _("学完课程")
    QUIZ_ANSWERED = "party.study_quiz_answered", _("提交测验")
    TRAINING_CREATED = "party.training_created", _("新建培训班")
    SESSION_CREATED = "party.training_session_created", _("新建培训课次")
    ATTENDANCE_RECORDED = "party.training_attendance_recorded", _("登记培训出勤")
