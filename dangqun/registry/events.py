"""Audit event types of the registry app."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class RegistryEvent(AuditEventType):
    IMPORT_COMPLETED = "registry.import_completed", _("批量导入完成")
    EXPORT_COMPLETED = "registry.export_completed", _("批量导出")
