from dangqun.core.audit import AuditEventType


class DemoEvent(AuditEventType):
    SEEDED = "demo.seeded", "生成演示数据"
    RESET = "demo.reset", "清除演示数据"
