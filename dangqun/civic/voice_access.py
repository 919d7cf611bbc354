"""The only way to load 党的声音 items for a user.

Who publishes: a party administrator or a branch secretary for the members of their organisation's
subtree; the staff of a community, a street or the district (and the command centre) for the
residents or the staff of their regions, and for the members of the organisations that lead those
regions (district staff: every organisation). They see and edit the items they could have written;
anyone else's is a 404, like an item that does not exist. A reader loads an item only through their
own receipt, while it is published (``access_my_voice_by_id``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import PARTY_ORG_ROLES, User
from dangqun.accounts.scope import get_scope
from dangqun.civic.access import NOTICE_STAFF_ROLES
from dangqun.civic.voice_models import VoiceAudience, VoiceItem, VoiceReceipt, VoiceStatus
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region

VOICE_STAFF_ROLES = NOTICE_STAFF_ROLES | PARTY_ORG_ROLES


def is_voice_staff(user: object) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & VOICE_STAFF_ROLES)


def require_voice_staff(user: object) -> None:
    """A role gate before any lookup (the same 403 for every object, so it leaks nothing)."""
    if not is_voice_staff(user):
        raise ForbiddenError(_("仅党组织管理员、支部书记及社区、街道、区级工作人员可发布党的声音"))


def orgs_managed_q(user: object, prefix: str = "") -> Q:
    """Organisations whose members the user may address: their own subtree (party roles), those
    leading a region of their staff scope, every one for the whole district's staff."""
    scope = get_scope(user)
    if scope.is_sysadmin or scope.covers_every_region(NOTICE_STAFF_ROLES):
        return Q()
    return scope.party_org_q(f"{prefix}path") | scope.region_q(
        f"{prefix}region__path", roles=NOTICE_STAFF_ROLES
    )


def regions_managed_q(user: object, prefix: str = "") -> Q:
    return get_scope(user).region_q(f"{prefix}path", roles=NOTICE_STAFF_ROLES)


def voice_managed_q(user: object) -> Q:
    return Q(audience=VoiceAudience.MEMBERS) & orgs_managed_q(user, "org__") | (
        ~Q(audience=VoiceAudience.MEMBERS) & regions_managed_q(user, "region__")
    )


def managed_voice(user: object) -> QuerySet[VoiceItem]:
    if not is_voice_staff(user):
        return VoiceItem.objects.none()
    return VoiceItem.objects.select_related("org", "region").filter(voice_managed_q(user))


def access_managed_voice_by_id(user: object, item_id: int) -> VoiceItem:
    item = managed_voice(user).filter(pk=item_id).first()
    if item is None:
        raise NotFoundError(_("党的声音不存在或无权管理"))
    return item


def manages_voice(user: object, item: VoiceItem) -> bool:
    return managed_voice(user).filter(pk=item.pk).exists()


def managed_org(user: object, code: str) -> PartyOrg | None:
    return PartyOrg.objects.filter(orgs_managed_q(user), code=code, is_active=True).first()


def managed_region(user: object, code: str) -> Region | None:
    return Region.objects.filter(regions_managed_q(user), code=code, is_active=True).first()


def my_receipts(user: object) -> QuerySet[VoiceReceipt]:
    """The published items delivered to the user, with their receipts."""
    if not isinstance(user, User) or not user.is_authenticated:
        return VoiceReceipt.objects.none()
    return VoiceReceipt.objects.select_related("item").filter(user=user, item__status=VoiceStatus.PUBLISHED)


def access_my_voice_by_id(user: object, item_id: int) -> VoiceReceipt:
    receipt = my_receipts(user).filter(item_id=item_id).first()
    if receipt is None:
        raise NotFoundError(_("党的声音不存在或未发送给您"))
    return receipt
