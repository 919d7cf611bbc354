"""Audit event types of the 网格工作 app. A visit's events name the fields written, never the answers."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class GridworkEvent(AuditEventType):
    VISIT_RECORDED = "gridwork.visit_recorded", _("记录走访")
    VISIT_CANCELLED = "gridwork.visit_cancelled", _("取消走访")
    VISITS_REFRESHED = "gridwork.visits_refreshed", _("生成应访名单")
    PATROL_STARTED = "gridwork.patrol_started", _("开始巡查")
    PATROL_ENDED = "gridwork.patrol_ended", _("结束巡查")
    PATROL_POINTS = "gridwork.patrol_points", _("上传巡查轨迹")
    PATROL_FINDING = "gridwork.patrol_finding", _("巡查发现转诉求")
    DIARY_WRITTEN = "gridwork.diary_written", _("记录社情日记")
    DIARY_REVIEWED = "gridwork.diary_reviewed", _("阅示社情日记")
    DIARY_COMMENTED = "gridwork.diary_commented", _("评论社情日记")
    MEETING_RECORDED = "gridwork.meeting_recorded", _("记录研判会议")
    DECISION_DONE = "gridwork.decision_done", _("落实研判决定")
    WORKER_RATED = "gridwork.worker_rated", _("民情评议网格员")
    CAMPAIGN_CREATED = "gridwork.campaign_created", _("发起入户排查")
    CAMPAIGN_OPENED = "gridwork.campaign_opened", _("启动入户排查")
    CAMPAIGN_CLOSED = "gridwork.campaign_closed", _("结束入户排查")
    DOOR_RECORDED = "gridwork.door_recorded", _("登记入户排查结果")
    DOOR_ABSENT = "gridwork.door_absent", _("入户无人在家")
