"""The only way to load shared spaces and bookings for a user: ``access_*`` helpers.

The catalogue of shared spaces is open to every signed-in user (residents, branches, teams book them).
A space's owner is the street or community it belongs to: its 社区/街道 staff (and the district-wide
roles above them) approve, reject and cancel its bookings and read who booked. A booking is seen by
the person who made it and by the space's owners; anyone else gets 404, as for a booking that does not
exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.volunteers.models import Booking, Space

# The region roles that manage the spaces of their regions.
SPACE_OWNER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.LEADER, Role.DISPATCHER})


def spaces_for(user: object) -> QuerySet[Space]:
    """The active spaces (the catalogue): every signed-in user may browse and book them."""
    if not getattr(user, "is_authenticated", False):
        return Space.objects.none()
    return Space.objects.select_related("region").filter(is_active=True)


def access_space_by_id(user: object, space_id: int) -> Space:
    space = spaces_for(user).filter(pk=space_id).first()
    if space is None:
        raise NotFoundError(_("共享空间不存在或无权访问"))
    return space


def owns_space(user: object, space: Space) -> bool:
    """Whether ``user`` manages ``space`` (its region is inside the user's owner roles' scope)."""
    return get_scope(user).covers_path(space.region.path, SPACE_OWNER_ROLES)


def owned_spaces_q(user: object, path_lookup: str = "region__path") -> Q:
    return get_scope(user).region_q(path_lookup, SPACE_OWNER_ROLES)


def bookings_visible_q(user: object) -> Q:
    """Bookings the user made, and those of the spaces the user manages."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(booker_id=getattr(user, "pk", None)) | owned_spaces_q(user, "space__region__path")


def bookings_for(user: object) -> QuerySet[Booking]:
    return Booking.objects.select_related("space", "space__region", "booker").filter(bookings_visible_q(user))


def access_booking_by_id(user: object, booking_id: int) -> Booking:
    booking = bookings_for(user).filter(pk=booking_id).first()
    if booking is None:
        raise NotFoundError(_("预约不存在或无权访问"))
    return booking
