from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class OrgsEvent(AuditEventType):
    PARTY_ORG_CREATED = "orgs.party_org_created", _("新建党组织")
    PARTY_ORG_UPDATED = "orgs.party_org_updated", _("修改党组织")
    DEPARTMENT_CREATED = "orgs.department_created", _("新建部门")
    DEPARTMENT_UPDATED = "orgs.department_updated", _("修改部门")
