from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class DemoEvent(AuditEventType):
    SEEDED = "demo.seeded", _("生成演示数据")
    RESET = "demo.reset", _("清除演示数据")
    REANCHORED = "demo.reanchored", _("演示数据日历顺延到今天")
    HISTORY_PLAYED = "demo.history_played", _("演示数据补齐全年诉求")
