"""Audit event types of the registry app."""

from dangqun.core.audit import AuditEventType


class RegistryEvent(AuditEventType):
    IMPORT_COMPLETED = "registry.import_completed", "批量导入完成"
    EXPORT_COMPLETED = "registry.export_completed", "批量导出"
