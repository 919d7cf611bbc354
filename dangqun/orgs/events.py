from dangqun.core.audit import AuditEventType


class OrgsEvent(AuditEventType):
    PARTY_ORG_CREATED = "orgs.party_org_created", "新建党组织"
    PARTY_ORG_UPDATED = "orgs.party_org_updated", "修改党组织"
    DEPARTMENT_CREATED = "orgs.department_created", "新建部门"
    DEPARTMENT_UPDATED = "orgs.department_updated", "修改部门"
