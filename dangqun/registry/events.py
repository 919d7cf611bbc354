"""Audit event types of the registry app. The data of a record's events names the fields written
(``fields`` on creation, ``changed`` on an update), never their values."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class RegistryEvent(AuditEventType):
    IMPORT_COMPLETED = "registry.import_completed", _("批量导入完成")
    EXPORT_COMPLETED = "registry.export_completed", _("批量导出")
    BUILDING_CREATED = "registry.building_created", _("新建楼栋")
    BUILDING_UPDATED = "registry.building_updated", _("修改楼栋")
    BUILDING_DELETED = "registry.building_deleted", _("删除楼栋")
    HOUSEHOLD_CREATED = "registry.household_created", _("新建住户")
    HOUSEHOLD_UPDATED = "registry.household_updated", _("修改住户")
    HOUSEHOLD_DELETED = "registry.household_deleted", _("删除住户")
    RESIDENT_CREATED = "registry.resident_created", _("新建人员")
    RESIDENT_UPDATED = "registry.resident_updated", _("修改人员信息")
    RESIDENT_DELETED = "registry.resident_deleted", _("删除人员")
    BUSINESS_CREATED = "registry.business_created", _("新建商铺/企业")
    BUSINESS_UPDATED = "registry.business_updated", _("修改商铺/企业")
    BUSINESS_DELETED = "registry.business_deleted", _("删除商铺/企业")
    INSTITUTION_CREATED = "registry.institution_created", _("新建机关事业单位")
    INSTITUTION_UPDATED = "registry.institution_updated", _("修改机关事业单位")
    INSTITUTION_DELETED = "registry.institution_deleted", _("删除机关事业单位")
    FACILITY_CREATED = "registry.facility_created", _("新建市政设施")
    FACILITY_UPDATED = "registry.facility_updated", _("修改市政设施")
    FACILITY_DELETED = "registry.facility_deleted", _("删除市政设施")
