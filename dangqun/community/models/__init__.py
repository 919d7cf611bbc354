"""区域化党建's models: the four lists (``lists``) and co-building — agreements, alliances, pairings
and joint meetings (``cobuilding``)."""

from dangqun.community.models.cobuilding import (
    Agreement,
    Alliance,
    AllianceField,
    AllianceMember,
    JointMeeting,
    Pairing,
    PairingKind,
    PartnerKind,
)
from dangqun.community.models.lists import (
    Category,
    CoUnit,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
    Responsibility,
    ResponsibilityStatus,
)
from dangqun.community.models.secretary_projects import (
    SecretaryProject,
    SecretaryProjectLevel,
    SecretaryProjectStatus,
)
from dangqun.community.models.service_list import ServiceItem, ServiceRequest, ServiceRequestStatus

__all__ = [
    "Agreement",
    "Alliance",
    "AllianceField",
    "AllianceMember",
    "Category",
    "CoUnit",
    "JointMeeting",
    "Need",
    "NeedSource",
    "NeedStatus",
    "Pairing",
    "PairingKind",
    "PartnerKind",
    "Project",
    "ProjectStatus",
    "Resource",
    "ResourceKind",
    "Responsibility",
    "ResponsibilityStatus",
    "SecretaryProject",
    "SecretaryProjectLevel",
    "SecretaryProjectStatus",
    "ServiceItem",
    "ServiceRequest",
    "ServiceRequestStatus",
]
